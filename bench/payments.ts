/** Buying through the app and the fake Stripe, for the scenarios that need a paid order or a subscription. */
import type Stripe from 'stripe'
import type { FakeStripe } from '../src/dev/local-stripe'
import type { World } from './world'

/** `GET /buy/:offer`: the Checkout Session id at the end of the redirect. */
export async function startCheckout(world: World, offerId: string, query = ''): Promise<string> {
  const response = await world.app.request(`/buy/${offerId}${query}`)
  if (response.status !== 303) throw new Error(`/buy answered ${response.status}: ${await response.text()}`)
  return (response.headers.get('location') ?? '').split('/').pop() ?? ''
}

/** Signs an event with the fake's secret (timestamp now) and posts it to the webhook route. */
export async function postEvent(world: World, fake: FakeStripe, event: Stripe.Event): Promise<Response> {
  const { payload, header } = fake.signEvent(event, { timestamp: Math.floor(Date.now() / 1000) })
  const response = await world.app.request('/webhooks/stripe', {
    method: 'POST',
    headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    body: payload,
  })
  if (response.status !== 200)
    throw new Error(`webhook answered ${response.status}: ${await response.text()}`)
  return response
}

/**
 * A card subscription to the shop's tier, completed and delivered; then a renewal. Returns the subscription id
 * and the renewal's `invoice.paid` (not yet delivered): the template for the webhook ingest scenario.
 */
export async function subscribe(
  world: World,
  fake: FakeStripe,
  email = 'subscriber@example.com',
): Promise<{ subscriptionId: string; invoicePaid: Stripe.Event }> {
  const sessionId = await startCheckout(world, world.shop.tierId, '?rail=card')
  const before = new Set(fake.objects<{ id: string }>('subscription').map((sub) => sub.id))
  for (const event of fake.completeSession(sessionId, { email })) await postEvent(world, fake, event)
  const subscription = fake.objects<{ id: string }>('subscription').find((sub) => !before.has(sub.id))
  if (!subscription) throw new Error('the fake Stripe made no subscription')
  const invoicePaid = fake.renewSubscription(subscription.id).find((event) => event.type === 'invoice.paid')
  if (!invoicePaid) throw new Error('the renewal made no invoice.paid')
  return { subscriptionId: subscription.id, invoicePaid }
}

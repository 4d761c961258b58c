/**
 * Shared setup for payment tests: the app over a fresh database, quanzi's Stripe client pointed at the fake
 * Stripe server, both on one clock, and delivery of signed events to the app's webhook route.
 */
import { createStripe } from '../src/billing/stripe-client'
import { type FakeStripe, startFakeStripe } from '../src/dev/local-stripe'
import { tierBody } from './catalog/builders'
import { api, createTestContext, givenCreator, type TestContext } from './helpers'

export interface PaymentsContext {
  ctx: TestContext
  fake: FakeStripe
}

export async function createPaymentsContext(options: { seed?: number } = {}): Promise<PaymentsContext> {
  let now = () => Date.now()
  const fake = await startFakeStripe({ now: () => now(), ...options })
  const ctx = await createTestContext(
    { STRIPE_WEBHOOK_SECRET: fake.webhookSecret },
    // No client retries in tests, so an injected Stripe failure shows at once.
    { stripe: createStripe('sk_test_quanzi', fake.url, { maxNetworkRetries: 0 }) },
  )
  // The fake stamps objects and signatures with the app's clock, so moving one moves both.
  now = ctx.clock.now
  return { ctx, fake }
}

type Events = Parameters<FakeStripe['deliver']>[0]
type DeliverOptions = NonNullable<Parameters<FakeStripe['deliver']>[2]>

/** Signs and POSTs events to /webhooks/stripe, as Stripe would (optionally shuffled, duplicated, concurrent). */
export function deliverToApp({ ctx, fake }: PaymentsContext, events: Events, options: DeliverOptions = {}) {
  return fake.deliver(
    events,
    async (payload, header) => {
      const res = await ctx.app.request('/webhooks/stripe', {
        method: 'POST',
        headers: { 'stripe-signature': header, 'content-type': 'application/json' },
        body: payload,
      })
      return { status: res.status }
    },
    { timestamp: Math.floor(ctx.clock.now() / 1000), ...options },
  )
}

/** The session id at the end of a `/buy` redirect (the fake's checkout URL). */
export function sessionIdOf(response: Response): string {
  return (response.headers.get('location') ?? '').split('/').pop() ?? ''
}

/**
 * A buyer subscribes to a new creator's yearly tier (`tier` overrides its body) by card: the creator's API key,
 * the Stripe subscription id and the checkout's events, not yet delivered.
 */
export async function subscribeByCard(
  { ctx, fake }: PaymentsContext,
  tier: Record<string, unknown> = {},
): Promise<{ key: string; subscriptionId: string; events: Events }> {
  const { key } = await givenCreator(ctx, { grace_days: 3 })
  const offer = (
    await api(ctx, 'POST', '/api/v1/offers', { key, body: tierBody({ status: 'live', ...tier }) })
  ).body
  const location = (await ctx.app.request(`/buy/${offer.id}?rail=card`)).headers.get('location') ?? ''
  const events = fake.completeSession(location.split('/').pop() ?? '', { email: 'member@example.com' })
  const subscriptionId = fake.objects<{ id: string }>('subscription')[0]?.id ?? ''
  return { key, subscriptionId, events }
}

/** The creator revokes the (only) subscription entitlement by hand, through the API; answers the status. */
export async function revokeSubscriberByHand(ctx: TestContext, key: string): Promise<number> {
  const { rows } = await ctx.sql.execute(
    "select id, buyer_id from entitlements where source = 'subscription'",
  )
  const path = `/api/v1/members/${rows[0]?.buyer_id}/entitlements/${rows[0]?.id}`
  return (await api(ctx, 'DELETE', path, { key })).status
}

/**
 * Shared setup for payment tests: the app over a fresh database, quanzi's Stripe client pointed at the fake
 * Stripe server, both on one clock, and delivery of signed events to the app's webhook route.
 */
import { createStripe } from '../src/billing/stripe-client'
import { type FakeStripe, startFakeStripe } from '../src/dev/local-stripe'
import { createTestContext, type TestContext } from './helpers'

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

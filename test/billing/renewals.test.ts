/**
 * Routine renewals applied from the paid invoice alone (src/billing/renewal-events.ts): one round trip, no call
 * to Stripe. Everything that is not routine must still be read back from Stripe, which these tests see as a
 * `GET /v1/subscriptions/…` on the fake.
 */
import type Stripe from 'stripe'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { tierBody } from '../catalog/builders'
import { api, type TestContext } from '../helpers'
import {
  createPaymentsContext,
  deliverToApp,
  type PaymentsContext,
  revokeSubscriberByHand,
  subscribeByCard,
} from '../payments'

let ctx: TestContext
let fake: FakeStripe
let payments: PaymentsContext

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
})
afterEach(() => fake.close())

type Events = Parameters<FakeStripe['deliver']>[0]
const deliver = (events: Events, options = {}) => deliverToApp(payments, events, options)

/** A member subscribed to a yearly tier, checkout delivered; the creator's API key and the subscription id. */
async function subscribed(tier: Record<string, unknown> = {}) {
  const { key, subscriptionId, events } = await subscribeByCard(payments, tier)
  await deliver(events)
  return { key, subscriptionId }
}

/** The next period's `invoice.paid` (the other renewal events are not delivered). */
function renewalInvoicePaid(subscriptionId: string): Stripe.Event {
  ctx.clock.advance(365 * dayMs)
  const paid = fake.renewSubscription(subscriptionId).find((event) => event.type === 'invoice.paid')
  if (!paid) throw new Error('the renewal made no invoice.paid')
  return paid
}

const periodEndOf = (event: Stripe.Event) =>
  ((event.data.object as Stripe.Invoice).lines.data[0]?.period.end ?? 0) * 1000

async function held() {
  const entitlement = (
    await ctx.sql.execute("select id, state, ends_at from entitlements where source = 'subscription'")
  ).rows[0]
  const subscription = (await ctx.sql.execute('select status, current_period_end_at from subscriptions'))
    .rows[0]
  const history = (
    await ctx.sql.execute(
      'select change, cause_id, ends_at_after from entitlement_changes order by at, rowid',
    )
  ).rows.map((row) => `${row.change} ${row.cause_id} ${row.ends_at_after}`)
  return {
    state: entitlement?.state,
    endsAt: Number(entitlement?.ends_at),
    periodEndAt: Number(subscription?.current_period_end_at),
    status: subscription?.status,
    history,
  }
}

/** When the entitlement and the subscription rows were last written: unchanged means nothing was written. */
async function writtenAt() {
  const { rows } = await ctx.sql.execute(
    "select (select group_concat(updated_at) from entitlements where source = 'subscription') as entitlements, (select group_concat(updated_at) from subscriptions) as subscriptions",
  )
  return rows[0]
}

const stripeReads = () =>
  fake.requests.filter((request) => request.path.startsWith('/v1/subscriptions/')).length

describe('a routine renewal, applied from its paid invoice', () => {
  it('extends access to the paid period in one round trip, without asking Stripe', async () => {
    const { subscriptionId } = await subscribed()
    const before = await held()
    const paid = renewalInvoicePaid(subscriptionId)
    fake.requests.length = 0
    ctx.roundTrips.count = 0
    const report = await deliver([paid])
    expect(report.statuses[paid.id]).toEqual([200])
    expect(ctx.roundTrips.count).toBe(1)
    expect(stripeReads()).toBe(0)
    const after = await held()
    expect(after).toMatchObject({
      state: 'active',
      endsAt: periodEndOf(paid),
      periodEndAt: periodEndOf(paid),
    })
    expect(after.endsAt).toBeGreaterThan(before.endsAt)
    expect(after.history).toEqual([...before.history, `extend ${paid.id} ${periodEndOf(paid)}`])
    const ledger = await ctx.sql.execute('select type, object_id, via from stripe_events where id = ?', [
      paid.id,
    ])
    expect(ledger.rows[0]).toMatchObject({ type: 'invoice.paid', via: 'webhook' })
  })

  it('answers a redelivery as a duplicate and changes nothing, still without Stripe', async () => {
    const { subscriptionId } = await subscribed()
    const paid = renewalInvoicePaid(subscriptionId)
    await deliver([paid])
    const first = await held()
    const written = await writtenAt()
    ctx.clock.advance(1000)
    fake.requests.length = 0
    ctx.roundTrips.count = 0
    const again = await ctx.app.request('/webhooks/stripe', signed(paid))
    expect(await again.json()).toMatchObject({ outcome: 'duplicate' })
    // The renewal's own batch found it in the ledger: no second ledger read.
    expect(ctx.roundTrips.count).toBe(1)
    // Twice at once, too.
    await deliver([paid, paid], { concurrency: 2 })
    expect(await held()).toEqual(first)
    expect(await writtenAt()).toEqual(written)
    expect(stripeReads()).toBe(0)
  })

  it('is a no-op after the same renewal came through customer.subscription.updated', async () => {
    const { subscriptionId } = await subscribed()
    ctx.clock.advance(365 * dayMs)
    const renewal = fake.renewSubscription(subscriptionId)
    const updated = renewal.filter((event) => event.type === 'customer.subscription.updated')
    const paid = renewal.find((event) => event.type === 'invoice.paid')
    if (!paid) throw new Error('the renewal made no invoice.paid')
    await deliver(updated)
    const afterUpdate = await held()
    const written = await writtenAt()
    expect(afterUpdate.endsAt).toBe(periodEndOf(paid))
    ctx.clock.advance(1000)
    fake.requests.length = 0
    await deliver([paid])
    expect(await held()).toEqual(afterUpdate)
    expect(await writtenAt()).toEqual(written)
    expect(stripeReads()).toBe(0)
  })
})

describe('what the invoice alone does not decide: read back from Stripe', () => {
  it('an older period’s invoice, paid late, does not shorten access', async () => {
    const { subscriptionId } = await subscribed()
    const older = renewalInvoicePaid(subscriptionId)
    const newer = renewalInvoicePaid(subscriptionId)
    await deliver([newer])
    const current = await held()
    fake.requests.length = 0
    await deliver([older])
    expect(stripeReads()).toBe(1)
    expect(await held()).toEqual(current)
  })

  it('a revoked entitlement is not extended by an invoice', async () => {
    const { key, subscriptionId } = await subscribed()
    expect(await revokeSubscriberByHand(ctx, key)).toBe(200)
    const paid = renewalInvoicePaid(subscriptionId)
    fake.requests.length = 0
    await deliver([paid])
    expect(stripeReads()).toBe(1)
  })

  it('a subscription held as anything but active or trialing is not renewed by an invoice', async () => {
    // No delivery order leaves an active entitlement under a cancelled subscription; the check on the
    // subscription's own status keeps an invoice from renewing one however it came to be.
    const { subscriptionId } = await subscribed()
    await ctx.sql.execute("update subscriptions set status = 'canceled'")
    const paid = renewalInvoicePaid(subscriptionId)
    fake.requests.length = 0
    await deliver([paid])
    expect(stripeReads()).toBe(1)
  })

  it('a downgrade that takes effect with the renewal moves the tier instead of extending the old one', async () => {
    const { key, subscriptionId } = await subscribed({ rank: 2 })
    const lower = await api(ctx, 'POST', '/api/v1/offers', {
      key,
      body: tierBody({ slug: 'reading-room', rank: 1, status: 'live' }),
    })
    expect(lower.status).toBe(201)
    // The metadata protocol of a scheduled downgrade, applied at Stripe directly (as model-subscriptions does).
    const periodEnd = fake.object<{ items: { data: { current_period_end: number }[] } }>(subscriptionId)
      ?.items.data[0]?.current_period_end
    await deliver(
      fake.changeSubscriptionPrice(subscriptionId, {
        metadata: { pending_offer_id: lower.body.id, pending_from: String(periodEnd) },
      }),
    )
    const paid = renewalInvoicePaid(subscriptionId)
    fake.requests.length = 0
    await deliver([paid])
    expect(stripeReads()).toBe(1)
    const tiers = await ctx.sql.execute(
      "select offer_id, state, ends_at from entitlements where source = 'subscription' order by created_at",
    )
    expect(
      tiers.rows.map((row) => `${row.offer_id === lower.body.id ? 'lower' : 'upper'} ${row.state}`),
    ).toEqual(['upper lapsed', 'lower active'])
  })

  it('a recovery from past_due is read back from Stripe', async () => {
    const { subscriptionId } = await subscribed()
    ctx.clock.advance(365 * dayMs)
    await deliver(fake.failInvoice(subscriptionId))
    fake.requests.length = 0
    ctx.roundTrips.count = 0
    await deliver(fake.recoverSubscription(subscriptionId).filter((event) => event.type === 'invoice.paid'))
    expect(stripeReads()).toBe(1)
    // The renewal's batch (which also looked in the ledger), then the general path's read and write.
    expect(ctx.roundTrips.count).toBe(3)
    expect((await held()).state).toBe('active')
  })
})

/** A request delivering `event` to the webhook route, signed now. */
function signed(event: Stripe.Event): RequestInit {
  const { payload, header } = fake.signEvent(event, { timestamp: Math.floor(ctx.clock.now() / 1000) })
  return {
    method: 'POST',
    headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    body: payload,
  }
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { tierBody } from '../catalog/builders'
import { api, countRows, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp as deliverEvents, type PaymentsContext } from '../payments'

let ctx: TestContext
let fake: FakeStripe
let payments: PaymentsContext

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
})
afterEach(() => fake.close())

type Events = Parameters<FakeStripe['deliver']>[0]

const deliver = (events: Events, options = {}) => deliverEvents(payments, events, options)

/** A buyer subscribes to a yearly tier by card; returns the Stripe subscription id and its events. */
async function subscribed(): Promise<{ subscriptionId: string; events: Events; key: string }> {
  const { key } = await givenCreator(ctx, { grace_days: 3 })
  const tier = (await api(ctx, 'POST', '/api/v1/offers', { key, body: tierBody({ status: 'live' }) })).body
  const location = (await ctx.app.request(`/buy/${tier.id}?rail=card`)).headers.get('location') ?? ''
  const events = fake.completeSession(location.split('/').pop() ?? '', { email: 'member@example.com' })
  const subscriptionId = fake.objects<{ id: string }>('subscription')[0]?.id ?? ''
  return { subscriptionId, events, key }
}

async function entitlement() {
  const rows = await ctx.sql.execute(
    "select state, ends_at, grace_ends_at from entitlements where source = 'subscription'",
  )
  return rows.rows[0]
}

async function changes() {
  const rows = await ctx.sql.execute('select change from entitlement_changes order by at, rowid')
  return rows.rows.map((row) => row.change)
}

describe('card subscriptions', () => {
  it('grants the tier until the period end, once, whatever order the checkout events arrive in', async () => {
    const { events } = await subscribed()
    const report = await deliver(events, { seed: 11, shuffle: true, duplicates: 1, concurrency: 2 })
    expect(report.undelivered).toEqual([])
    expect(await entitlement()).toMatchObject({ state: 'active' })
    expect(Number((await entitlement())?.ends_at)).toBeGreaterThan(ctx.clock.now() + 360 * dayMs)
    expect(await changes()).toEqual(['grant'])
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('paid')
    expect(await countRows(ctx, 'subscriptions')).toBe(1)
  })

  it('extends on renewal, gives grace on a failed renewal, restores on recovery and lapses on cancel', async () => {
    const { subscriptionId, events } = await subscribed()
    await deliver(events)
    const firstEnd = Number((await entitlement())?.ends_at)

    ctx.clock.advance(365 * dayMs)
    await deliver(fake.renewSubscription(subscriptionId))
    expect(Number((await entitlement())?.ends_at)).toBeGreaterThan(firstEnd)

    ctx.clock.advance(365 * dayMs)
    await deliver(fake.failInvoice(subscriptionId))
    const grace = await entitlement()
    expect(grace?.state).toBe('grace')
    const periodStart = fake.object<{ items: { data: { current_period_start: number }[] } }>(subscriptionId)
      ?.items.data[0]?.current_period_start
    // The creator's 3 grace days, counted from the failed renewal (the start of the unpaid period).
    expect(Number(grace?.ends_at)).toBe(Number(periodStart) * 1000 + 3 * dayMs)

    await deliver(fake.recoverSubscription(subscriptionId))
    expect((await entitlement())?.state).toBe('active')

    ctx.clock.advance(dayMs)
    await deliver(fake.cancelSubscription(subscriptionId, { atPeriodEnd: false }))
    expect((await entitlement())?.state).toBe('lapsed')
    expect(await changes()).toEqual(['grant', 'extend', 'grace', 'restore', 'lapse'])
  })

  it('converges to the current subscription when a whole history arrives shuffled and late', async () => {
    const { subscriptionId, events } = await subscribed()
    ctx.clock.advance(365 * dayMs)
    const renewed = fake.renewSubscription(subscriptionId)
    ctx.clock.advance(365 * dayMs)
    const failed = fake.failInvoice(subscriptionId)
    await deliver([...events, ...renewed, ...failed], { seed: 5, shuffle: true, duplicates: 1 })
    expect((await entitlement())?.state).toBe('grace')
  })

  it('answers 5xx when Stripe cannot be read, and the redelivery applies the event', async () => {
    const { events } = await subscribed()
    fake.failNext(1, 500)
    const first = await deliver(events.slice(0, 1))
    expect(first.statuses[events[0]?.id ?? '']).toEqual([500])
    expect(await countRows(ctx, 'entitlements')).toBe(0)
    expect(await countRows(ctx, 'stripe_events')).toBe(0)
    await deliver(events.slice(0, 1))
    expect(await countRows(ctx, 'entitlements')).toBe(1)
  })
})

describe('tier changes', () => {
  it('moves the grant to the new tier when the subscription changes tier, with history', async () => {
    const { subscriptionId, events, key } = await subscribed()
    await deliver(events)
    const upper = (
      await api(ctx, 'POST', '/api/v1/offers', {
        key,
        body: tierBody({ slug: 'upper', rank: 2, status: 'live' }),
      })
    ).body.id as string
    const sub = fake.object<{ metadata: Record<string, string> }>(subscriptionId)
    ctx.clock.advance(60_000)
    await deliver(
      fake.changeSubscriptionPrice(subscriptionId, {
        unit_amount: 120000,
        metadata: { ...sub?.metadata, offer_id: upper },
      }),
    )
    const rows = await ctx.sql.execute(
      "select offer_id, state from entitlements where source = 'subscription' order by created_at, offer_id",
    )
    expect(
      rows.rows.map((row) => `${row.offer_id === upper ? 'upper' : 'lower'}:${row.state}`).sort(),
    ).toEqual(['lower:lapsed', 'upper:active'])
    expect(await changes()).toEqual(['grant', 'move', 'grant'])
  })

  it("refuses a change to another creator's offer", async () => {
    const { subscriptionId, events } = await subscribed()
    await deliver(events)
    const other = await givenCreator(ctx)
    const foreign = (
      await api(ctx, 'POST', '/api/v1/offers', {
        key: other.key,
        body: tierBody({ slug: 'foreign', status: 'live' }),
      })
    ).body.id
    const sub = fake.object<{ metadata: Record<string, string> }>(subscriptionId)
    await deliver(
      fake.changeSubscriptionPrice(subscriptionId, { metadata: { ...sub?.metadata, offer_id: foreign } }),
    )
    const rows = await ctx.sql.execute(
      "select offer_id, state from entitlements where source = 'subscription'",
    )
    expect(rows.rows).toHaveLength(1)
    expect(rows.rows[0]?.state).toBe('active')
  })
})

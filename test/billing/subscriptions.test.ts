import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { courseBody, tierBody } from '../catalog/builders'
import { api, countRows, givenCreator, type TestContext } from '../helpers'
import {
  createPaymentsContext,
  deliverToApp as deliverEvents,
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

const deliver = (events: Events, options = {}) => deliverEvents(payments, events, options)

const subscribed = (tier: Record<string, unknown> = {}) => subscribeByCard(payments, tier)

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

  it('reads the subscription from an invoice in either shape: parent (current API) or top level (before 2025-03-31)', async () => {
    const { subscriptionId, events } = await subscribed()
    await deliver(events)
    const firstEnd = Number((await entitlement())?.ends_at)
    ctx.clock.advance(365 * dayMs)
    // Only the renewal's invoice.paid, so the invoice alone must name the subscription.
    const renewal = fake.renewSubscription(subscriptionId).filter((event) => event.type === 'invoice.paid')
    expect(renewal).toHaveLength(1)
    const current = renewal[0]?.data.object as unknown as Record<string, unknown>
    expect(current).not.toHaveProperty('subscription')
    const { parent: _parent, ...rest } = current
    const legacy = {
      ...renewal[0],
      id: 'evt_legacy_invoice',
      data: { object: { ...rest, subscription: subscriptionId } },
    }
    await deliver([legacy] as unknown as Events)
    const legacyEnd = Number((await entitlement())?.ends_at)
    expect(legacyEnd).toBeGreaterThan(firstEnd)
    // A routine renewal in the current shape is applied from the invoice (renewals.test.ts); a recovery from
    // past_due is read back from Stripe, so the general path must find the subscription under `parent` too.
    ctx.clock.advance(365 * dayMs)
    await deliver(fake.failInvoice(subscriptionId))
    expect((await entitlement())?.state).toBe('grace')
    const recovery = fake.recoverSubscription(subscriptionId).filter((event) => event.type === 'invoice.paid')
    expect(recovery).toHaveLength(1)
    await deliver(recovery)
    expect(await entitlement()).toMatchObject({ state: 'active' })
    expect(Number((await entitlement())?.ends_at)).toBeGreaterThan(legacyEnd)
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

describe("the buyer's Stripe customer id", () => {
  const customerOf = (subscriptionId: string) =>
    fake.object<{ customer: string }>(subscriptionId)?.customer ?? ''
  async function buyers() {
    const rows = await ctx.sql.execute('select email, stripe_customer_id from buyers order by email')
    return rows.rows.map((row) => `${row.email}:${row.stripe_customer_id ?? 'none'}`)
  }

  it('is set on the buyer the subscription creates', async () => {
    const { subscriptionId, events } = await subscribed()
    await deliver(events, { seed: 2, shuffle: true, duplicates: 1 })
    expect(await buyers()).toEqual([`member@example.com:${customerOf(subscriptionId)}`])
  })

  it('is set on an existing buyer who has none yet, once', async () => {
    const { subscriptionId, events } = await subscribed()
    await ctx.sql.execute(
      "insert into buyers (id, email, created_at, updated_at) values ('buy_old', 'member@example.com', 1, 1)",
    )
    await deliver(events)
    expect(await buyers()).toEqual([`member@example.com:${customerOf(subscriptionId)}`])
    const row = (await ctx.sql.execute("select id, updated_at from buyers where id = 'buy_old'")).rows[0]
    expect(Number(row?.updated_at)).toBeGreaterThan(1)
  })

  it('stays with the buyer who already holds it (a customer whose email changed at Stripe)', async () => {
    const { subscriptionId, events } = await subscribed()
    const customer = customerOf(subscriptionId)
    await ctx.sql.execute({
      sql: "insert into buyers (id, email, stripe_customer_id, created_at, updated_at) values ('buy_first', 'first@example.com', ?, 1, 1)",
      args: [customer],
    })
    await deliver(events)
    expect(await buyers()).toEqual([`first@example.com:${customer}`, 'member@example.com:none'])
    expect(await entitlement()).toMatchObject({ state: 'active' })
  })

  it('does not replace the one a buyer already has', async () => {
    const { events } = await subscribed()
    await ctx.sql.execute(
      "insert into buyers (id, email, stripe_customer_id, created_at, updated_at) values ('buy_old', 'member@example.com', 'cus_earlier', 1, 1)",
    )
    await deliver(events)
    expect(await buyers()).toEqual(['member@example.com:cus_earlier'])
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

describe('POST /api/v1/subscriptions/{id}/tier', () => {
  type Invoice = { billing_reason: string; amount_paid: number; subscription?: string }
  const invoices = () => fake.objects<Invoice>('invoice')
  const tierRows = async () =>
    (
      await ctx.sql.execute(
        "select o.slug, e.state from entitlements e join offers o on o.id = e.offer_id where e.source = 'subscription' order by o.slug",
      )
    ).rows.map((row) => `${row.slug}:${row.state}`)

  async function givenTier(key: string, slug: string, rank: number, prices: Record<string, unknown>[]) {
    return (
      await api(ctx, 'POST', '/api/v1/offers', {
        key,
        body: tierBody({ slug, rank, status: 'live', prices }),
      })
    ).body.id as string
  }

  it('upgrades now: prorated invoice paid at once, grant moved before the webhook, webhook then a no-op', async () => {
    const { subscriptionId, events, key } = await subscribed()
    await deliver(events)
    const gold = await givenTier(key, 'gold', 2, [{ amount: 120000, currency: 'CNY', interval: 'year' }])
    ctx.clock.advance(182 * dayMs)
    const before = fake.events.length
    const res = await api(ctx, 'POST', `/api/v1/subscriptions/${subscriptionId}/tier`, {
      key,
      body: { offer_id: gold },
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ change: 'upgrade', offer_id: gold, pending_offer_id: null })
    expect(await tierRows()).toEqual(['gold:active', 'inner-circle:lapsed'])
    // Half the year is left: about half of the 1,000 CNY difference, billed and paid now.
    const proration = invoices().find((invoice) => invoice.billing_reason === 'subscription_update')
    expect(proration?.amount_paid).toBeGreaterThan(45000)
    expect(proration?.amount_paid).toBeLessThan(55000)
    const history = await changes()
    expect(history).toEqual(['grant', 'move', 'grant'])
    await deliver(fake.events.slice(before), { seed: 3, shuffle: true, duplicates: 1 })
    expect(await changes()).toEqual(history)
    const audit = await ctx.sql.execute("select action from audit_log where subject_type = 'subscription'")
    expect(audit.rows.map((row) => row.action)).toEqual(['subscription.upgrade'])
  })

  it('downgrades at the period end: access keeps the higher tier until the renewal, which bills the lower price', async () => {
    const { subscriptionId, events, key } = await subscribed({ rank: 2 })
    await deliver(events)
    const basic = await givenTier(key, 'basic', 1, [{ amount: 5000, currency: 'CNY', interval: 'year' }])
    const periodEnd = fake.object<{ items: { data: { current_period_end: number }[] } }>(subscriptionId)
      ?.items.data[0]?.current_period_end
    const res = await api(ctx, 'POST', `/api/v1/subscriptions/${subscriptionId}/tier`, {
      key,
      body: { offer_id: basic },
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ change: 'downgrade', pending_offer_id: basic })
    expect(res.body.effective_at).toBe(new Date(Number(periodEnd) * 1000).toISOString())
    expect(await tierRows()).toEqual(['inner-circle:active'])
    expect(
      (await ctx.sql.execute('select pending_offer_id from subscriptions')).rows[0]?.pending_offer_id,
    ).toBe(basic)
    expect(invoices().filter((invoice) => invoice.billing_reason === 'subscription_update')).toEqual([])

    ctx.clock.advance(366 * dayMs)
    await deliver(fake.renewSubscription(subscriptionId), { seed: 8, shuffle: true, duplicates: 1 })
    expect(await tierRows()).toEqual(['basic:active', 'inner-circle:lapsed'])
    expect(invoices().find((invoice) => invoice.billing_reason === 'subscription_cycle')?.amount_paid).toBe(
      5000,
    )
    expect(
      (await ctx.sql.execute('select pending_offer_id from subscriptions')).rows[0]?.pending_offer_id,
    ).toBe(null)
  })

  it('cancels a waiting downgrade when asked for the current tier', async () => {
    const { subscriptionId, events, key } = await subscribed({ rank: 2 })
    await deliver(events)
    const basic = await givenTier(key, 'basic', 1, [{ amount: 5000, currency: 'CNY', interval: 'year' }])
    const current = (await ctx.sql.execute('select offer_id from subscriptions')).rows[0]?.offer_id as string
    const path = `/api/v1/subscriptions/${subscriptionId}/tier`
    await api(ctx, 'POST', path, { key, body: { offer_id: basic } })
    const res = await api(ctx, 'POST', path, { key, body: { offer_id: current } })
    expect(res.body).toMatchObject({ change: 'cancel_downgrade', offer_id: current, pending_offer_id: null })
    ctx.clock.advance(366 * dayMs)
    await deliver(fake.renewSubscription(subscriptionId))
    expect(await tierRows()).toEqual(['inner-circle:active'])
    expect(invoices().find((invoice) => invoice.billing_reason === 'subscription_cycle')?.amount_paid).toBe(
      20000,
    )
  })

  it('refuses what cannot be done, changing nothing at Stripe', async () => {
    const { subscriptionId, events, key } = await subscribed({ rank: 2 })
    await deliver(events)
    const current = (await ctx.sql.execute('select offer_id from subscriptions')).rows[0]?.offer_id as string
    const monthly = await givenTier(key, 'monthly', 1, [{ amount: 500, currency: 'CNY', interval: 'month' }])
    const course = (await api(ctx, 'POST', '/api/v1/offers', { key, body: courseBody({ status: 'live' }) }))
      .body.id
    const other = await givenCreator(ctx)
    const foreignTier = await givenTier(other.key, 'foreign', 3, [
      { amount: 500, currency: 'CNY', interval: 'year' },
    ])
    const path = `/api/v1/subscriptions/${subscriptionId}/tier`
    const updatesBefore = fake.requests.filter((request) => request.method === 'POST').length
    expect((await api(ctx, 'POST', path, { key, body: { offer_id: current } })).status).toBe(409)
    const noYearly = await api(ctx, 'POST', path, { key, body: { offer_id: monthly } })
    expect(noYearly.status).toBe(422)
    expect(noYearly.body.errors[0].message).toContain('has no active year price')
    const monthlyPrice = (
      await ctx.sql.execute({ sql: 'select id from prices where offer_id = ?', args: [monthly] })
    ).rows[0]?.id
    const downgradeMonthly = await api(ctx, 'POST', path, {
      key,
      body: { offer_id: monthly, price_id: monthlyPrice },
    })
    expect(downgradeMonthly.status).toBe(422)
    expect(downgradeMonthly.body.errors[0].message).toContain('keeps the billing interval')
    expect((await api(ctx, 'POST', path, { key, body: { offer_id: course } })).status).toBe(422)
    expect((await api(ctx, 'POST', path, { key, body: { offer_id: foreignTier } })).status).toBe(422)
    // Another creator cannot move this creator's subscription, and an unknown one is 404.
    expect((await api(ctx, 'POST', path, { key: other.key, body: { offer_id: foreignTier } })).status).toBe(
      404,
    )
    const unknown = await api(ctx, 'POST', '/api/v1/subscriptions/sub_nope/tier', {
      key,
      body: { offer_id: monthly },
    })
    expect(unknown.status).toBe(404)
    expect(fake.requests.filter((request) => request.method === 'POST').length).toBe(updatesBefore)
    const audit = await ctx.sql.execute(
      "select count(*) as n from audit_log where subject_type = 'subscription'",
    )
    expect(audit.rows[0]?.n).toBe(0)
  })
})

describe("a creator's revoke of a subscriber's access", () => {
  it('outlasts the subscription’s later events: a renewal read back from Stripe does not restore it', async () => {
    const { subscriptionId, events, key } = await subscribed()
    await deliver(events)
    expect(await revokeSubscriberByHand(ctx, key)).toBe(200)
    const before = await entitlement()
    ctx.clock.advance(365 * dayMs)
    // Every event of the renewal, each read back from Stripe (the subscription is active and renewed there).
    await deliver(fake.renewSubscription(subscriptionId), { seed: 3, shuffle: true, duplicates: 1 })
    expect(await entitlement()).toEqual(before)
    expect(await changes()).toEqual(['grant', 'revoke'])
  })
})

import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { monthRange } from '../../src/dashboard/calendar-months'
import { revenueSql } from '../../src/dashboard/revenue-query'
import { dayMs } from '../../src/lib/time'
import { courseBody, tierBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { deliverToApp } from '../payments'
import {
  buy,
  type Creator,
  happen,
  latestInvoiceCharge,
  liveOffer,
  openShop,
  refund,
  type Shop,
  subscribe,
} from './shop'

let shop: Shop
let ctx: TestContext
let creator: Creator
let other: Creator

beforeEach(async () => {
  shop = await openShop()
  ctx = shop.ctx
  creator = await givenCreator(ctx)
  other = await givenCreator(ctx)
})
afterEach(() => shop.fake.close())

const revenue = (query = '', key = creator.key) => api(ctx, 'GET', `/api/v1/stats/revenue${query}`, { key })

const cnyCourse = (slug = 'writing') =>
  courseBody({ slug, title: '写作课', prices: [{ amount: 20000, currency: 'CNY', interval: 'once' }] })
const usdCourse = () =>
  courseBody({
    slug: 'english',
    title: 'English',
    prices: [{ amount: 1500, currency: 'USD', interval: 'once' }],
  })

describe('GET /api/v1/stats/revenue: happy', () => {
  it('sums one month per offer and currency: gross, refunds, net and count, keeping USD apart', async () => {
    const course = await liveOffer(shop, creator.key, cnyCourse())
    const english = await liveOffer(shop, creator.key, usdCourse())
    const first = await buy(shop, course.id, 'one@example.com')
    await buy(shop, course.id, 'two@example.com')
    await buy(shop, english.id, 'three@example.com')
    await refund(shop, creator.key, first.orderId, 5000)

    const res = await revenue()
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ from: '2025-12', to: '2026-11', time_zone: 'Asia/Shanghai' })
    const row = (offerId: string) =>
      res.body.data.find((candidate: { offer_id: string }) => candidate.offer_id === offerId)
    expect(res.body.data).toHaveLength(2)
    expect(row(course.id)).toEqual({
      month: '2026-11',
      offer_id: course.id,
      offer_title: '写作课',
      currency: 'CNY',
      gross: 40000,
      refunds: 5000,
      net: 35000,
      count: 2,
    })
    expect(row(english.id)).toEqual({
      month: '2026-11',
      offer_id: english.id,
      offer_title: 'English',
      currency: 'USD',
      gross: 1500,
      refunds: 0,
      net: 1500,
      count: 1,
    })
    expect(res.body.totals).toEqual([
      { currency: 'CNY', gross: 40000, refunds: 5000, net: 35000, count: 2 },
      { currency: 'USD', gross: 1500, refunds: 0, net: 1500, count: 1 },
    ])
  })

  it('counts a refund in the month Stripe made it, and each partial refund once', async () => {
    const course = await liveOffer(shop, creator.key, cnyCourse())
    const { orderId } = await buy(shop, course.id, 'one@example.com')
    ctx.clock.advance(20 * dayMs) // 2026-12-13
    await refund(shop, creator.key, orderId, 5000)
    ctx.clock.advance(40 * dayMs) // 2027-01-22
    await refund(shop, creator.key, orderId) // the remaining 15000: amount_refunded is now 20000
    const res = await revenue('?from=2026-11&to=2027-01')
    expect(
      res.body.data.map((row: Record<string, unknown>) => [row.month, row.gross, row.refunds, row.net]),
    ).toEqual([
      ['2026-11', 20000, 0, 20000],
      ['2026-12', 0, 5000, -5000],
      ['2027-01', 0, 15000, -15000],
    ])
    expect(res.body.totals).toEqual([{ currency: 'CNY', gross: 20000, refunds: 20000, net: 0, count: 1 }])
  })

  it('uses the creator’s calendar months: 1 December 01:00 in Shanghai is November 30 in UTC', async () => {
    const utcCreator = await givenCreator(ctx, { time_zone: 'UTC' })
    const shanghaiCourse = await liveOffer(shop, creator.key, cnyCourse())
    const utcCourse = await liveOffer(shop, utcCreator.key, cnyCourse())
    ctx.clock.set(Date.UTC(2026, 10, 30, 17, 0)) // 2026-12-01 01:00 in Shanghai
    await buy(shop, shanghaiCourse.id, 'one@example.com')
    await buy(shop, utcCourse.id, 'one@example.com')
    const query = '?from=2026-11&to=2026-12'
    expect((await revenue(query)).body.data.map((row: { month: string }) => row.month)).toEqual(['2026-12'])
    const utc = await revenue(query, utcCreator.key)
    expect(utc.body.time_zone).toBe('UTC')
    expect(utc.body.data.map((row: { month: string }) => row.month)).toEqual(['2026-11'])
  })

  it('counts subscriptions by paid invoices: the first once (not as its order too), renewals', async () => {
    const tier = await liveOffer(shop, creator.key, tierBody({ title: '内圈' }))
    const { subscriptionId } = await subscribe(shop, tier.id, 'member@example.com')
    const first = await revenue('?from=2026-11&to=2026-11')
    expect(first.body.data).toEqual([
      {
        month: '2026-11',
        offer_id: tier.id,
        offer_title: '内圈',
        currency: 'CNY',
        gross: 20000,
        refunds: 0,
        net: 20000,
        count: 1,
      },
    ])
    ctx.clock.advance(365 * dayMs) // 2027-11-23
    await happen(shop, () => shop.fake.renewSubscription(subscriptionId))
    await happen(shop, () => shop.fake.refundCharge(latestInvoiceCharge(shop, subscriptionId), 3000))
    const res = await revenue('?from=2026-11&to=2027-11')
    expect(
      res.body.data.map((row: Record<string, unknown>) => [row.month, row.offer_id, row.gross, row.refunds]),
    ).toEqual([
      ['2026-11', tier.id, 20000, 0],
      ['2027-11', tier.id, 20000, 3000],
    ])
    expect(res.body.totals).toEqual([{ currency: 'CNY', gross: 40000, refunds: 3000, net: 37000, count: 2 }])
  })

  it('places a subscription refund that arrives before the invoice payment naming its PaymentIntent', async () => {
    const tier = await liveOffer(shop, creator.key, tierBody({ title: '内圈' }))
    const { subscriptionId } = await subscribe(shop, tier.id, 'member@example.com')
    ctx.clock.advance(365 * dayMs)
    const from = shop.fake.events.length
    shop.fake.renewSubscription(subscriptionId)
    shop.fake.refundCharge(latestInvoiceCharge(shop, subscriptionId), 3000)
    const events = shop.fake.events.slice(from)
    const link = events.filter((event) => event.type === 'invoice_payment.paid')
    expect(link).toHaveLength(1)
    // Everything but the invoice payment: the renewal counts, its refund cannot be placed yet.
    await deliverToApp(
      shop.payments,
      events.filter((event) => event.type !== 'invoice_payment.paid'),
    )
    const before = await revenue('?from=2027-11&to=2027-11')
    expect(before.body.totals).toEqual([{ currency: 'CNY', gross: 20000, refunds: 0, net: 20000, count: 1 }])
    await deliverToApp(shop.payments, link)
    const after = await revenue('?from=2027-11&to=2027-11')
    expect(after.body.data.map((row: Record<string, unknown>) => [row.offer_id, row.refunds])).toEqual([
      [tier.id, 3000],
    ])
  })

  it('counts a refund once for an invoice from an older API version that also names its PaymentIntent', async () => {
    const tier = await liveOffer(shop, creator.key, tierBody())
    const { subscriptionId } = await subscribe(shop, tier.id, 'member@example.com')
    ctx.clock.advance(365 * dayMs)
    const from = shop.fake.events.length
    shop.fake.renewSubscription(subscriptionId)
    shop.fake.refundCharge(latestInvoiceCharge(shop, subscriptionId), 5000)
    const events = shop.fake.events.slice(from).map((event) => {
      if (event.type !== 'invoice.paid') return event
      // A webhook endpoint on an API version before 2025-03-31 still gets `payment_intent` on the invoice.
      const object = event.data.object as unknown as { payments: { data: { payment: object }[] } }
      const legacy = { ...object, payment_intent: object.payments.data[0]?.payment }
      const paymentIntent = (legacy.payment_intent as { payment_intent: string }).payment_intent
      return { ...event, data: { ...event.data, object: { ...legacy, payment_intent: paymentIntent } } }
    }) as typeof shop.fake.events
    await deliverToApp(shop.payments, events)
    const res = await revenue('?from=2027-11&to=2027-11')
    expect(res.body.totals).toEqual([{ currency: 'CNY', gross: 20000, refunds: 5000, net: 15000, count: 1 }])
  })

  it('counts nothing for a free trial’s first invoice, and the first charge after it', async () => {
    const tier = await liveOffer(shop, creator.key, tierBody({ trial_days: 14 }))
    const { subscriptionId } = await subscribe(shop, tier.id, 'member@example.com')
    expect((await revenue()).body.data).toEqual([])
    ctx.clock.advance(14 * dayMs) // 2026-12-07
    await happen(shop, () => shop.fake.renewSubscription(subscriptionId))
    const res = await revenue('?from=2026-11&to=2026-12')
    expect(res.body.data).toEqual([expect.objectContaining({ month: '2026-12', gross: 20000, count: 1 })])
  })

  it('counts a renewal after a scheduled downgrade for the lower tier, as access does', async () => {
    const upper = await liveOffer(shop, creator.key, tierBody({ slug: 'upper', rank: 2 }))
    const lower = await liveOffer(shop, creator.key, tierBody({ slug: 'lower', rank: 1 }))
    const { subscriptionId } = await subscribe(shop, upper.id, 'member@example.com')
    const subscription = shop.fake.object<{
      metadata: Record<string, string>
      items: { data: { current_period_end: number }[] }
    }>(subscriptionId)
    await happen(shop, () =>
      shop.fake.changeSubscriptionPrice(subscriptionId, {
        unit_amount: 10000,
        metadata: {
          ...subscription.metadata,
          pending_offer_id: lower.id,
          pending_from: String(subscription.items.data[0]?.current_period_end),
        },
      }),
    )
    ctx.clock.advance(365 * dayMs)
    await happen(shop, () => shop.fake.renewSubscription(subscriptionId))
    const res = await revenue('?from=2026-11&to=2027-11')
    expect(res.body.data.map((row: Record<string, unknown>) => [row.month, row.offer_id, row.gross])).toEqual(
      [
        ['2026-11', upper.id, 20000],
        ['2027-11', lower.id, 10000],
      ],
    )
  })

  it('counts a tier pass bought with a wallet as a one-time order', async () => {
    const tier = await liveOffer(shop, creator.key, tierBody())
    await buy(shop, tier.id, 'member@example.com', '?rail=wallet')
    expect((await revenue()).body.data).toEqual([
      expect.objectContaining({ offer_id: tier.id, gross: 20000, count: 1, currency: 'CNY' }),
    ])
  })

  it('reads the report in one database round trip', async () => {
    const course = await liveOffer(shop, creator.key, cnyCourse())
    await buy(shop, course.id, 'one@example.com')
    await revenue() // the key's first use also stamps last_used_at
    ctx.roundTrips.count = 0
    const res = await revenue()
    expect(res.body.data).toHaveLength(1)
    // One for the API key, one for the report.
    expect(ctx.roundTrips.count).toBe(2)
  })
})

describe('revenue statement', () => {
  it('binds fewer parameters than D1 allows (100) for the widest range, 60 months', () => {
    const months = monthRange('2022-01', '2026-12', 'Asia/Shanghai')
    expect(months).toHaveLength(60)
    const query = new SQLiteSyncDialect().sqlToQuery(revenueSql('cre_1', months, 'month-offer'))
    expect(query.params.length).toBeLessThan(100)
    expect(query.sql).toContain("('2026-12', ")
  })
})

describe('GET /api/v1/stats/revenue: error', () => {
  it('refuses malformed months, a reversed range and more than 60 months with 422', async () => {
    for (const query of [
      '?from=2026-13',
      '?to=26-01',
      '?from=2026-11&to=2026-10',
      '?from=2020-01&to=2026-01',
    ]) {
      const res = await revenue(query)
      expect(res.status, query).toBe(422)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
    }
    expect((await revenue('?from=2021-12&to=2026-11')).status).toBe(200)
  })

  it('defaults `to` to 11 months after `from`, and `from` to 11 months before `to`', async () => {
    expect((await revenue('?from=2026-01')).body).toMatchObject({ from: '2026-01', to: '2026-12' })
    expect((await revenue('?to=2026-06')).body).toMatchObject({ from: '2025-07', to: '2026-06' })
  })
})

describe('GET /api/v1/stats/revenue: security', () => {
  it('shows a creator only their own money', async () => {
    const mine = await liveOffer(shop, creator.key, cnyCourse())
    const theirs = await liveOffer(shop, other.key, usdCourse())
    const { orderId } = await buy(shop, mine.id, 'one@example.com')
    await refund(shop, creator.key, orderId, 5000)
    const tier = await liveOffer(shop, creator.key, tierBody())
    await subscribe(shop, tier.id, 'member@example.com')
    await buy(shop, theirs.id, 'one@example.com')
    const res = await revenue('', other.key)
    expect(res.body.data).toEqual([expect.objectContaining({ offer_id: theirs.id, gross: 1500, refunds: 0 })])
    expect(res.body.totals).toEqual([{ currency: 'USD', gross: 1500, refunds: 0, net: 1500, count: 1 }])
    const mineOnly = await revenue()
    expect(mineOnly.body.totals).toEqual([
      { currency: 'CNY', gross: 40000, refunds: 5000, net: 35000, count: 2 },
    ])
  })

  it('requires an API key', async () => {
    const res = await api(ctx, 'GET', '/api/v1/stats/revenue')
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
  })
})

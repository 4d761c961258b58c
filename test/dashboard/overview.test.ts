import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dayMs } from '../../src/lib/time'
import { courseBody, groupBody, tierBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { buy, type Creator, happen, liveOffer, openShop, refund, type Shop, subscribe } from './shop'

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

const overview = (key = creator.key) => api(ctx, 'GET', '/api/v1/stats/overview', { key })
const hour = 3_600_000

/**
 * A year of a small community, starting at T0 = 2026-11-23 12:00 UTC and read at T0 + 350 days:
 * m1 course for good · m2 a 365-day pass · m3 a yearly card subscription · m4 a pass already extended by a
 * second one · m5 a subscription set to cancel · m6 a course refunded on day 345 · m7 a course bought today ·
 * m8 a 335-day group pass that ran out on day 335 (its state still says active) · m9 a pass refunded on day 2
 * after buying a second that only starts on day 365 (no access on day 320 nor now).
 */
async function aYearOfMembers() {
  const t0 = ctx.clock.now()
  const tier = await liveOffer(shop, creator.key, tierBody({ title: '内圈' }))
  const course = await liveOffer(
    shop,
    creator.key,
    courseBody({ prices: [{ amount: 20000, currency: 'CNY', interval: 'once' }] }),
  )
  const group = await liveOffer(
    shop,
    creator.key,
    groupBody({ prices: [{ amount: 9900, currency: 'CNY', interval: 'once', term_days: 335 }] }),
  )
  const m1 = await buy(shop, course.id, 'm1@example.com')
  const m2 = await buy(shop, tier.id, 'm2@example.com', '?rail=wallet')
  const m4 = await buy(shop, tier.id, 'm4@example.com', '?rail=wallet')
  const m6 = await buy(shop, course.id, 'm6@example.com')
  const m8 = await buy(shop, group.id, 'm8@example.com')
  ctx.clock.advance(hour)
  const m3 = await subscribe(shop, tier.id, 'm3@example.com')
  const m5 = await subscribe(shop, tier.id, 'm5@example.com')
  await happen(shop, () => shop.fake.cancelSubscription(m5.subscriptionId, { atPeriodEnd: true }))
  const m9 = await buy(shop, tier.id, 'm9@example.com', '?rail=wallet')
  ctx.clock.set(t0 + dayMs)
  await buy(shop, tier.id, 'm9@example.com', '?rail=wallet')
  ctx.clock.set(t0 + 2 * dayMs)
  await refund(shop, creator.key, m9.orderId)
  ctx.clock.set(t0 + 10 * dayMs)
  await buy(shop, tier.id, 'm4@example.com', '?rail=wallet')
  ctx.clock.set(t0 + 345 * dayMs)
  await refund(shop, creator.key, m6.orderId)
  ctx.clock.set(t0 + 350 * dayMs)
  const m7 = await buy(shop, course.id, 'm7@example.com')
  return { t0, tier, m1, m2, m3, m4, m5, m6, m7, m8 }
}

describe('GET /api/v1/stats/overview: happy', () => {
  it('counts active members, renewals due, 30-day churn and this month’s revenue', async () => {
    const { t0, tier, m2, m3 } = await aYearOfMembers()
    const m2Buyer = (await ctx.sql.execute("select id from buyers where email = 'm2@example.com'")).rows[0]
      ?.id
    const m3Buyer = (await ctx.sql.execute("select id from buyers where email = 'm3@example.com'")).rows[0]
      ?.id
    const res = await overview()
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      as_of: new Date(t0 + 350 * dayMs).toISOString(),
      time_zone: 'Asia/Shanghai',
      // m1, m2, m3, m4, m5, m7: not m6 (refunded) nor m8 (ended).
      active_members: 6,
      renewals_due_30d: {
        count: 2,
        subscriptions: 1,
        passes: 1,
        next: [
          {
            kind: 'pass',
            member_id: m2Buyer,
            email: 'm2@example.com',
            offer_id: tier.id,
            offer_title: '内圈',
            source_id: m2.orderId,
            due_at: new Date(t0 + 365 * dayMs).toISOString(),
          },
          {
            kind: 'subscription',
            member_id: m3Buyer,
            email: 'm3@example.com',
            offer_id: tier.id,
            offer_title: '内圈',
            source_id: m3.subscriptionId,
            due_at: new Date(t0 + 365 * dayMs + hour).toISOString(),
          },
        ],
      },
      // Seven had access on day 320 (everyone but m7); m6 and m8 have none now.
      churn_30d: { members_30d_ago: 7, lost: 2, rate: 0.2857 },
      // November 2027 in Shanghai: m7's course, and m6's refund on day 345.
      revenue_this_month: {
        month: '2027-11',
        data: [{ currency: 'CNY', gross: 20000, refunds: 20000, net: 0, count: 1 }],
      },
    })
  })

  it('lists at most five upcoming renewals, soonest first', async () => {
    const tier = await liveOffer(shop, creator.key, tierBody())
    for (let index = 0; index < 7; index++) {
      await buy(shop, tier.id, `pass${index}@example.com`, '?rail=wallet')
      ctx.clock.advance(hour)
    }
    ctx.clock.advance(350 * dayMs)
    const res = await overview()
    expect(res.body.renewals_due_30d.count).toBe(7)
    const next = res.body.renewals_due_30d.next.map((renewal: { email: string }) => renewal.email)
    expect(next).toEqual([0, 1, 2, 3, 4].map((index) => `pass${index}@example.com`))
  })

  it('reads everything in one database round trip', async () => {
    await aYearOfMembers()
    await overview() // the key's first use also stamps last_used_at
    ctx.roundTrips.count = 0
    const res = await overview()
    expect(res.body.active_members).toBe(6)
    // One for the API key, one batch for the overview.
    expect(ctx.roundTrips.count).toBe(2)
  })
})

describe('GET /api/v1/stats/overview: security', () => {
  it('shows another creator nothing of this one’s members or money', async () => {
    await aYearOfMembers()
    const res = await overview(other.key)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      active_members: 0,
      renewals_due_30d: { count: 0, subscriptions: 0, passes: 0, next: [] },
      churn_30d: { members_30d_ago: 0, lost: 0, rate: null },
      revenue_this_month: { month: '2027-11', data: [] },
    })
  })

  it('requires an API key', async () => {
    expect((await api(ctx, 'GET', '/api/v1/stats/overview')).status).toBe(401)
  })
})

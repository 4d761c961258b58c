import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { accessData, accessFrom, accessQuery, groupSeatsQuery } from '../../src/access/access-query'
import { groupDecision, lessonDecision, postDecision } from '../../src/access/access-rules'
import { lessons } from '../../src/db/schema'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { courseBody, groupBody, tierBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext } from '../payments'

let payments: PaymentsContext
let ctx: TestContext
let fake: FakeStripe
let creator: { id: string; key: string }

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
  creator = await givenCreator(ctx)
})
afterEach(() => fake.close())

/**
 * Waits until the database has been idle for a moment: a webhook answers before the receipt mail it queued is
 * dispatched (mail/outbox.ts `dispatchAfterResponse`), and that dispatch must not be counted as this read's.
 */
async function quiet(): Promise<void> {
  for (let seen = -1; seen !== ctx.roundTrips.count; ) {
    seen = ctx.roundTrips.count
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

// biome-ignore lint/suspicious/noExplicitAny: offers are read back as arbitrary API JSON.
async function liveOffer(body: Record<string, unknown>): Promise<any> {
  const res = await api(ctx, 'POST', '/api/v1/offers', {
    key: creator.key,
    body: { ...body, status: 'live' },
  })
  expect(res.status).toBe(201)
  return res.body
}

async function givenPurchase(offerId: string, email = 'reader@example.com'): Promise<string> {
  const response = await ctx.app.request(`/buy/${offerId}`, { headers: { accept: 'text/html' } })
  const sessionId = (response.headers.get('location') ?? '').split('/').pop() ?? ''
  expect((await deliverToApp(payments, fake.completeSession(sessionId, { email }))).undelivered).toEqual([])
  const order = await ctx.sql.execute({
    sql: 'select buyer_id from orders where checkout_session_id = ?',
    args: [sessionId],
  })
  return String(order.rows[0]?.buyer_id)
}

/** A page's read: its content and the access data, in one batch, as a gated page sends it. */
async function lessonPage(lessonId: string, buyerId: string | null) {
  const db = ctx.deps.db
  const [lessonRows, accessRows] = await db.batch([
    db.select().from(lessons).where(eq(lessons.id, lessonId)),
    accessQuery(db, { buyerId, creatorId: creator.id }),
  ])
  const access = accessFrom(accessData(accessRows), { buyerId, now: ctx.clock.now() })
  const lesson = lessonRows[0]
  if (!lesson) throw new Error('no lesson')
  return { access, decision: lessonDecision(lesson, access) }
}

describe('accessQuery and accessFrom', () => {
  it('decide a lesson page beside its content query in one round trip, signed in or out', async () => {
    const course = await liveOffer(courseBody())
    const lesson = (
      await api(ctx, 'POST', `/api/v1/offers/${course.id}/lessons`, {
        key: creator.key,
        body: { title: 'Week one', drip_days: 7 },
      })
    ).body
    const buyerId = await givenPurchase(course.id)

    await quiet()
    ctx.roundTrips.count = 0
    const signedOut = await lessonPage(lesson.id, null)
    expect(ctx.roundTrips.count).toBe(1)
    expect(signedOut.decision).toEqual({ allowed: false, reason: 'sign_in', buy: [course.id] })
    // The buy ids come with what a buy button needs.
    expect(signedOut.access.offers.find((offer) => offer.id === course.id)).toMatchObject({
      slug: 'writing-101',
      title: 'Writing 101',
      prices: [{ amount: 19900, currency: 'CNY', interval: 'once', termDays: null }],
    })

    await quiet()
    ctx.roundTrips.count = 0
    const early = await lessonPage(lesson.id, buyerId)
    expect(ctx.roundTrips.count).toBe(1)
    expect(early.decision).toEqual({
      allowed: false,
      reason: 'drip',
      buy: [],
      opensAt: ctx.clock.now() + 7 * dayMs,
    })
    ctx.clock.advance(7 * dayMs)
    expect((await lessonPage(lesson.id, buyerId)).decision).toMatchObject({
      allowed: true,
      via: { heldOfferId: course.id, through: 'direct' },
    })
  })

  it('reads only this creator’s entitlements and offers', async () => {
    const tier = await liveOffer(tierBody({ rank: 2 }))
    const other = await givenCreator(ctx)
    const foreign = await api(ctx, 'POST', '/api/v1/offers', {
      key: other.key,
      body: { ...tierBody({ rank: 5 }), status: 'live' },
    })
    const buyerId = await givenPurchase(foreign.body.id)
    await givenPurchase(tier.id)

    const db = ctx.deps.db
    const accessRows = await accessQuery(db, { buyerId, creatorId: creator.id })
    const access = accessFrom(accessData(accessRows), { buyerId, now: ctx.clock.now() })
    expect(access.offers.map((offer) => offer.id)).toEqual([tier.id])
    expect(access.held).toEqual([])
    expect(access.topRank).toBe(0)
    const post = { audience: 'tier' as const, minRank: 1, courseOfferId: null }
    expect(postDecision(post, access)).toEqual({ allowed: false, reason: 'no_entitlement', buy: [tier.id] })
  })
})

describe('groupSeatsQuery', () => {
  it('counts members, knows this buyer, and lets groupDecision refuse a new one when full', async () => {
    const group = await liveOffer(
      groupBody({
        group: { platform: 'wechat', qr_image_url: 'https://example.com/qr.png', capacity: 1 },
      }),
    )
    const inside = await givenPurchase(group.id, 'inside@example.com')
    const outside = await givenPurchase(group.id, 'outside@example.com')
    const removed = await givenPurchase(group.id, 'removed@example.com')
    for (const [buyerId, status] of [
      [inside, 'member'],
      [removed, 'removed'],
    ])
      await ctx.sql.execute({
        sql: `insert into group_members (offer_id, buyer_id, creator_id, status, first_revealed_at)
          values (?, ?, ?, ?, ?)`,
        args: [group.id, buyerId, creator.id, status, ctx.clock.now()],
      })

    const decide = async (buyerId: string | null) => {
      const db = ctx.deps.db
      const scope = { buyerId, creatorId: creator.id }
      const [seatRows, accessRows] = await db.batch([
        groupSeatsQuery(db, { ...scope, offerId: group.id }),
        accessQuery(db, scope),
      ])
      const [seats] = seatRows
      if (!seats) throw new Error('no group')
      return {
        seats,
        decision: groupDecision(
          group.id,
          accessFrom(accessData(accessRows), { ...scope, now: ctx.clock.now() }),
          seats,
        ),
      }
    }

    const member = await decide(inside)
    expect(member.seats).toEqual({ offerId: group.id, capacity: 1, memberCount: 1, alreadyMember: true })
    expect(member.decision).toMatchObject({ allowed: true, via: { through: 'direct' } })
    const newcomer = await decide(outside)
    expect(newcomer.seats.alreadyMember).toBe(false)
    expect(newcomer.decision).toEqual({ allowed: false, reason: 'full', buy: [] })
    const signedOut = await decide(null)
    expect(signedOut.seats).toMatchObject({ memberCount: 1, alreadyMember: false })
    expect(signedOut.decision).toMatchObject({ allowed: false, reason: 'sign_in' })
  })
})

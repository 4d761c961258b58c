import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { explainAccess } from '../../src/access/explain-access'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { courseBody, groupBody, tierBody } from '../catalog/builders'
import { api, countRows, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext } from '../payments'

let payments: PaymentsContext
let ctx: TestContext
let fake: FakeStripe
let creator: { id: string; key: string }
let otherKey: string

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
  creator = await givenCreator(ctx)
  otherKey = (await givenCreator(ctx)).key
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
type Json = any

async function liveOffer(body: Record<string, unknown>, key = creator.key): Promise<Json> {
  const res = await api(ctx, 'POST', '/api/v1/offers', { key, body: { ...body, status: 'live' } })
  expect(res.status).toBe(201)
  return res.body
}

/** Buys through Checkout and the signed webhook: a paid order, a buyer and an entitlement. */
async function givenPurchase(offerId: string, options: { email?: string; priceId?: string } = {}) {
  const query = options.priceId ? `?price=${options.priceId}` : ''
  const response = await ctx.app.request(`/buy/${offerId}${query}`, { headers: { accept: 'text/html' } })
  const sessionId = (response.headers.get('location') ?? '').split('/').pop() ?? ''
  const events = fake.completeSession(sessionId, { email: options.email ?? 'reader@example.com' })
  expect((await deliverToApp(payments, events)).undelivered).toEqual([])
  const order = (
    await ctx.sql.execute({ sql: 'select * from orders where checkout_session_id = ?', args: [sessionId] })
  ).rows[0]
  expect(order?.status).toBe('paid')
  const grantEvent = events.find((event) => event.type === 'checkout.session.completed')
  return { orderId: String(order?.id), buyerId: String(order?.buyer_id), sessionId, grantEvent }
}

const explain = (buyerId: string, key = creator.key) =>
  api(ctx, 'GET', `/api/v1/members/${buyerId}/access`, { key })

const offerIn = (body: Json, offerId: string) =>
  body.offers.find((offer: { offer_id: string }) => offer.offer_id === offerId)

describe('GET /api/v1/members/{id}/access: happy', () => {
  it('explains a direct course purchase, its grant caused by the checkout event', async () => {
    const course = await liveOffer(courseBody())
    const group = await liveOffer(groupBody())
    const { buyerId, sessionId, grantEvent } = await givenPurchase(course.id)

    const res = await explain(buyerId)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(res.body).toMatchObject({
      member_id: buyerId,
      now: new Date(ctx.clock.now()).toISOString(),
      top_rank: 0,
    })
    const entitlementId = String((await ctx.sql.execute('select id from entitlements')).rows[0]?.id)
    expect(offerIn(res.body, course.id)).toMatchObject({
      kind: 'course',
      title: 'Writing 101',
      status: 'live',
      access: true,
      reason: 'direct',
      via: { entitlement_id: entitlementId, offer_id: course.id, through: 'direct' },
      started_at: new Date(ctx.clock.now()).toISOString(),
      lessons: [],
    })
    expect(offerIn(res.body, course.id).entitlements).toEqual([
      {
        id: entitlementId,
        offer_id: course.id,
        state: 'active',
        source: 'order',
        source_id: expect.stringMatching(/^ord_/),
        starts_at: new Date(ctx.clock.now()).toISOString(),
        ends_at: null,
        grace_ends_at: null,
        counts: true,
        history: [
          {
            at: new Date(ctx.clock.now()).toISOString(),
            change: 'grant',
            state_after: 'active',
            ends_at_after: null,
            cause: {
              type: 'stripe_event',
              id: grantEvent?.id,
              event_type: 'checkout.session.completed',
              object_id: sessionId,
            },
          },
        ],
      },
    ])
    expect(offerIn(res.body, group.id)).toMatchObject({
      access: false,
      reason: 'no_entitlement',
      via: null,
      entitlements: [],
      group: { capacity: 200, member_count: 0, member: false },
    })
  })

  it('grants through a tier’s own benefit and a lower-ranked tier’s benefit, and the lower tier itself', async () => {
    const course = await liveOffer(courseBody())
    const group = await liveOffer(groupBody())
    const member = await liveOffer(
      tierBody({ slug: 'member', title: 'Member', rank: 1, included_offer_ids: [group.id] }),
    )
    const inner = await liveOffer(
      tierBody({ slug: 'inner', title: 'Inner', rank: 2, included_offer_ids: [course.id] }),
    )
    const pass = inner.prices.find((price: { interval: string }) => price.interval === 'once')
    const { buyerId } = await givenPurchase(inner.id, { priceId: pass.id })

    const res = await explain(buyerId)
    expect(res.status).toBe(200)
    expect(res.body.top_rank).toBe(2)
    const tierEntitlement = offerIn(res.body, inner.id).entitlements[0]
    expect(offerIn(res.body, inner.id)).toMatchObject({ access: true, reason: 'direct' })
    expect(tierEntitlement).toMatchObject({
      offer_id: inner.id,
      ends_at: new Date(ctx.clock.now() + 365 * dayMs).toISOString(),
      counts: true,
    })
    const viaInner = { entitlement_id: tierEntitlement.id, offer_id: inner.id, through: 'tier' }
    for (const offer of [course, group, member]) {
      expect(offerIn(res.body, offer.id)).toMatchObject({ access: true, reason: 'tier', via: viaInner })
      // The tier entitlement is what stands behind it, with its own history.
      expect(offerIn(res.body, offer.id).entitlements.map((e: { id: string }) => e.id)).toEqual([
        tierEntitlement.id,
      ])
    }
    expect(offerIn(res.body, group.id).group).toEqual({ capacity: 200, member_count: 0, member: false })
  })

  it('shows a refunded purchase as revoked, with the charge.refunded event in its history', async () => {
    const course = await liveOffer(courseBody())
    await api(ctx, 'POST', `/api/v1/offers/${course.id}/lessons`, {
      key: creator.key,
      body: { title: 'One' },
    })
    const { buyerId, orderId } = await givenPurchase(course.id)
    const before = fake.events.length
    expect(
      (await api(ctx, 'POST', `/api/v1/orders/${orderId}/refund`, { key: creator.key, body: {} })).status,
    ).toBe(202)
    ctx.clock.advance(60_000)
    const refunded = fake.events.slice(before).filter((event) => event.type === 'charge.refunded')
    expect((await deliverToApp(payments, refunded)).undelivered).toEqual([])

    const res = await explain(buyerId)
    const explained = offerIn(res.body, course.id)
    expect(explained).toMatchObject({ access: false, reason: 'revoked', via: null, started_at: null })
    const [entitlement] = explained.entitlements
    expect(entitlement).toMatchObject({ state: 'revoked', counts: false })
    const chargeId = (refunded[0]?.data.object as { id?: string } | undefined)?.id
    expect(chargeId).toMatch(/^ch_/)
    expect(
      entitlement.history.map((row: Json) => [row.change, row.state_after, row.cause.event_type]),
    ).toEqual([
      ['grant', 'active', 'checkout.session.completed'],
      ['revoke', 'revoked', 'charge.refunded'],
    ])
    expect(entitlement.history[1].cause).toEqual({
      type: 'stripe_event',
      id: refunded[0]?.id,
      event_type: 'charge.refunded',
      object_id: chargeId,
    })
    expect(explained.lessons).toMatchObject([
      { title: 'One', open: false, opens_at: null, reason: 'revoked' },
    ])
  })

  it('shows an admin grant with its audit action, then its expiry, then a revoke by the creator', async () => {
    const course = await liveOffer(courseBody())
    const group = await liveOffer(groupBody())
    const { buyerId } = await givenPurchase(course.id)
    const endsAt = ctx.clock.now() + 30 * dayMs
    const granted = await api(ctx, 'POST', `/api/v1/members/${buyerId}/entitlements`, {
      key: creator.key,
      body: { offer_id: group.id, ends_at: new Date(endsAt).toISOString(), note: 'speaker' },
    })
    expect(granted.status).toBe(201)

    const res = await explain(buyerId)
    const explained = offerIn(res.body, group.id)
    expect(explained).toMatchObject({ access: true, reason: 'direct' })
    const auditId = granted.body.source_id
    expect(explained.entitlements[0].history).toEqual([
      {
        at: new Date(ctx.clock.now()).toISOString(),
        change: 'grant',
        state_after: 'active',
        ends_at_after: new Date(endsAt).toISOString(),
        cause: { type: 'admin', id: auditId, action: 'entitlement.grant', actor_type: 'api_key' },
      },
    ])

    ctx.clock.set(endsAt)
    const expired = offerIn((await explain(buyerId)).body, group.id)
    expect(expired).toMatchObject({ access: false, reason: 'expired' })
    expect(expired.entitlements[0]).toMatchObject({ state: 'active', counts: false })

    const revoke = await api(ctx, 'DELETE', `/api/v1/members/${buyerId}/entitlements/${granted.body.id}`, {
      key: creator.key,
    })
    expect(revoke.status).toBe(200)
    const revoked = offerIn((await explain(buyerId)).body, group.id)
    expect(revoked.reason).toBe('revoked')
    expect(revoked.entitlements[0].history[1].cause).toMatchObject({
      type: 'admin',
      action: 'entitlement.revoke',
      actor_type: 'api_key',
    })
  })

  it('says which lessons are open: previews, drip lessons before and exactly at their opening', async () => {
    const course = await liveOffer(courseBody())
    const lesson = async (body: Record<string, unknown>) =>
      (await api(ctx, 'POST', `/api/v1/offers/${course.id}/lessons`, { key: creator.key, body })).body
    await lesson({ title: 'Welcome', free_preview: true, drip_days: 30 })
    await lesson({ title: 'Day one' })
    await lesson({ title: 'Week one', drip_days: 7 })
    const startedAt = ctx.clock.now()
    const { buyerId } = await givenPurchase(course.id)
    ctx.clock.advance(2 * dayMs)

    const lessonsAt = async () =>
      offerIn((await explain(buyerId)).body, course.id).lessons.map((row: Json) => [
        row.title,
        row.open,
        row.opens_at,
        row.reason,
      ])
    const iso = (ms: number) => new Date(ms).toISOString()
    expect(await lessonsAt()).toEqual([
      ['Welcome', true, iso(startedAt + 30 * dayMs), null],
      ['Day one', true, iso(startedAt), null],
      ['Week one', false, iso(startedAt + 7 * dayMs), 'drip'],
    ])
    ctx.clock.set(startedAt + 7 * dayMs)
    expect((await lessonsAt())[2]).toEqual(['Week one', true, iso(startedAt + 7 * dayMs), null])
  })

  it('says a group is full for a member not in it yet, as the group page will', async () => {
    const group = await liveOffer(
      groupBody({ group: { platform: 'wechat', qr_image_url: 'https://example.com/qr.png', capacity: 1 } }),
    )
    const inside = await givenPurchase(group.id, { email: 'inside@example.com' })
    const outside = await givenPurchase(group.id, { email: 'outside@example.com' })
    await ctx.sql.execute({
      sql: `insert into group_members (offer_id, buyer_id, creator_id, status, first_revealed_at)
        values (?, ?, ?, 'member', ?)`,
      args: [group.id, inside.buyerId, creator.id, ctx.clock.now()],
    })

    expect(offerIn((await explain(inside.buyerId)).body, group.id)).toMatchObject({
      access: true,
      reason: 'direct',
      group: { capacity: 1, member_count: 1, member: true },
    })
    expect(offerIn((await explain(outside.buyerId)).body, group.id)).toMatchObject({
      access: false,
      reason: 'full',
      via: { offer_id: group.id, through: 'direct' },
      group: { capacity: 1, member_count: 1, member: false },
    })
  })

  it('lists an archived offer the member held, but not one they never held', async () => {
    const course = await liveOffer(courseBody())
    const other = await liveOffer(courseBody({ slug: 'other' }))
    const { buyerId } = await givenPurchase(course.id)
    for (const offer of [course, other])
      expect(
        (await api(ctx, 'POST', `/api/v1/offers/${offer.id}/archive`, { key: creator.key })).status,
      ).toBe(200)

    const res = await explain(buyerId)
    expect(res.body.offers.map((offer: { offer_id: string }) => offer.offer_id)).toEqual([course.id])
    expect(res.body.offers[0]).toMatchObject({ status: 'archived', access: true, reason: 'direct' })
  })

  it('answers in one database round trip', async () => {
    const course = await liveOffer(courseBody())
    await api(ctx, 'POST', `/api/v1/offers/${course.id}/lessons`, {
      key: creator.key,
      body: { title: 'One' },
    })
    await liveOffer(groupBody())
    const { buyerId } = await givenPurchase(course.id)

    await quiet()
    ctx.roundTrips.count = 0
    const explained = await explainAccess(ctx.deps, { creatorId: creator.id }, buyerId)
    expect(ctx.roundTrips.count).toBe(1)
    expect(explained.offers).toHaveLength(2)

    await quiet()
    ctx.roundTrips.count = 0
    expect((await explain(buyerId)).status).toBe(200)
    // One for the API key lookup, one for the answer.
    expect(ctx.roundTrips.count).toBe(2)
  })
})

describe('GET /api/v1/members/{id}/access: error', () => {
  it('answers 404 problem+json for an unknown buyer and for a buyer with nothing here', async () => {
    const unknown = await explain('buy_unknown')
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toContain('application/problem+json')
    expect(unknown.body).toMatchObject({ type: '/problems/not-found', status: 404 })

    const elsewhere = await liveOffer(courseBody(), otherKey)
    const { buyerId } = await givenPurchase(elsewhere.id)
    const res = await explain(buyerId)
    expect(res.status).toBe(404)
    expect(res.body.detail).toBe(unknown.body.detail.replace('buy_unknown', buyerId))
  })
})

describe('GET /api/v1/members/{id}/access: security', () => {
  it('requires an API key', async () => {
    expect((await api(ctx, 'GET', '/api/v1/members/buy_unknown/access')).status).toBe(401)
  })

  it('shows creator B nothing of creator A’s member, and writes nothing', async () => {
    const course = await liveOffer(courseBody({ title: 'Secret course' }))
    const { buyerId } = await givenPurchase(course.id)
    const rows = {
      changes: await countRows(ctx, 'entitlement_changes'),
      audit: await countRows(ctx, 'audit_log'),
    }

    const res = await explain(buyerId, otherKey)
    expect(res.status).toBe(404)
    expect(JSON.stringify(res.body)).not.toMatch(/Secret course|ent_|evt_/)
    expect(rows).toEqual({
      changes: await countRows(ctx, 'entitlement_changes'),
      audit: await countRows(ctx, 'audit_log'),
    })
  })

  it('shows creator B only B’s offers for a member both share', async () => {
    const course = await liveOffer(courseBody({ title: 'A course' }))
    const otherCourse = await liveOffer(courseBody({ title: 'B course' }), otherKey)
    const { buyerId } = await givenPurchase(course.id)
    await givenPurchase(otherCourse.id)

    const res = await explain(buyerId, otherKey)
    expect(res.status).toBe(200)
    expect(res.body.offers.map((offer: { title: string }) => offer.title)).toEqual(['B course'])
    expect(JSON.stringify(res.body)).not.toContain(course.id)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { courseBody, groupBody } from '../catalog/builders'
import { api, countRows, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp as deliverEvents, type PaymentsContext } from '../payments'

let ctx: TestContext
let fake: FakeStripe
let key: string
let otherKey: string

let payments: PaymentsContext

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
  key = (await givenCreator(ctx)).key
  otherKey = (await givenCreator(ctx)).key
})
afterEach(() => fake.close())

async function liveOffer(body: Record<string, unknown>, as = key) {
  const res = await api(ctx, 'POST', '/api/v1/offers', { key: as, body: { ...body, status: 'live' } })
  expect(res.status).toBe(201)
  return res.body
}

const deliverToApp = (events: Parameters<FakeStripe['deliver']>[0]) => deliverEvents(payments, events)

/** Buys an offer through Checkout and the webhook: a paid order, a buyer and an entitlement. */
async function givenPurchase(offerId: string, email = 'reader@example.com') {
  const location = (
    await ctx.app.request(`/buy/${offerId}`, { headers: { accept: 'text/html' } })
  ).headers.get('location')
  const sessionId = (location ?? '').split('/').pop() ?? ''
  const report = await deliverToApp(fake.completeSession(sessionId, { email }))
  expect(report.undelivered).toEqual([])
  const order = (
    await ctx.sql.execute({ sql: 'select * from orders where checkout_session_id = ?', args: [sessionId] })
  ).rows[0]
  expect(order?.status).toBe('paid')
  return { orderId: String(order?.id), buyerId: String(order?.buyer_id) }
}

describe('orders: happy', () => {
  it('lists orders newest first with filters and cursor pagination', async () => {
    const course = await liveOffer(courseBody())
    const group = await liveOffer(groupBody())
    const first = await givenPurchase(course.id, 'one@example.com')
    ctx.clock.advance(1000)
    const second = await givenPurchase(group.id, 'two@example.com')
    const all = await api(ctx, 'GET', '/api/v1/orders', { key })
    expect(all.status).toBe(200)
    expect(all.body.data.map((order: { id: string }) => order.id)).toEqual([second.orderId, first.orderId])
    expect(all.body.data[1]).toMatchObject({
      offer_id: course.id,
      buyer_id: first.buyerId,
      email: 'one@example.com',
      status: 'paid',
      mode: 'payment',
      rail: 'card',
      amount: 19900,
      currency: 'CNY',
      refunded_amount: 0,
      slot_id: null,
    })
    expect(all.body.data[1].paid_at).toMatch(/^\d{4}-\d\d-\d\dT/)
    const page = await api(ctx, 'GET', '/api/v1/orders?limit=1', { key })
    expect(page.body.data).toHaveLength(1)
    const next = await api(ctx, 'GET', `/api/v1/orders?limit=1&cursor=${page.body.next_cursor}`, { key })
    expect(next.body.data[0].id).toBe(first.orderId)
    expect(next.body.next_cursor).toBeNull()
    const byOffer = await api(ctx, 'GET', `/api/v1/orders?offer_id=${course.id}`, { key })
    expect(byOffer.body.data.map((order: { id: string }) => order.id)).toEqual([first.orderId])
    expect((await api(ctx, 'GET', '/api/v1/orders?status=refunded', { key })).body.data).toEqual([])
  })
})

describe('members: happy', () => {
  it('lists members with only this creator’s entitlements, filtered by normalised email', async () => {
    const course = await liveOffer(courseBody())
    const otherCourse = await liveOffer(courseBody(), otherKey)
    const { buyerId } = await givenPurchase(course.id, 'reader@example.com')
    await givenPurchase(otherCourse.id, 'reader@example.com')
    const res = await api(ctx, 'GET', '/api/v1/members', { key })
    expect(res.status).toBe(200)
    expect(res.body.data).toHaveLength(1)
    expect(res.body.data[0]).toMatchObject({ id: buyerId, email: 'reader@example.com' })
    expect(res.body.data[0].entitlements).toEqual([
      expect.objectContaining({ offer_id: course.id, state: 'active', source: 'order', ends_at: null }),
    ])
    const filtered = await api(
      ctx,
      'GET',
      `/api/v1/members?email=${encodeURIComponent(' Reader@Example.COM ')}`,
      {
        key,
      },
    )
    expect(filtered.body.data.map((member: { id: string }) => member.id)).toEqual([buyerId])
    expect((await api(ctx, 'GET', '/api/v1/members?email=nobody@example.com', { key })).body.data).toEqual([])
    const one = await api(ctx, 'GET', `/api/v1/members/${buyerId}`, { key })
    expect(one.status).toBe(200)
    expect(one.body.entitlements).toHaveLength(1)
  })

  it('pages members by buyer id', async () => {
    const course = await liveOffer(courseBody())
    const first = await givenPurchase(course.id, 'one@example.com')
    ctx.clock.advance(1000)
    const second = await givenPurchase(course.id, 'two@example.com')
    const page = await api(ctx, 'GET', '/api/v1/members?limit=1', { key })
    expect(page.body.data.map((member: { id: string }) => member.id)).toEqual([second.buyerId])
    const next = await api(ctx, 'GET', `/api/v1/members?limit=1&cursor=${page.body.next_cursor}`, { key })
    expect(next.body.data.map((member: { id: string }) => member.id)).toEqual([first.buyerId])
    expect(next.body.next_cursor).toBeNull()
  })

  it('lists a page of members in one database round trip', async () => {
    const course = await liveOffer(courseBody())
    await givenPurchase(course.id, 'one@example.com')
    await givenPurchase(course.id, 'two@example.com')
    await api(ctx, 'GET', '/api/v1/members', { key })
    ctx.roundTrips.count = 0
    const res = await api(ctx, 'GET', '/api/v1/members', { key })
    expect(res.body.data).toHaveLength(2)
    // One for the API key lookup, one for the page.
    expect(ctx.roundTrips.count).toBe(2)
  })

  it('grants then revokes by hand, leaving history [grant, revoke] caused by the audit rows', async () => {
    const course = await liveOffer(courseBody())
    const group = await liveOffer(groupBody())
    const { buyerId } = await givenPurchase(course.id)
    const endsAt = new Date(ctx.clock.now() + 30 * dayMs).toISOString()
    const granted = await api(ctx, 'POST', `/api/v1/members/${buyerId}/entitlements`, {
      key,
      body: { offer_id: group.id, ends_at: endsAt, note: 'conference speaker' },
    })
    expect(granted.status).toBe(201)
    expect(granted.body).toMatchObject({
      offer_id: group.id,
      state: 'active',
      source: 'admin',
      ends_at: endsAt,
    })
    expect(granted.body.starts_at).toBe(new Date(ctx.clock.now()).toISOString())
    const grantRow = (
      await ctx.sql.execute({
        sql: 'select source_id from entitlements where id = ?',
        args: [granted.body.id],
      })
    ).rows[0]
    const grantAudit = (
      await ctx.sql.execute({
        sql: 'select * from audit_log where id = ?',
        args: [String(grantRow?.source_id)],
      })
    ).rows[0]
    expect(grantAudit).toMatchObject({ action: 'entitlement.grant', subject_id: granted.body.id })

    ctx.clock.advance(1000)
    const path = `/api/v1/members/${buyerId}/entitlements/${granted.body.id}`
    const revoked = await api(ctx, 'DELETE', path, { key })
    expect(revoked.status).toBe(200)
    expect(revoked.body).toMatchObject({ id: granted.body.id, state: 'revoked' })
    const history = await ctx.sql.execute({
      sql: 'select change, cause_type, cause_id, state_after from entitlement_changes where entitlement_id = ? order by at',
      args: [granted.body.id],
    })
    expect(history.rows.map((row) => [row.change, row.cause_type, row.state_after])).toEqual([
      ['grant', 'admin', 'active'],
      ['revoke', 'admin', 'revoked'],
    ])
    expect(history.rows[0]?.cause_id).toBe(grantRow?.source_id)
    const revokeAudit = (
      await ctx.sql.execute({
        sql: 'select action from audit_log where id = ?',
        args: [String(history.rows[1]?.cause_id)],
      })
    ).rows[0]
    expect(revokeAudit?.action).toBe('entitlement.revoke')

    // Idempotent: a second revoke answers the same and writes nothing.
    const changes = await countRows(ctx, 'entitlement_changes')
    const audits = await countRows(ctx, 'audit_log')
    const again = await api(ctx, 'DELETE', path, { key })
    expect(again.status).toBe(200)
    expect(again.body.state).toBe('revoked')
    expect(await countRows(ctx, 'entitlement_changes')).toBe(changes)
    expect(await countRows(ctx, 'audit_log')).toBe(audits)
  })
})

describe('refunds: happy', () => {
  it('refunds through Stripe with 202, and the charge.refunded event then revokes access', async () => {
    const course = await liveOffer(courseBody())
    const { orderId } = await givenPurchase(course.id)
    const before = fake.events.length
    const res = await api(ctx, 'POST', `/api/v1/orders/${orderId}/refund`, { key, body: {} })
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({ order_id: orderId, status: 'succeeded' })
    expect(res.body.refund_id).toMatch(/^re_/)
    const request = fake.requests.find((r) => r.path === '/v1/refunds')
    expect(request?.idempotencyKey).toBe(`refund-${orderId}-full`)
    // Only the audit row here; access is unchanged until Stripe's event arrives.
    expect((await ctx.sql.execute('select state from entitlements')).rows[0]?.state).toBe('active')
    const audit = await ctx.sql.execute("select subject_id from audit_log where action = 'order.refund'")
    expect(audit.rows[0]?.subject_id).toBe(orderId)

    const refunded = fake.events.slice(before).filter((event) => event.type === 'charge.refunded')
    expect(refunded).toHaveLength(1)
    expect((await deliverToApp(refunded)).undelivered).toEqual([])
    expect((await ctx.sql.execute('select state from entitlements')).rows[0]?.state).toBe('revoked')
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('refunded')
  })

  it('sends a partial amount with its own idempotency key', async () => {
    const course = await liveOffer(courseBody())
    const { orderId } = await givenPurchase(course.id)
    const res = await api(ctx, 'POST', `/api/v1/orders/${orderId}/refund`, { key, body: { amount: 5000 } })
    expect(res.status).toBe(202)
    const request = fake.requests.find((r) => r.path === '/v1/refunds')
    expect(request?.idempotencyKey).toBe(`refund-${orderId}-5000`)
    expect(request?.body).toMatchObject({ amount: '5000' })
  })
})

describe('members and orders: error', () => {
  it('answers 404 for an unknown member, and for a grant or revoke on one', async () => {
    const course = await liveOffer(courseBody())
    expect((await api(ctx, 'GET', '/api/v1/members/buy_unknown', { key })).status).toBe(404)
    const grant = await api(ctx, 'POST', '/api/v1/members/buy_unknown/entitlements', {
      key,
      body: { offer_id: course.id },
    })
    expect(grant.status).toBe(404)
    const { buyerId } = await givenPurchase(course.id)
    expect(
      (await api(ctx, 'DELETE', `/api/v1/members/${buyerId}/entitlements/ent_unknown`, { key })).status,
    ).toBe(404)
  })

  it('refuses a grant of an offer that is not this creator’s (422 offer_id) or that ends in the past', async () => {
    const course = await liveOffer(courseBody())
    const foreign = await liveOffer(groupBody(), otherKey)
    const { buyerId } = await givenPurchase(course.id)
    const entitlements = await countRows(ctx, 'entitlements')
    const res = await api(ctx, 'POST', `/api/v1/members/${buyerId}/entitlements`, {
      key,
      body: { offer_id: foreign.id },
    })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(res.body.errors).toEqual([{ path: 'offer_id', message: expect.any(String) }])
    const past = await api(ctx, 'POST', `/api/v1/members/${buyerId}/entitlements`, {
      key,
      body: { offer_id: course.id, ends_at: new Date(ctx.clock.now() - dayMs).toISOString() },
    })
    expect(past.status).toBe(422)
    expect(past.body.errors[0].path).toBe('ends_at')
    const bad = await api(ctx, 'POST', `/api/v1/members/${buyerId}/entitlements`, {
      key,
      body: { offer_id: course.id, ends_at: 'tomorrow' },
    })
    expect(bad.status).toBe(422)
    expect(await countRows(ctx, 'entitlements')).toBe(entitlements)
  })

  it('refuses refunds of unpaid orders (409), too large amounts (422) and unknown orders (404)', async () => {
    const course = await liveOffer(courseBody())
    const { orderId } = await givenPurchase(course.id)
    const tooMuch = await api(ctx, 'POST', `/api/v1/orders/${orderId}/refund`, {
      key,
      body: { amount: 19901 },
    })
    expect(tooMuch.status).toBe(422)
    expect(tooMuch.body.errors[0].path).toBe('amount')
    await ctx.app.request(`/buy/${course.id}`, { headers: { accept: 'text/html' } })
    const open = (await ctx.sql.execute("select id from orders where status = 'open'")).rows[0]
    expect((await api(ctx, 'POST', `/api/v1/orders/${open?.id}/refund`, { key, body: {} })).status).toBe(409)
    expect((await api(ctx, 'POST', '/api/v1/orders/ord_unknown/refund', { key, body: {} })).status).toBe(404)
    expect(fake.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(0)
    const refundAudits = await ctx.sql.execute(
      "select count(*) as n from audit_log where action = 'order.refund'",
    )
    expect(Number(refundAudits.rows[0]?.n)).toBe(0)
  })

  it('answers 502 when Stripe fails, writing nothing, and 503 without Stripe', async () => {
    const course = await liveOffer(courseBody())
    const { orderId } = await givenPurchase(course.id)
    const audits = await countRows(ctx, 'audit_log')
    fake.failNext(1, 500)
    const failed = await api(ctx, 'POST', `/api/v1/orders/${orderId}/refund`, { key, body: {} })
    expect(failed.status).toBe(502)
    expect(failed.headers.get('content-type')).toContain('application/problem+json')
    expect(JSON.stringify(failed.body)).not.toMatch(/api_error|stripe-node/)
    expect(await countRows(ctx, 'audit_log')).toBe(audits)
    ctx.deps.stripe = null
    const unavailable = await api(ctx, 'POST', `/api/v1/orders/${orderId}/refund`, { key, body: {} })
    expect(unavailable.status).toBe(503)
    expect(await countRows(ctx, 'audit_log')).toBe(audits)
  })

  it('validates list filters', async () => {
    expect((await api(ctx, 'GET', '/api/v1/orders?status=lost', { key })).status).toBe(422)
    expect((await api(ctx, 'GET', '/api/v1/members?limit=0', { key })).status).toBe(422)
  })
})

describe('members and orders: security', () => {
  it('requires an API key', async () => {
    for (const path of ['/api/v1/orders', '/api/v1/members'])
      expect((await api(ctx, 'GET', path)).status).toBe(401)
  })

  it('hides creator A’s members and orders from creator B, who can change nothing', async () => {
    const course = await liveOffer(courseBody())
    const { orderId, buyerId } = await givenPurchase(course.id)
    const [entitlement] = (await ctx.sql.execute('select id from entitlements')).rows
    const otherCourse = await liveOffer(courseBody(), otherKey)
    const counts = async () => ({
      entitlements: await countRows(ctx, 'entitlements'),
      changes: await countRows(ctx, 'entitlement_changes'),
      audit: await countRows(ctx, 'audit_log'),
    })
    const before = await counts()

    expect((await api(ctx, 'GET', '/api/v1/orders', { key: otherKey })).body.data).toEqual([])
    expect((await api(ctx, 'GET', '/api/v1/members', { key: otherKey })).body.data).toEqual([])
    expect(
      (await api(ctx, 'GET', '/api/v1/members?email=reader@example.com', { key: otherKey })).body.data,
    ).toEqual([])
    expect((await api(ctx, 'GET', `/api/v1/members/${buyerId}`, { key: otherKey })).status).toBe(404)
    const grant = await api(ctx, 'POST', `/api/v1/members/${buyerId}/entitlements`, {
      key: otherKey,
      body: { offer_id: otherCourse.id },
    })
    expect(grant.status).toBe(404)
    const revoke = await api(ctx, 'DELETE', `/api/v1/members/${buyerId}/entitlements/${entitlement?.id}`, {
      key: otherKey,
    })
    expect(revoke.status).toBe(404)
    const refund = await api(ctx, 'POST', `/api/v1/orders/${orderId}/refund`, { key: otherKey, body: {} })
    expect(refund.status).toBe(404)

    expect(await counts()).toEqual(before)
    expect(fake.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(0)
    expect((await ctx.sql.execute('select state from entitlements')).rows[0]?.state).toBe('active')
  })

  it('cannot revoke another member’s entitlement through a member of its own', async () => {
    const course = await liveOffer(courseBody())
    const one = await givenPurchase(course.id, 'one@example.com')
    const two = await givenPurchase(course.id, 'two@example.com')
    const [twoEntitlement] = (
      await ctx.sql.execute({ sql: 'select id from entitlements where buyer_id = ?', args: [two.buyerId] })
    ).rows
    const res = await api(
      ctx,
      'DELETE',
      `/api/v1/members/${one.buyerId}/entitlements/${twoEntitlement?.id}`,
      {
        key,
      },
    )
    expect(res.status).toBe(404)
    expect(await countRows(ctx, 'entitlement_changes')).toBe(2)
  })
})

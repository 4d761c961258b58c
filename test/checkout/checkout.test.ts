import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { consultationBody, courseBody, groupBody, tierBody } from '../catalog/builders'
import { api, countRows, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp as deliverEvents, type PaymentsContext } from '../payments'

let ctx: TestContext
let fake: FakeStripe
let payments: PaymentsContext
let key: string

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
  key = (await givenCreator(ctx)).key
})
afterEach(() => fake.close())

async function liveOffer(body: Record<string, unknown>) {
  const res = await api(ctx, 'POST', '/api/v1/offers', { key, body: { ...body, status: 'live' } })
  expect(res.status).toBe(201)
  return res.body
}

const buy = (path: string) => ctx.app.request(path, { headers: { accept: 'text/html' } })

const deliverToApp = (events: Parameters<FakeStripe['deliver']>[0], options = {}) =>
  deliverEvents(payments, events, options)

describe('GET /buy/:offerId', () => {
  it('opens an order and redirects to a Checkout Session priced from the database', async () => {
    const course = await liveOffer(courseBody())
    const res = await buy(`/buy/${course.id}?amount=1&ref=spring-fair`)
    expect(res.status).toBe(303)
    const sessionUrl = res.headers.get('location') ?? ''
    expect(sessionUrl).toMatch(new RegExp(`^${fake.url}/pay/cs_test_`))
    const [order] = (await ctx.sql.execute('select * from orders')).rows
    expect(order).toMatchObject({ status: 'open', amount: 19900, currency: 'CNY', ref_code: 'spring-fair' })
    const request = fake.requests.find((r) => r.path === '/v1/checkout/sessions')
    expect(request?.idempotencyKey).toBe(`checkout-${order?.id}`)
    expect(request?.body).toMatchObject({
      mode: 'payment',
      client_reference_id: order?.id,
      line_items: [{ price_data: { unit_amount: '19900', currency: 'cny' } }],
      allowed_payment_method_types: ['card'],
    })
  })

  it('sells a tier pass to Alipay / WeChat Pay and the subscription to cards', async () => {
    const tier = await liveOffer(tierBody())
    expect((await buy(`/buy/${tier.id}?rail=wallet`)).status).toBe(303)
    expect((await buy(`/buy/${tier.id}`)).status).toBe(303)
    const [wallet, card] = fake.requests.filter((r) => r.path === '/v1/checkout/sessions')
    expect(wallet?.body).toMatchObject({
      mode: 'payment',
      allowed_payment_method_types: ['alipay', 'wechat_pay'],
      payment_method_options: { wechat_pay: { client: 'web' } },
    })
    expect(card?.body).toMatchObject({ mode: 'subscription' })
  })

  it('refuses wallets for a subscription price, and unknown, draft or archived offers', async () => {
    const tier = await liveOffer(tierBody())
    const yearly = tier.prices.find((price: { interval: string }) => price.interval === 'year')
    expect((await buy(`/buy/${tier.id}?rail=wallet&price=${yearly.id}`)).status).toBe(400)
    const draft = (await api(ctx, 'POST', '/api/v1/offers', { key, body: courseBody({ slug: 'draft' }) }))
      .body
    expect((await buy(`/buy/${draft.id}`)).status).toBe(404)
    expect((await buy('/buy/off_unknown')).status).toBe(404)
    const archived = await liveOffer(groupBody())
    await api(ctx, 'POST', `/api/v1/offers/${archived.id}/archive`, { key })
    const res = await buy(`/buy/${archived.id}`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(await countRows(ctx, 'orders')).toBe(0)
    expect(fake.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(0)
  })

  it('holds one slot for exactly one of 20 concurrent checkouts', async () => {
    const consultation = await liveOffer(consultationBody())
    const slot = (
      await api(ctx, 'POST', `/api/v1/offers/${consultation.id}/slots`, {
        key,
        body: { slots: [{ starts_at: new Date(ctx.clock.now() + dayMs).toISOString() }] },
      })
    ).body.data[0]
    const results = await Promise.all(
      Array.from({ length: 20 }, () => buy(`/buy/${consultation.id}?slot=${slot.id}`)),
    )
    const statuses = results.map((res) => res.status).sort()
    expect(statuses.filter((status) => status === 303)).toHaveLength(1)
    expect(statuses.filter((status) => status === 409)).toHaveLength(19)
    expect(fake.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(1)
    expect(await countRows(ctx, 'orders')).toBe(1)
    const held = await ctx.sql.execute('select status, hold_expires_at from consultation_slots')
    expect(held.rows[0]).toMatchObject({ status: 'held', hold_expires_at: ctx.clock.now() + 31 * 60_000 })
  })

  it('answers 502 when Stripe fails, closing the order and freeing the slot', async () => {
    const consultation = await liveOffer(consultationBody())
    const slot = (
      await api(ctx, 'POST', `/api/v1/offers/${consultation.id}/slots`, {
        key,
        body: { slots: [{ starts_at: new Date(ctx.clock.now() + dayMs).toISOString() }] },
      })
    ).body.data[0]
    // Checkout tries twice (one retry of its own), so both attempts fail.
    fake.failNext(2, 500)
    const res = await buy(`/buy/${consultation.id}?slot=${slot.id}`)
    expect(res.status).toBe(502)
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('failed')
    expect((await ctx.sql.execute('select status from consultation_slots')).rows[0]?.status).toBe('free')
    expect((await buy(`/buy/${consultation.id}?slot=${slot.id}`)).status).toBe(303)
  })

  it('answers a clear 502 within 10 s when Stripe is too slow, leaving no order open', async () => {
    const course = await liveOffer(courseBody())
    fake.setLatency(9_000)
    const started = Date.now()
    const res = await buy(`/buy/${course.id}`)
    const elapsed = Date.now() - started
    fake.setLatency(0)
    expect(res.status).toBe(502)
    expect(await res.text()).toContain('Nothing was charged')
    expect(elapsed).toBeLessThan(10_000)
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('failed')
  }, 20_000)

  it('costs two database round trips', async () => {
    const course = await liveOffer(courseBody())
    ctx.roundTrips.count = 0
    expect((await buy(`/buy/${course.id}`)).status).toBe(303)
    expect(ctx.roundTrips.count).toBe(2)
  })
})

describe('a whole purchase', () => {
  it('grants exactly once when Stripe delivers shuffled, duplicated and concurrent events', async () => {
    const group = await liveOffer(groupBody())
    const location = (await buy(`/buy/${group.id}`)).headers.get('location') ?? ''
    const sessionId = location.split('/').pop() ?? ''
    const events = fake.completeSession(sessionId, { email: 'Reader@Example.com' })
    const report = await deliverToApp(events, { seed: 3, shuffle: true, duplicates: 2, concurrency: 3 })
    expect(report.undelivered).toEqual([])
    expect(await countRows(ctx, 'entitlements')).toBe(1)
    expect(await countRows(ctx, 'entitlement_changes')).toBe(1)
    const refund = await deliverToApp(fake.refundCharge(fake.objects<{ id: string }>('charge')[0]?.id ?? ''))
    expect(refund.undelivered).toEqual([])
    expect((await ctx.sql.execute('select state from entitlements')).rows[0]?.state).toBe('revoked')
  })

  it('shows access on the success page before the webhook lands, and the webhook then changes nothing', async () => {
    const course = await liveOffer(courseBody())
    const sessionId = ((await buy(`/buy/${course.id}`)).headers.get('location') ?? '').split('/').pop() ?? ''
    const events = fake.completeSession(sessionId, { email: 'reader@example.com' })
    const page = await ctx.app.request(`/checkout/success?session_id=${sessionId}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('付款成功')
    expect(html).toContain('reader@example.com')
    expect(await countRows(ctx, 'entitlements')).toBe(1)
    await deliverToApp(events)
    expect(await countRows(ctx, 'entitlements')).toBe(1)
    expect(await countRows(ctx, 'entitlement_changes')).toBe(1)
  })

  it('says a wallet payment is being confirmed, then grants on async success', async () => {
    const pass = await liveOffer(groupBody())
    const sessionId =
      ((await buy(`/buy/${pass.id}?rail=wallet`)).headers.get('location') ?? '').split('/').pop() ?? ''
    fake.completeSession(sessionId, { email: 'reader@example.com', paymentStatus: 'unpaid' })
    const page = await (await ctx.app.request(`/checkout/success?session_id=${sessionId}`)).text()
    expect(page).toContain('正在确认付款')
    expect(await countRows(ctx, 'entitlements')).toBe(0)
    await deliverToApp(fake.asyncPaymentSucceeded(sessionId))
    expect(await countRows(ctx, 'entitlements')).toBe(1)
  })

  it('answers 404 for an unknown or malformed session id', async () => {
    expect((await ctx.app.request('/checkout/success?session_id=cs_test_nope')).status).toBe(404)
    expect((await ctx.app.request('/checkout/success?session_id=<script>')).status).toBe(404)
  })
})

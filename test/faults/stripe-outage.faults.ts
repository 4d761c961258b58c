/**
 * Stripe outage and slowness at checkout start, with the Stripe client configured as production configures it
 * (`createStripe`: the client's own retries, an 8 s timeout). The buyer must get a readable 502 page within 10 s,
 * and the order opened for the attempt must not stay open (it is marked failed, so nothing waits on a session
 * that was never created). Open orders whose session did exist are closed by `checkout.session.expired`.
 * Checkout bounds its one Stripe call (two tries of 4 s), so a hanging Stripe answers in about 8 s.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { createStripe } from '../../src/billing/stripe-client'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext, sessionIdOf } from '../payments'
import { liveCourse } from './support'

let payments: PaymentsContext
let ctx: TestContext
let fake: FakeStripe
let app: ReturnType<typeof createApp>
let offerId: string

beforeEach(async () => {
  payments = await createPaymentsContext({ seed: 11 })
  ;({ ctx, fake } = payments)
  // Production's client, not the test one without retries: what a buyer really waits for.
  app = createApp({ ...ctx.deps, stripe: createStripe('sk_test_quanzi', fake.url) })
  offerId = (await liveCourse(ctx, (await givenCreator(ctx)).key)).id
})
afterEach(async () => {
  fake.setLatency(0)
  await fake.close()
})

/** A buyer's browser following a checkout link; the answer and how long it took. */
async function buy() {
  const started = Date.now()
  const response = await app.request(`/buy/${offerId}`, { headers: { accept: 'text/html' } })
  return { response, body: await response.text(), elapsedMs: Date.now() - started }
}

async function orderStatuses(): Promise<string[]> {
  return (await ctx.sql.execute('select status from orders order by created_at')).rows.map((row) =>
    String(row.status),
  )
}

describe('Stripe outage at checkout', () => {
  it('answers a readable 502 page within 10 s when Stripe answers 500s, and fails the order', async () => {
    // More failures than the client retries: every attempt of this checkout fails.
    fake.failNext(10, 500)
    const { response, body, elapsedMs } = await buy()
    expect(response.status).toBe(502)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect(body).toContain('Nothing was charged')
    expect(elapsedMs).toBeLessThan(10_000)
    expect(await orderStatuses()).toEqual(['failed'])
    // The client did retry (same idempotency key), then gave up.
    const attempts = fake.requests.filter((request) => request.path === '/v1/checkout/sessions')
    expect(attempts.length).toBeGreaterThan(1)
    expect(new Set(attempts.map((request) => request.idempotencyKey)).size).toBe(1)

    // Stripe back: the next visit is a fresh order that checks out.
    fake.failNext(0)
    const again = await buy()
    expect(again.response.status).toBe(303)
    expect(await orderStatuses()).toEqual(['failed', 'open'])
  }, 20_000)

  // Measured by the hang test below, judged by the one after it.
  let hangElapsedMs = Number.POSITIVE_INFINITY

  it('answers a readable 502 page when Stripe hangs, and fails the order', async () => {
    fake.setLatency(60_000)
    const { response, body, elapsedMs } = await buy()
    hangElapsedMs = elapsedMs
    console.log(`stripe-outage: a hanging Stripe answered the buyer after ${elapsedMs} ms`)
    expect(response.status).toBe(502)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect(body).toContain('Nothing was charged')
    // Bounded by checkout's own request options: two tries of 4 s, plus the client's backoff.
    expect(elapsedMs).toBeLessThan(10_000)
    expect(await orderStatuses()).toEqual(['failed'])
  }, 40_000)

  it('answers the hanging-Stripe page within 10 s', () => {
    expect(hangElapsedMs).toBeLessThan(10_000)
  })

  it('closes an open order when its session expires unpaid', async () => {
    const { response } = await buy()
    expect(response.status).toBe(303)
    expect(await orderStatuses()).toEqual(['open'])
    const report = await deliverToApp(payments, fake.expireSession(sessionIdOf(response)), { duplicates: 1 })
    expect(report.undelivered).toEqual([])
    expect(await orderStatuses()).toEqual(['expired'])
  })
})

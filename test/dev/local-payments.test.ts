import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalPayments, localCheckoutRoutes, startLocalPayments } from '../../src/dev/local-payments'
import { memoryLogger } from '../../src/lib/logger'
import { courseBody, tierBody } from '../catalog/builders'
import { api, countRows, createTestContext, givenCreator, type TestContext } from '../helpers'

let ctx: TestContext
let local: LocalPayments
let key: string

beforeEach(async () => {
  let now = () => Date.now()
  local = await startLocalPayments({
    publicUrl: 'http://localhost:8787',
    logger: memoryLogger(),
    now: () => now(),
  })
  ctx = await createTestContext({ STRIPE_WEBHOOK_SECRET: local.webhookSecret }, { stripe: local.stripe })
  now = ctx.clock.now
  // As src/node.ts does: the local checkout page, and events delivered to the app's own webhook route.
  ctx.app.route('/', localCheckoutRoutes(local))
  local.deliverTo((request) => ctx.app.fetch(request))
  key = (await givenCreator(ctx)).key
})
afterEach(() => local.close())

async function checkoutPage(offerBody: Record<string, unknown>, query = '') {
  const offer = (await api(ctx, 'POST', '/api/v1/offers', { key, body: { ...offerBody, status: 'live' } }))
    .body
  const buy = await ctx.app.request(`/buy/${offer.id}${query}`)
  expect(buy.status).toBe(303)
  const location = new URL(buy.headers.get('location') ?? '')
  expect(location.pathname).toMatch(/^\/dev\/checkout\/cs_test_/)
  return location.pathname
}

const submit = (path: string, fields: Record<string, string>) =>
  ctx.app.request(path, {
    method: 'POST',
    headers: { origin: 'http://localhost' },
    body: new URLSearchParams(fields),
  })

describe('local test checkout (npm start without a Stripe key)', () => {
  it('pays through the real webhook path and lands on the success page with access', async () => {
    const path = await checkoutPage(courseBody())
    const page = await ctx.app.request(path)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('¥199.00')
    const paid = await submit(path, { action: 'pay', email: 'reader@example.com' })
    expect(paid.status).toBe(303)
    expect(paid.headers.get('location')).toMatch(/\/checkout\/success\?session_id=cs_test_/)
    expect(await countRows(ctx, 'entitlements')).toBe(1)
    const ledger = await ctx.sql.execute('select via from stripe_events')
    expect(ledger.rows.map((row) => row.via)).toContain('webhook')
  })

  it('cancels: the order expires and nothing is granted', async () => {
    const path = await checkoutPage(courseBody())
    const cancelled = await submit(path, { action: 'cancel' })
    expect(cancelled.status).toBe(303)
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('expired')
    expect(await countRows(ctx, 'entitlements')).toBe(0)
  })

  it('grants a wallet pass, and a creator refund revokes it through the same webhook', async () => {
    const path = await checkoutPage(
      tierBody({ prices: [{ amount: 20000, currency: 'CNY', interval: 'once', term_days: 365 }] }),
      '?rail=wallet',
    )
    await submit(path, { action: 'pay', email: 'member@example.com' })
    const [order] = (await ctx.sql.execute('select id from orders')).rows
    const refund = await api(ctx, 'POST', `/api/v1/orders/${order?.id}/refund`, { key, body: {} })
    expect(refund.status).toBe(202)
    await local.settled()
    expect((await ctx.sql.execute('select state from entitlements')).rows[0]?.state).toBe('revoked')
  })

  it('refuses to pay without an email', async () => {
    const path = await checkoutPage(courseBody())
    expect((await submit(path, { action: 'pay', email: '' })).status).toBe(400)
    expect(await countRows(ctx, 'entitlements')).toBe(0)
  })
})

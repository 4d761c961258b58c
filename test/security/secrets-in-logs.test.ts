/**
 * Secrets never reach the log: the operator token, API keys, session cookies, magic-link tokens, the Stripe
 * secret key and webhook secret, through the flows that log the most (sign-in, checkout with Stripe failing,
 * webhooks good and forged, refunds failing, admin calls, unhandled errors).
 */
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { courseBody } from '../catalog/builders'
import { adminToken, api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, sessionIdOf } from '../payments'
import { latestSignInToken, postForm, signIn } from '../sign-in'

let ctx: TestContext
let fake: FakeStripe
const secrets: string[] = []

beforeAll(async () => {
  const payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
  const created = await api(ctx, 'POST', '/api/v1/admin/creators', {
    key: adminToken,
    body: { slug: 'logged', name: 'Logged', email: 'logged@example.com' },
  })
  expect(created.status).toBe(201)
  const { key } = await givenCreator(ctx)
  secrets.push(adminToken, key, created.body.api_key.key, fake.webhookSecret, 'sk_test_quanzi')
  const course = (await api(ctx, 'POST', '/api/v1/offers', { key, body: courseBody({ status: 'live' }) }))
    .body
  // Stripe failing at checkout start (logged as an error), then succeeding, then a refund that Stripe refuses.
  fake.failNext(2, 500) // checkout tries twice
  expect((await ctx.app.request(`/buy/${course.id}`)).status).toBe(502)
  const response = await ctx.app.request(`/buy/${course.id}`)
  await deliverToApp(payments, fake.completeSession(sessionIdOf(response), { email: 'reader@example.com' }))
  const order = (await ctx.sql.execute("select id from orders where status = 'paid'")).rows[0]?.id
  fake.failNext(1, 500)
  expect((await api(ctx, 'POST', `/api/v1/orders/${order}/refund`, { key, body: {} })).status).toBe(502)
  // A forged webhook, a wrong key, a sign-in (link token and cookie), a used link replayed.
  const payload = JSON.stringify({ id: 'evt_forged', type: 'charge.refunded', data: { object: {} } })
  await ctx.app.request('/webhooks/stripe', {
    method: 'POST',
    headers: {
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' }),
      'content-type': 'application/json',
    },
    body: payload,
  })
  await api(ctx, 'GET', '/api/v1/creator', { key: `${key}x` })
  const { cookie } = await signIn(ctx, 'reader@example.com')
  secrets.push(cookie.split('=')[1] ?? '')
  const token = await latestSignInToken(ctx, 'reader@example.com')
  secrets.push(token)
  await postForm(ctx, '/login/verify', { token })
})
afterAll(() => fake?.close())

describe('secrets in logs (security)', () => {
  it('logs the failures, and never a secret', () => {
    const log = ctx.logger.lines.join('\n')
    expect(log).toContain('checkout session failed')
    expect(log).toContain('refund failed')
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10)
      expect(log.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the log`).toBe(false)
    }
  })
})

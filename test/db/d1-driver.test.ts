/**
 * The verbs whose write batches hold raw statements with bound values (write guards, `insert … select` history
 * rows, conditional audit rows) run on D1 here, through the app and the fake Stripe: drizzle's D1 driver could
 * not batch those (drizzle-orm#2277; the workaround is in src/db/client.ts `dbFromD1`), so on D1 every
 * subscription webhook, refund and dispute answered 500 and Stripe retried it for days. The rest of the suite
 * runs on libSQL; the Worker test (test/worker) covers the deployed bundle over D1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCreator } from '../../src/accounts/creators'
import { createApp } from '../../src/app'
import { createStripe } from '../../src/billing/stripe-client'
import { parseConfig } from '../../src/config'
import { dbFromD1 } from '../../src/db/client'
import type { Deps } from '../../src/deps'
import { type FakeStripe, startFakeStripe } from '../../src/dev/local-stripe'
import { memoryLogger } from '../../src/lib/logger'
import { dayMs } from '../../src/lib/time'
import { consultationBody, courseBody, tierBody } from '../catalog/builders'
import { type D1, openD1 } from '../d1'
import { adminToken, recordingMailer, testClock } from '../helpers'
import { sessionIdOf } from '../payments'

let d1: D1
let closeD1: () => Promise<void>
let fake: FakeStripe
let app: ReturnType<typeof createApp>
let key: string
const clock = testClock()
const logger = memoryLogger()

beforeAll(async () => {
  ;({ d1, close: closeD1 } = await openD1())
  fake = await startFakeStripe({ now: () => clock.now() })
  const deps: Deps = {
    // The D1 binding from miniflare is the runtime's own object; workers-types describes the same API.
    db: dbFromD1(d1 as unknown as D1Database),
    config: parseConfig(
      {
        ADMIN_TOKEN: adminToken,
        PUBLIC_URL: 'http://localhost:8787',
        SESSION_SECRET: 'test-session-secret-0123456789abcdef',
        STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
      },
      'node',
    ),
    clock,
    logger,
    stripe: createStripe('sk_test_quanzi', fake.url, { maxNetworkRetries: 0 }),
    mailer: recordingMailer(),
  }
  app = createApp(deps)
  const created = await createCreator(
    deps,
    { slug: 'on-d1', name: 'On D1', email: 'creator@example.com' },
    { type: 'system', id: 'test' },
  )
  key = created.apiKey.key
}, 30_000)

afterAll(async () => {
  await fake?.close()
  await closeD1?.()
})

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies and assert on their fields.
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

/** Delivers every fake Stripe event since `from`; each must be answered 2xx. */
async function deliverSince(from: number) {
  const report = await fake.deliver(
    fake.events.slice(from),
    async (payload, header) =>
      app.request('/webhooks/stripe', {
        method: 'POST',
        headers: { 'stripe-signature': header, 'content-type': 'application/json' },
        body: payload,
      }),
    { timestamp: Math.floor(clock.now() / 1000), duplicates: 1, seed: 3 },
  )
  // Every delivery, duplicates included, answered 2xx at once: no 5xx for Stripe to retry.
  const failed = Object.values(report.statuses)
    .flat()
    .filter((status) => status >= 300)
  expect(failed, logger.lines.filter((line) => line.includes('"error"')).join('\n')).toEqual([])
  expect(report.undelivered).toEqual([])
}

async function rows<T>(query: string, ...args: unknown[]): Promise<T[]> {
  return (
    await d1
      .prepare(query)
      .bind(...args)
      .all<T>()
  ).results
}

async function offer(body: Record<string, unknown>): Promise<string> {
  const created = await call('POST', '/api/v1/offers', { ...body, status: 'live' })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  return created.body.id
}

/** A buyer pays through Checkout; the fake's events are delivered. Returns the session id. */
async function pay(offerId: string, email: string, query = ''): Promise<string> {
  const response = await app.request(`/buy/${offerId}${query}`)
  expect(response.status).toBe(303)
  const from = fake.events.length
  fake.completeSession(sessionIdOf(response), { email })
  await deliverSince(from)
  return sessionIdOf(response)
}

describe('write batches with bound raw statements, on D1', () => {
  it('grants a course, then a full refund revokes it (money-fact guards, history rows)', async () => {
    const course = await offer(courseBody())
    const session = await pay(course, 'reader@example.com')
    const [order] = await rows<{ id: string; status: string }>(
      'select id, status from orders where checkout_session_id = ?',
      session,
    )
    expect(order?.status).toBe('paid')
    const refunded = await call('POST', `/api/v1/orders/${order?.id}/refund`, {})
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(202)
    await deliverSince(fake.events.length - 1)
    expect(await rows('select status from orders where id = ?', order?.id)).toEqual([{ status: 'refunded' }])
    expect(
      await rows('select state from entitlements where source = ? and source_id = ?', 'order', order?.id),
    ).toEqual([{ state: 'revoked' }])
    const changes = await rows<{ change: string }>(
      `select c.change from entitlement_changes c join entitlements e on e.id = c.entitlement_id
        where e.source_id = ? order by c.at, c.change`,
      order?.id,
    )
    expect(changes.map((row) => row.change)).toEqual(['grant', 'revoke'])
  })

  it('runs a subscription from checkout through renewal to cancellation', async () => {
    const tier = await offer(tierBody({ slug: 'd1-tier' }))
    await pay(tier, 'member@example.com', '?rail=card')
    const subscriptionId = fake.objects<{ id: string }>('subscription').at(-1)?.id ?? ''
    const state = () =>
      rows<{ state: string }>(
        'select state from entitlements where source = ? and source_id = ?',
        'subscription',
        subscriptionId,
      )
    expect(await state()).toEqual([{ state: 'active' }])

    clock.advance(366 * dayMs)
    let from = fake.events.length
    fake.renewSubscription(subscriptionId)
    await deliverSince(from)
    expect(await state()).toEqual([{ state: 'active' }])

    from = fake.events.length
    fake.cancelSubscription(subscriptionId, { atPeriodEnd: false })
    await deliverSince(from)
    expect(await state()).toEqual([{ state: 'lapsed' }])
    const history = await rows<{ change: string }>(
      `select c.change from entitlement_changes c join entitlements e on e.id = c.entitlement_id
        where e.source_id = ? order by c.at`,
      subscriptionId,
    )
    expect(history.map((row) => row.change)).toEqual(['grant', 'extend', 'lapse'])
  })

  it('removes a free slot and revokes a granted entitlement, each with its audit row', async () => {
    const consultation = await offer(consultationBody({ slug: 'd1-call' }))
    const at = new Date(clock.now() + 2 * dayMs).toISOString()
    const added = await call('POST', `/api/v1/offers/${consultation}/slots`, { slots: [{ starts_at: at }] })
    expect(added.status, JSON.stringify(added.body)).toBe(201)
    const slotId = added.body.data[0].id
    const removed = await call('DELETE', `/api/v1/slots/${slotId}`)
    expect(removed.status, JSON.stringify(removed.body)).toBeLessThan(300)
    expect(await rows('select status from consultation_slots where id = ?', slotId)).toEqual([
      { status: 'cancelled' },
    ])

    const [buyer] = await rows<{ id: string }>('select id from buyers where email = ?', 'reader@example.com')
    const course = await offer(courseBody({ slug: 'd1-gift' }))
    const granted = await call('POST', `/api/v1/members/${buyer?.id}/entitlements`, { offer_id: course })
    expect(granted.status, JSON.stringify(granted.body)).toBe(201)
    const revoked = await call('DELETE', `/api/v1/members/${buyer?.id}/entitlements/${granted.body.id}`)
    expect(revoked.status, JSON.stringify(revoked.body)).toBeLessThan(300)
    expect(await rows('select state from entitlements where id = ?', granted.body.id)).toEqual([
      { state: 'revoked' },
    ])
    const audited = await rows<{ action: string }>(
      'select action from audit_log where subject_id in (?, ?) order by at, action',
      slotId,
      granted.body.id,
    )
    expect(audited.map((row) => row.action)).toEqual(
      expect.arrayContaining(['slot.remove', 'entitlement.revoke']),
    )
  })
})

/**
 * Shared setup for the group tests: a creator over the fake Stripe, purchases through `/buy` and signed
 * webhooks, buyers signed in by magic link, and the buyer's two ways to ask for an invite.
 */
import { expect } from 'vitest'
import type { Db } from '../../src/db/client'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext, sessionIdOf } from '../payments'
import { signIn } from '../sign-in'

// biome-ignore lint/suspicious/noExplicitAny: API bodies are read back as arbitrary JSON.
export type Json = any

export interface GroupsContext {
  payments: PaymentsContext
  ctx: TestContext
  fake: FakeStripe
  creator: { id: string; slug: string; key: string }
}

export async function createGroupsContext(creator: { locale?: 'zh-CN' | 'en' } = {}): Promise<GroupsContext> {
  const payments = await createPaymentsContext()
  return {
    payments,
    ctx: payments.ctx,
    fake: payments.fake,
    creator: await givenCreator(payments.ctx, creator),
  }
}

/**
 * Waits until the database has been idle for a moment: a webhook or a sign-in answers before the mail it queued
 * is dispatched (mail/outbox.ts `dispatchAfterResponse`), and that dispatch must not be counted as a page's.
 */
export async function quiet({ ctx }: GroupsContext): Promise<void> {
  for (let seen = -1; seen !== ctx.roundTrips.count; ) {
    seen = ctx.roundTrips.count
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export async function liveOffer(g: GroupsContext, body: Record<string, unknown>, key = g.creator.key) {
  const res = await api(g.ctx, 'POST', '/api/v1/offers', { key, body: { ...body, status: 'live' } })
  expect(res.status).toBe(201)
  return res.body as Json
}

/** Buys through Checkout and the signed webhook: a paid order, a buyer and an entitlement. */
export async function givenPurchase(g: GroupsContext, offerId: string, email: string) {
  const response = await g.ctx.app.request(`/buy/${offerId}`)
  expect(response.status).toBe(303)
  const sessionId = sessionIdOf(response)
  expect((await deliverToApp(g.payments, g.fake.completeSession(sessionId, { email }))).undelivered).toEqual(
    [],
  )
  const order = (
    await g.ctx.sql.execute({ sql: 'select * from orders where checkout_session_id = ?', args: [sessionId] })
  ).rows[0]
  expect(order?.status).toBe('paid')
  await quiet(g)
  return { orderId: String(order?.id), buyerId: String(order?.buyer_id) }
}

/** Refunds the order through the API and delivers Stripe's charge.refunded to the webhook. */
export async function refund(g: GroupsContext, orderId: string) {
  const before = g.fake.events.length
  const res = await api(g.ctx, 'POST', `/api/v1/orders/${orderId}/refund`, { key: g.creator.key, body: {} })
  expect(res.status).toBe(202)
  const refunded = g.fake.events.slice(before).filter((event) => event.type === 'charge.refunded')
  expect(refunded).toHaveLength(1)
  expect((await deliverToApp(g.payments, refunded)).undelivered).toEqual([])
  await quiet(g)
}

/** The buyer's session cookie header, once the sign-in mail's dispatch has settled. */
export async function buyerCookie(g: GroupsContext, email: string): Promise<string> {
  const { cookie } = await signIn(g.ctx, email)
  await quiet(g)
  return cookie
}

export function revealJson(g: GroupsContext, offerId: string, cookie?: string) {
  return api(g.ctx, 'GET', `/api/v1/me/groups/${offerId}`, { headers: cookie ? { cookie } : {} })
}

export function revealPage(g: GroupsContext, offerId: string, cookie?: string, app = g.ctx.app) {
  return app.request(`/me/groups/${offerId}`, {
    headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
  })
}

export async function rows(g: GroupsContext, sql: string, args: (string | number)[] = []) {
  return (await g.ctx.sql.execute({ sql, args })).rows
}

/**
 * The database as the app sees it, except that the first two batches (two buyers' reads) both finish before
 * either returns: the writes that follow are decided from reads that both saw the last seat free. Faked at the
 * `Deps` boundary; the code under test runs unchanged.
 */
export function readsInterleaved(db: Db): Db {
  let started = 0
  let release = () => {}
  const bothRead = new Promise<void>((resolve) => {
    release = resolve
  })
  return new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (property !== 'batch') return typeof value === 'function' ? value.bind(target) : value
      return async (items: Parameters<Db['batch']>[0]) => {
        const call = ++started
        const result = await target.batch(items)
        if (call <= 2) {
          if (call === 2) release()
          await bothRead
        }
        return result
      }
    },
  })
}

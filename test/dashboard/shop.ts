/**
 * A storefront under test for the dashboard: the app and the fake Stripe on one clock, and purchases made the
 * way buyers make them — GET /buy, Stripe's checkout, signed webhook events — so orders, subscriptions,
 * entitlements and the event ledger hold what production would.
 */
import { expect } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { api, type givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext, sessionIdOf } from '../payments'

export interface Shop {
  payments: PaymentsContext
  ctx: TestContext
  fake: FakeStripe
}

export async function openShop(): Promise<Shop> {
  const payments = await createPaymentsContext()
  return { payments, ctx: payments.ctx, fake: payments.fake }
}

export type Creator = Awaited<ReturnType<typeof givenCreator>>

export async function liveOffer(shop: Shop, key: string, body: Record<string, unknown>) {
  const res = await api(shop.ctx, 'POST', '/api/v1/offers', { key, body: { ...body, status: 'live' } })
  expect(res.status).toBe(201)
  return res.body as { id: string; prices: { id: string; amount: number; currency: string }[] }
}

/** Delivers every fake Stripe event created since `from` (an index into `fake.events`). */
export async function deliverSince(shop: Shop, from: number) {
  const report = await deliverToApp(shop.payments, shop.fake.events.slice(from))
  expect(report.undelivered).toEqual([])
}

/** A buyer pays for an offer through Checkout (`query` picks rail or price); returns the order and charge. */
export async function buy(shop: Shop, offerId: string, email: string, query = '') {
  const response = await shop.ctx.app.request(`/buy/${offerId}${query}`)
  expect(response.status).toBe(303)
  const from = shop.fake.events.length
  shop.fake.completeSession(sessionIdOf(response), { email })
  await deliverSince(shop, from)
  const row = (
    await shop.ctx.sql.execute({
      sql: 'select o.id, o.buyer_id, o.payment_intent_id from orders o where o.checkout_session_id = ?',
      args: [sessionIdOf(response)],
    })
  ).rows[0]
  const charge = shop.fake
    .objects<{ id: string; payment_intent: string }>('charge')
    .find((candidate) => candidate.payment_intent === row?.payment_intent_id)
  return { orderId: String(row?.id), buyerId: String(row?.buyer_id), chargeId: charge?.id ?? '' }
}

/** A buyer subscribes to a tier by card; returns the Stripe subscription id. */
export async function subscribe(shop: Shop, tierId: string, email: string) {
  const response = await shop.ctx.app.request(`/buy/${tierId}?rail=card`)
  expect(response.status).toBe(303)
  const from = shop.fake.events.length
  shop.fake.completeSession(sessionIdOf(response), { email })
  await deliverSince(shop, from)
  const subscription = shop.fake.objects<{ id: string }>('subscription').at(-1)
  return { subscriptionId: subscription?.id ?? '' }
}

/** The creator refunds (part of) an order through the API; Stripe's charge.refunded is then delivered. */
export async function refund(shop: Shop, key: string, orderId: string, amount?: number) {
  const from = shop.fake.events.length
  const res = await api(shop.ctx, 'POST', `/api/v1/orders/${orderId}/refund`, {
    key,
    body: amount === undefined ? {} : { amount },
  })
  expect(res.status).toBe(202)
  await deliverSince(shop, from)
}

/** The charge that paid a subscription's latest invoice: its paid InvoicePayment's PaymentIntent's charge. */
export function latestInvoiceCharge(shop: Shop, subscriptionId: string): string {
  const invoice = shop.fake
    .objects<{
      parent: { subscription_details: { subscription: string } }
      payments: { data: { status: string; payment: { payment_intent: string } }[] }
    }>('invoice')
    .filter((candidate) => candidate.parent.subscription_details.subscription === subscriptionId)
    .at(-1)
  const paid = invoice?.payments.data.find((payment) => payment.status === 'paid')
  if (!paid) return ''
  return shop.fake.object<{ latest_charge: string | null }>(paid.payment.payment_intent).latest_charge ?? ''
}

/** Runs a fake Stripe control and delivers the events it created. */
export async function happen(shop: Shop, control: () => unknown) {
  const from = shop.fake.events.length
  control()
  await deliverSince(shop, from)
}

/**
 * Pure checkout decisions: which price a checkout link sells, on which rail, and the Stripe Checkout Session it
 * asks for. Everything money-related comes from database rows passed in, never from the request.
 *
 * Stripe facts this encodes:
 * - Checkout takes Alipay and WeChat Pay only in `payment` mode, never in `subscription` mode, so wallets can
 *   only pay `once` prices (tier passes, courses, groups, consultations).
 * - API versions 2026-09-30 and later reject `payment_method_types`; the field is `allowed_payment_method_types`.
 * - WeChat Pay in Checkout needs `payment_method_options.wechat_pay.client = 'web'`.
 * - A Checkout Session lives at least 30 minutes; we ask for exactly that so a consultation slot is held briefly.
 */
import type Stripe from 'stripe'
import type { OfferKind, PriceInterval } from '../db/schema'
import { badRequest, Problem } from '../lib/problem'

export type Rail = 'card' | 'wallet'

/**
 * How long a checkout (and the slot it holds) stays open: Stripe's minimum session lifetime of 30 minutes,
 * counted from when Stripe creates the session, plus a minute for the request's way there and clock skew.
 * Asking for exactly 30 minutes from our clock can be refused as "less than 30 minutes".
 */
export const checkoutTtlMs = 31 * 60_000

export interface PriceRow {
  id: string
  amount: number
  currency: string
  interval: PriceInterval
  termDays: number | null
}

/**
 * Picks the price to sell. An explicit `priceId` must be one of the offer's active prices; otherwise a wallet
 * buys the (shortest) pass and a card buys the yearly subscription, else the monthly, else the one price.
 */
export function choosePrice(
  prices: PriceRow[],
  request: { priceId?: string | undefined; rail: Rail },
): PriceRow {
  if (request.priceId) {
    const chosen = prices.find((price) => price.id === request.priceId)
    if (!chosen)
      throw new Problem(404, 'not-found', 'Not found', `This offer has no active price ${request.priceId}.`)
    return chosen
  }
  const once = prices
    .filter((price) => price.interval === 'once')
    .sort((a, b) => (a.termDays ?? Number.MAX_SAFE_INTEGER) - (b.termDays ?? Number.MAX_SAFE_INTEGER))
  const byInterval = (interval: PriceInterval) => prices.find((price) => price.interval === interval)
  const chosen =
    request.rail === 'wallet' ? once[0] : (byInterval('year') ?? byInterval('month') ?? once[0] ?? undefined)
  if (!chosen)
    throw badRequest(
      request.rail === 'wallet'
        ? 'Alipay and WeChat Pay can pay only one-time prices, and this offer has none; pay by card.'
        : 'This offer has no price that can be paid this way.',
    )
  return chosen
}

/** Wallets cannot pay subscriptions (Stripe Checkout limitation); refuse before creating anything. */
export function railAllows(price: PriceRow, rail: Rail): boolean {
  return rail === 'card' || price.interval === 'once'
}

export interface SessionInput {
  orderId: string
  offer: { id: string; kind: OfferKind; title: string; slug: string; trialDays: number; creatorId: string }
  creator: { slug: string; locale: string }
  price: PriceRow
  rail: Rail
  publicUrl: string
  now: number
  email?: string | undefined
  slotId?: string | undefined
}

/** The Checkout Session parameters for an order: mode, one line item priced from the database, metadata. */
export function sessionParams(input: SessionInput): Stripe.Checkout.SessionCreateParams {
  const { price, offer } = input
  const subscription = price.interval !== 'once'
  const metadata = {
    order_id: input.orderId,
    offer_id: offer.id,
    price_id: price.id,
    creator_id: offer.creatorId,
    ...(input.slotId ? { slot_id: input.slotId } : {}),
  }
  return {
    mode: subscription ? 'subscription' : 'payment',
    client_reference_id: input.orderId,
    metadata,
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: price.currency.toLowerCase(),
          unit_amount: price.amount,
          product_data: { name: offer.title },
          ...(subscription ? { recurring: { interval: price.interval as 'month' | 'year' } } : {}),
        },
      },
    ],
    allowed_payment_method_types: input.rail === 'wallet' ? ['alipay', 'wechat_pay'] : ['card'],
    ...(input.rail === 'wallet' ? { payment_method_options: { wechat_pay: { client: 'web' } } } : {}),
    ...(subscription
      ? {
          subscription_data: {
            metadata,
            ...(offer.trialDays > 0 ? { trial_period_days: offer.trialDays } : {}),
          },
        }
      : { payment_intent_data: { metadata } }),
    ...(input.email ? { customer_email: input.email } : {}),
    locale: input.creator.locale === 'en' ? 'en' : 'zh',
    expires_at: Math.floor((input.now + checkoutTtlMs) / 1000),
    success_url: `${input.publicUrl}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${input.publicUrl}/c/${input.creator.slug}/${offer.slug}`,
  }
}

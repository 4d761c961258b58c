/**
 * startCheckout: a checkout link becomes an `open` order and a Stripe Checkout Session.
 *
 * Two database round trips, then one Stripe call:
 *   1. one batch reads the live offer with its creator, its active prices and (consultations) the chosen slot;
 *   2. one batch holds the slot (only if still free, or its hold has lapsed) and inserts the order only if that
 *      hold is ours — so of many concurrent checkouts for one slot exactly one gets an order;
 *   then Stripe creates the session, with the order id as idempotency key, client_reference_id and metadata.
 * The session id is not written back: webhooks and the success page find the order through its metadata, which
 * saves a round trip on every checkout. If Stripe fails, the order is closed and the slot released.
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { writeBatch } from '../db/client'
import { consultationSlots, creators, offers, orders, prices } from '../db/schema'
import type { Deps } from '../deps'
import { newId } from '../lib/ids'
import {
  badRequest,
  conflict,
  notFound,
  paymentProviderUnavailable,
  serviceUnavailable,
} from '../lib/problem'
import { checkoutTtlMs, choosePrice, type Rail, railAllows, sessionParams } from './checkout-rules'

/** A held slot whose session has expired is taken over only after this margin, against clock skew. */
const holdGraceMs = 5 * 60_000

export interface StartCheckoutInput {
  offerId: string
  priceId?: string | undefined
  rail: Rail
  slotId?: string | undefined
  refCode?: string | undefined
  email?: string | undefined
}

export async function startCheckout(
  { db, clock, stripe, config, logger }: Pick<Deps, 'db' | 'clock' | 'stripe' | 'config' | 'logger'>,
  input: StartCheckoutInput,
): Promise<{ url: string; orderId: string }> {
  if (!stripe)
    throw serviceUnavailable('Payments are not configured on this server (STRIPE_SECRET_KEY is unset).')
  const now = clock.now()

  const [offerRows, priceRows, slotRows] = await db.batch([
    db
      .select({
        id: offers.id,
        kind: offers.kind,
        title: offers.title,
        slug: offers.slug,
        trialDays: offers.trialDays,
        creatorId: offers.creatorId,
        creatorSlug: creators.slug,
        creatorLocale: creators.locale,
      })
      .from(offers)
      .innerJoin(creators, eq(creators.id, offers.creatorId))
      .where(and(eq(offers.id, input.offerId), eq(offers.status, 'live'))),
    db
      .select({
        id: prices.id,
        amount: prices.amount,
        currency: prices.currency,
        interval: prices.interval,
        termDays: prices.termDays,
      })
      .from(prices)
      .where(and(eq(prices.offerId, input.offerId), eq(prices.active, true)))
      .orderBy(asc(prices.id)),
    db
      .select()
      .from(consultationSlots)
      .where(and(eq(consultationSlots.id, input.slotId ?? ''), eq(consultationSlots.offerId, input.offerId))),
  ])
  const offer = offerRows[0]
  // Draft, archived and unknown offers look the same: not for sale.
  if (!offer) throw notFound('offer', input.offerId)
  const price = choosePrice(priceRows, { priceId: input.priceId, rail: input.rail })
  if (!railAllows(price, input.rail))
    throw badRequest('Alipay and WeChat Pay cannot pay a subscription; choose the pass or pay by card.')

  const slot = slotRows[0]
  if (offer.kind === 'consultation') {
    if (!input.slotId) throw badRequest('Choose a time: a consultation is bought for one slot (?slot=slt_…).')
    if (!slot) throw notFound('slot', input.slotId)
    if (slot.startsAt <= now) throw conflict('This time has passed; choose another.')
  } else if (input.slotId) {
    throw badRequest('Only consultations are bought for a slot.')
  }

  const orderId = newId('order', now)
  const expiresAt = now + checkoutTtlMs
  const order: typeof orders.$inferInsert = {
    id: orderId,
    creatorId: offer.creatorId,
    offerId: offer.id,
    priceId: price.id,
    email: input.email ?? null,
    slotId: slot?.id ?? null,
    mode: price.interval === 'once' ? 'payment' : 'subscription',
    rail: input.rail,
    amount: price.amount,
    currency: price.currency,
    termDays: price.termDays,
    status: 'open',
    refCode: input.refCode ?? null,
    expiresAt,
    createdAt: now,
    updatedAt: now,
  }

  if (slot) {
    // Hold and order in one atomic batch: the update claims the slot only if it is free (or its hold lapsed),
    // and the order row exists only if the claim is ours. A lost race writes nothing.
    const [held] = await db.batch([
      db
        .update(consultationSlots)
        .set({ status: 'held', orderId, holdExpiresAt: expiresAt, updatedAt: now })
        .where(
          and(
            eq(consultationSlots.id, slot.id),
            sql`(${consultationSlots.status} = 'free' or (${consultationSlots.status} = 'held' and ${consultationSlots.holdExpiresAt} < ${now - holdGraceMs}))`,
          ),
        )
        .returning({ id: consultationSlots.id }),
      insertOrderIf(
        db,
        order,
        sql`exists (select 1 from consultation_slots where id = ${slot.id} and order_id = ${orderId} and status = 'held')`,
      ),
    ])
    if (held.length === 0) throw conflict('Someone else is booking this time right now; choose another slot.')
  } else {
    await db.insert(orders).values(order)
  }

  try {
    const session = await stripe.checkout.sessions.create(
      sessionParams({
        orderId,
        offer,
        creator: { slug: offer.creatorSlug, locale: offer.creatorLocale },
        price,
        rail: input.rail,
        publicUrl: config.PUBLIC_URL ?? '',
        now,
        email: input.email,
        slotId: slot?.id,
      }),
      // One key per attempt (per order): a network retry by the Stripe client cannot create a second session.
      // A buyer is waiting on this redirect: a hung Stripe must fail within seconds (two tries of 4 s),
      // not after the client's default three tries of 8 s.
      { idempotencyKey: `checkout-${orderId}`, timeout: 4_000, maxNetworkRetries: 1 },
    )
    if (!session.url) throw new Error(`Stripe returned session ${session.id} without a url`)
    return { url: session.url, orderId }
  } catch (error) {
    logger.error('checkout session failed', { orderId, offerId: offer.id, error })
    await closeFailedOrder(db, orderId, slot?.id, clock.now())
    throw paymentProviderUnavailable(
      'Stripe could not start the checkout. Nothing was charged; please try again in a moment.',
    )
  }
}

function insertOrderIf(db: Deps['db'], order: typeof orders.$inferInsert, condition: ReturnType<typeof sql>) {
  return db.run(sql`insert into orders (id, creator_id, offer_id, price_id, email, slot_id, mode, rail, amount,
      currency, term_days, status, ref_code, expires_at, created_at, updated_at)
    select ${order.id}, ${order.creatorId}, ${order.offerId}, ${order.priceId}, ${order.email ?? null},
      ${order.slotId ?? null}, ${order.mode}, ${order.rail}, ${order.amount}, ${order.currency},
      ${order.termDays ?? null}, ${order.status}, ${order.refCode ?? null}, ${order.expiresAt ?? null},
      ${order.createdAt}, ${order.updatedAt}
    where ${condition}`)
}

/** Stripe never created the session: the order will never be paid, and its slot is free again. */
async function closeFailedOrder(db: Deps['db'], orderId: string, slotId: string | undefined, now: number) {
  const statements: BatchItem<'sqlite'>[] = [
    db.update(orders).set({ status: 'failed', updatedAt: now }).where(eq(orders.id, orderId)),
  ]
  if (slotId)
    statements.push(
      db
        .update(consultationSlots)
        .set({ status: 'free', orderId: null, holdExpiresAt: null, updatedAt: now })
        .where(and(eq(consultationSlots.id, slotId), eq(consultationSlots.orderId, orderId))),
    )
  await writeBatch(db, statements)
}

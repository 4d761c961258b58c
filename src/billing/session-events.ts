/**
 * Checkout Session events for one-time payments (courses, groups, consultations, tier passes):
 * completed / async_payment_succeeded grant, async_payment_failed / expired close the order and free its slot.
 *
 * One read batch (ledger row, order, the buyer's running entitlements for the offer), a pure decision, one write
 * batch that also records the event in the ledger — so an event is applied entirely or not at all. Every write is
 * guarded in SQL as well (order status, unique entitlement per order, one grant change per entitlement), so two
 * deliveries of the same fact racing each other still leave one grant.
 */

import { and, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type Stripe from 'stripe'
import { writeBatch } from '../db/client'
import { buyers, consultationSlots, entitlements, orders, stripeEvents } from '../db/schema'
import type { Deps } from '../deps'
import { normaliseEmail } from '../lib/email'
import { newId } from '../lib/ids'
import { paymentVerdict } from './charge-rules'
import { grantStatements } from './grants'
import {
  type Handled,
  handled,
  ledgerRow,
  moneyFactsQuery,
  moneyFactsUnchanged,
  recordOnly,
  toMoneyFact,
} from './ledger'
import { accessWindow, decideOrder, type SessionEventType } from './order-rules'
import { receiptQuery, receiptStatements } from './receipts'

export async function handleSessionEvent(
  { db, clock, logger, config }: Pick<Deps, 'db' | 'clock' | 'logger' | 'config'>,
  event: Stripe.Event,
  via: string,
): Promise<Handled> {
  const session = event.data.object as Stripe.Checkout.Session
  const orderId = session.metadata?.order_id ?? session.client_reference_id ?? ''
  const sessionEmail = session.customer_details?.email ?? session.customer_email ?? null
  const now = clock.now()

  const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : null
  const sessionBuyer = normaliseEmail(sessionEmail ?? '')
  const [seen, orderRows, facts, runningForSessionBuyer, receiptRows] = await db.batch([
    db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, event.id)),
    db.select().from(orders).where(eq(orders.id, orderId)),
    // A refund or dispute Stripe delivered before this purchase event: remembered, so the grant is not applied.
    moneyFactsQuery(db, paymentIntent),
    // The buyer's running access to the same offer, so a second pass extends from its end. Keyed by values
    // known before any read (session email, order id), so it rides in this one round trip.
    runningAccess(db, sessionBuyer, sql`(select offer_id from orders where id = ${orderId})`),
    // What the receipt mail says (offer, creator, slot), keyed by the order id: still one round trip.
    receiptQuery(db, orderId),
  ])
  if (seen.length) return handled('duplicate')
  const order = orderRows[0]
  if (!order || (session.mode !== 'payment' && event.type !== 'checkout.session.expired')) {
    // Not one of ours, or a subscription checkout: its access follows the subscription (subscription-events.ts).
    return recordOnly({ db, clock }, event, via)
  }

  const decision = decideOrder(order.status, event.type as SessionEventType, session.payment_status)
  const email = normaliseEmail(sessionEmail ?? order.email ?? '')
  if (decision.grant && !email) {
    logger.error('paid checkout without an email; cannot grant', { eventId: event.id, orderId })
    await db.insert(stripeEvents).values({ ...ledgerRow(event, now, via), error: 'no buyer email' })
    return handled('ignored')
  }

  // Stripe always reports the email of a paid session; only without one is the order's email read for.
  const running = !decision.grant
    ? []
    : email === sessionBuyer
      ? runningForSessionBuyer
      : await runningAccess(db, email, order.offerId)

  const statements: BatchItem<'sqlite'>[] = [
    db
      .insert(stripeEvents)
      .values(ledgerRow(event, now, via))
      .onConflictDoNothing(),
  ]
  let mailQueued = false
  const buyerId = sql`(select id from buyers where email = ${email})`
  const verdict = paymentVerdict(facts.map((row) => toMoneyFact(row.payload)))

  if (decision.grant) {
    // The verdict rests on the refunds and disputes read above; one committed since aborts this batch.
    if (paymentIntent) statements.push(moneyFactsUnchanged(db, paymentIntent, facts.length))
    statements.push(
      db
        .insert(buyers)
        .values({ id: newId('buyer', now), email, createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: buyers.email }),
      db
        .update(orders)
        .set({
          status: verdict.orderStatus,
          refundedAmount: verdict.refundedAmount,
          buyerId,
          email,
          checkoutSessionId: session.id,
          paymentIntentId: paymentIntent,
          paidAt: now,
          updatedAt: now,
        })
        .where(and(eq(orders.id, order.id), inArray(orders.status, ['open', 'expired', 'failed']))),
    )
  }
  if (decision.grant && verdict.accessAllowed) {
    const window = accessWindow(
      now,
      order.termDays,
      running.map((row) => row.endsAt),
    )
    statements.push(
      ...grantStatements(db, {
        order,
        buyerId,
        startsAt: window.startsAt,
        endsAt: window.endsAt,
        causeId: event.id,
        now,
      }),
    )
    const receipt = receiptRows[0]
    if (receipt) {
      mailQueued = true // the route sends it right after answering
      statements.push(
        ...receiptStatements(db, receipt, order, {
          email,
          endsAt: window.endsAt,
          publicUrl: config.PUBLIC_URL ?? 'http://localhost:8787',
          now,
        }),
      )
    }
    if (order.slotId)
      statements.push(
        db
          .update(consultationSlots)
          .set({ status: 'booked', buyerId, holdExpiresAt: null, updatedAt: now })
          .where(and(eq(consultationSlots.id, order.slotId), eq(consultationSlots.orderId, order.id))),
      )
  } else if (decision.status !== order.status) {
    statements.push(
      db
        .update(orders)
        .set({ status: decision.status, checkoutSessionId: session.id, updatedAt: now })
        .where(and(eq(orders.id, order.id), eq(orders.status, order.status))),
    )
  } else {
    // Nothing changes the order (a replayed or stale fact), but remember what Stripe told us.
    statements.push(
      db
        .update(orders)
        .set({
          checkoutSessionId: session.id,
          ...(sessionEmail ? { email: normaliseEmail(sessionEmail) } : {}),
        })
        .where(
          and(
            eq(orders.id, order.id),
            or(isNull(orders.checkoutSessionId), eq(orders.checkoutSessionId, session.id)),
          ),
        ),
    )
  }
  if ((decision.releaseSlot || (decision.grant && !verdict.accessAllowed)) && order.slotId)
    statements.push(
      db
        .update(consultationSlots)
        .set({ status: 'free', orderId: null, holdExpiresAt: null, updatedAt: now })
        .where(
          and(
            eq(consultationSlots.id, order.slotId),
            eq(consultationSlots.orderId, order.id),
            eq(consultationSlots.status, 'held'),
          ),
        ),
    )
  await writeBatch(db, statements)
  return handled('processed', mailQueued)
}

function runningAccess(db: Deps['db'], email: string, offerId: string | SQL) {
  return db
    .select({ endsAt: entitlements.endsAt })
    .from(entitlements)
    .innerJoin(buyers, eq(buyers.id, entitlements.buyerId))
    .where(
      and(
        eq(buyers.email, email),
        eq(entitlements.offerId, offerId),
        inArray(entitlements.state, ['active', 'grace']),
      ),
    )
}

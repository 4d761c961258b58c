/**
 * Refunds and disputes: `charge.refunded` (full refunds revoke, partial ones do not), `charge.dispute.created`
 * (revoke), `charge.dispute.closed` (won restores). The verdict folds every stored fact about the PaymentIntent
 * plus this one (charge-rules.ts), so the result does not depend on delivery order. A fact about a payment whose
 * purchase event has not arrived yet is only recorded; the purchase handler reads it and does not grant.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type Stripe from 'stripe'
import { guardStatement, writeBatch } from '../db/client'
import { consultationSlots, entitlements, orders, stripeEvents } from '../db/schema'
import type { Deps } from '../deps'
import { newId } from '../lib/ids'
import { dayMs } from '../lib/time'
import { paymentVerdict } from './charge-rules'
import { grantStatements } from './grants'
import {
  type Handled,
  handled,
  ledgerRow,
  moneyFactsQuery,
  moneyFactsUnchanged,
  paymentIntentOf,
  toMoneyFact,
} from './ledger'

const paidStatuses: string[] = ['paid', 'refunded', 'disputed']

export async function handleChargeEvent(
  { db, clock }: Pick<Deps, 'db' | 'clock' | 'logger'>,
  event: Stripe.Event,
  via: string,
): Promise<Handled> {
  const paymentIntentId = paymentIntentOf(event)
  const now = clock.now()
  const [seen, stored, orderRows] = await db.batch([
    db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, event.id)),
    moneyFactsQuery(db, paymentIntentId),
    db
      .select()
      .from(orders)
      .where(eq(orders.paymentIntentId, paymentIntentId ?? '')),
  ])
  if (seen.length) return handled('duplicate')
  const verdict = paymentVerdict([
    ...stored.map((row) => toMoneyFact(row.payload)),
    toMoneyFact(JSON.stringify(event)),
  ])

  const statements: BatchItem<'sqlite'>[] = []
  if (paymentIntentId) {
    // The verdict folds the facts read above and acts on the paid orders read above. If another fact about this
    // payment, or its purchase, committed since, this batch aborts and the event is processed again. (Before the
    // ledger row: that row is itself one more fact.)
    const paidRead = orderRows.filter((order) => paidStatuses.includes(order.status)).length
    statements.push(
      moneyFactsUnchanged(db, paymentIntentId, stored.length),
      guardStatement(
        db,
        'paid_orders',
        sql`(select count(*) from orders where payment_intent_id = ${paymentIntentId}
          and status in ('paid', 'refunded', 'disputed')) = ${paidRead}`,
      ),
    )
  }
  statements.push(
    db
      .insert(stripeEvents)
      .values(ledgerRow(event, now, via))
      .onConflictDoNothing(),
  )
  for (const order of orderRows) {
    // Open, expired or failed orders were never paid: the purchase handler will read this fact when it lands.
    if (!paidStatuses.includes(order.status)) continue
    statements.push(
      db
        .update(orders)
        .set({ status: verdict.orderStatus, refundedAmount: verdict.refundedAmount, updatedAt: now })
        .where(eq(orders.id, order.id)),
      ...entitlementTransition(db, order.id, verdict.accessAllowed, event.id, now),
    )
    // A dispute that reached us before the purchase kept the grant back; now that access is allowed again,
    // grant it (a no-op when the entitlement exists: unique per order and offer).
    if (verdict.accessAllowed && order.buyerId) {
      const startsAt = order.paidAt ?? now
      statements.push(
        ...grantStatements(db, {
          order,
          buyerId: order.buyerId,
          startsAt,
          endsAt: order.termDays === null ? null : startsAt + order.termDays * dayMs,
          causeId: event.id,
          now,
        }),
      )
    }
    if (verdict.fullyRefunded && order.slotId)
      statements.push(
        db
          .update(consultationSlots)
          .set({ status: 'free', orderId: null, buyerId: null, updatedAt: now })
          .where(and(eq(consultationSlots.id, order.slotId), eq(consultationSlots.orderId, order.id))),
      )
  }
  await writeBatch(db, statements)
  return handled('processed')
}

/**
 * Moves an order's entitlements to revoked (or back to active), appending one history row per entitlement that
 * actually changes. The history insert runs first and selects only rows still in the old state.
 */
function entitlementTransition(
  db: Deps['db'],
  orderId: string,
  allowed: boolean,
  causeId: string,
  now: number,
): BatchItem<'sqlite'>[] {
  const fromStates = allowed ? ['revoked'] : ['active', 'grace']
  const to = allowed ? 'active' : 'revoked'
  const change = allowed ? 'restore' : 'revoke'
  return [
    db.run(sql`insert or ignore into entitlement_changes (id, creator_id, entitlement_id, change, cause_type,
        cause_id, state_after, ends_at_after, at)
      -- One history id per changed entitlement: a fresh id suffixed with the entitlement id.
      select ${newId('entitlementChange', now)} || '_' || e.id, e.creator_id, e.id, ${change}, 'stripe_event',
        ${causeId}, ${to}, e.ends_at, ${now}
      from entitlements e
      where e.source = 'order' and e.source_id = ${orderId} and e.state in ${allowed ? sql`('revoked')` : sql`('active', 'grace')`}`),
    db
      .update(entitlements)
      .set({ state: to, updatedAt: now })
      .where(
        and(
          eq(entitlements.source, 'order'),
          eq(entitlements.sourceId, orderId),
          inArray(entitlements.state, fromStates as ('active' | 'grace' | 'revoked')[]),
        ),
      ),
  ]
}

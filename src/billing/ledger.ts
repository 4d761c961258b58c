/**
 * The webhook ledger: one `stripe_events` row per Stripe event id, written in the same batch as the event's
 * effects. Stripe retries any non-2xx for three days; a replayed event must be a no-op, and a failed one must
 * leave no trace so the retry applies it whole.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { type Db, guardStatement } from '../db/client'
import { stripeEvents } from '../db/schema'
import type { Deps } from '../deps'
import { type MoneyFact, moneyFactTypes } from './charge-rules'

export type EventOutcome = 'processed' | 'duplicate' | 'ignored'

/** What handling one event did: its outcome, and whether its write batch queued mail (mail/outbox.ts). */
export interface Handled {
  outcome: EventOutcome
  /**
   * True when the committed batch held a `queueMail` (a receipt): the webhook route then dispatches right after
   * answering. False for everything else, so an event that mailed nothing costs no outbox read.
   */
  mailQueued: boolean
}

export function handled(outcome: EventOutcome, mailQueued = false): Handled {
  return { outcome, mailQueued }
}

/**
 * The bodies Stripe signed, by the event parsed from each: the ledger keeps a webhook's payload byte for byte as
 * received (and need not serialise the event again). Events read from Stripe's API (reconciliation, which has no
 * signed body) are stored as their JSON. Held weakly: gone with the request's event.
 */
const signedPayloads = new WeakMap<Stripe.Event, string>()

/** The webhook route, once the signature holds: `payload` is what the ledger row of `event` stores. */
export function keepSignedPayload(event: Stripe.Event, payload: string): void {
  signedPayloads.set(event, payload)
}

export function ledgerRow(event: Stripe.Event, now: number, via: string): typeof stripeEvents.$inferInsert {
  const object = event.data.object as { id?: unknown }
  return {
    id: event.id,
    type: event.type,
    createdAt: event.created * 1000,
    objectId: typeof object.id === 'string' ? object.id : null,
    paymentIntentId: paymentIntentOf(event),
    receivedAt: now,
    processedAt: now,
    via,
    payload: signedPayloads.get(event) ?? JSON.stringify(event),
  }
}

/** Records an event that changes nothing here (an unknown type): still answered 2xx, still deduplicated. */
export async function recordOnly(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  event: Stripe.Event,
  via: string,
): Promise<Handled> {
  const [inserted] = await db.batch([
    db
      .insert(stripeEvents)
      .values(ledgerRow(event, clock.now(), via))
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id }),
  ])
  return handled(inserted.length ? 'ignored' : 'duplicate')
}

/**
 * The PaymentIntent an event is about: sessions, charges and disputes name it as `payment_intent`, as did invoices
 * before API 2025-03-31.basil; an InvoicePayment (`invoice_payment.paid`, the link from a subscription's invoice
 * to the payment that paid it) as `payment.payment_intent`.
 */
export function paymentIntentOf(event: Stripe.Event): string | null {
  const object = event.data.object as { payment_intent?: unknown; payment?: { payment_intent?: unknown } }
  const reference = object.payment_intent ?? object.payment?.payment_intent
  if (typeof reference === 'string') return reference
  const expanded = reference as { id?: unknown } | null | undefined
  return typeof expanded?.id === 'string' ? expanded.id : null
}

/** Every stored money fact (refunds, disputes) about one PaymentIntent: one query, any arrival order. */
export function moneyFactsQuery(db: Deps['db'], paymentIntentId: string | null) {
  return db
    .select({ payload: stripeEvents.payload })
    .from(stripeEvents)
    .where(
      and(
        eq(stripeEvents.paymentIntentId, paymentIntentId ?? ''),
        inArray(stripeEvents.type, [...moneyFactTypes]),
      ),
    )
}

export function toMoneyFact(payload: string): MoneyFact {
  const event = JSON.parse(payload) as Stripe.Event
  return { type: event.type, created: event.created, object: event.data.object as MoneyFact['object'] }
}

/**
 * Guards a write batch whose decision folded `count` stored money facts about a PaymentIntent: if a refund or
 * dispute about it committed after that read, the batch aborts and the event is processed again with it.
 */
export function moneyFactsUnchanged(db: Db, paymentIntentId: string, count: number) {
  return guardStatement(
    db,
    'money_facts',
    sql`(select count(*) from stripe_events where payment_intent_id = ${paymentIntentId}
      and type in (${sql.join(
        moneyFactTypes.map((type) => sql`${type}`),
        sql`, `,
      )})) = ${count}`,
  )
}

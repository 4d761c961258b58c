/**
 * A routine renewal, applied from its paid invoice in one batch, without asking Stripe. `invoice.paid` for a new
 * period of a subscription this database already holds, active and on the same tier, is the commonest event a
 * shop receives (every member, every period). The invoice proves the period is paid, and a paid period only
 * ever moves access forward, so the entitlement is extended to the period's end.
 *
 * What counts as routine is checked inside the batch, when it runs, so no earlier read can go stale: the
 * subscription is active (or trialing), and the entitlement to the tier the invoice pays for is active and does
 * not already reach past this period. The ledger row is written only if that holds, and the rows change only if
 * the period is new to them. Otherwise (a first payment, a recovery from past_due, a tier change, a cancelled or
 * revoked subscription, an older invoice) the batch writes nothing and the event takes the general path in
 * subscription-events.ts, which re-reads the subscription from Stripe. The batch also looks the event up in the
 * ledger first, so a redelivery (which writes nothing either) is answered as a duplicate without another read.
 *
 * It leaves `stripe_object_at` alone: a full read is always newer than an invoice, and lands over it. (A full
 * read made before the renewal at Stripe and written after this can shorten access again; the renewal's own
 * `customer.subscription.updated`, read back from Stripe, then restores it.)
 */
import type Stripe from 'stripe'
import { rawBatch, rawSql } from '../db/client'
import type { Deps } from '../deps'
import { newId } from '../lib/ids'
import { type Handled, handled, ledgerRow } from './ledger'
import { paidRenewalOf } from './subscription-rules'

/**
 * Applies a paid renewal from the invoice in one round trip. Otherwise: a `duplicate` outcome when the ledger
 * already held the event, `'unseen'` when it did not and the event needs the general path (which can then skip
 * its own ledger check), and null when the event is no paid renewal at all (nothing was read).
 */
export async function applyPaidRenewal(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  event: Stripe.Event,
  via: string,
): Promise<Handled | 'unseen' | null> {
  const renewal = paidRenewalOf(event.data.object as Parameters<typeof paidRenewalOf>[0])
  if (!renewal) return null
  const now = clock.now()
  const endsAt = renewal.periodEnd * 1000
  // Checked by every statement when the batch runs: another event about this subscription that committed first
  // (a cancellation, a tier change, a newer period) leaves this one nothing to write. The entitlement's own state
  // says the invoice's tier is current: a tier change lapses the old tier's, and an invoice whose subscription
  // had a downgrade waiting never comes here (paidRenewalOf).
  const routine = rawSql`s.stripe_subscription_id = ${renewal.subscriptionId} and s.status in ('active', 'trialing')`
  // The tier's entitlement, active, not reaching past this period (while active it ends with the period).
  const tierEntitlement = rawSql`e.source = 'subscription' and e.source_id = ${renewal.subscriptionId}
    and e.offer_id = ${renewal.offerId} and e.state = 'active' and e.ends_at <= ${endsAt}`
  const subscriptionActive = rawSql`exists (select 1 from subscriptions s where ${routine})`
  const tierHeld = rawSql`exists (select 1 from entitlements e where ${tierEntitlement})`
  const ledger = ledgerRow(event, now, via)
  // Raw statements (db/client.ts): this is the commonest event, and drizzle building these five statements
  // cost more CPU per event than SQLite running them (bench/webhook-ingest.ts).
  const [seen, recorded] = await rawBatch(db, [
    // Whether an earlier delivery is in the ledger, read before this batch writes its own row.
    rawSql`select id from stripe_events where id = ${event.id}`,
    rawSql`insert or ignore into stripe_events (id, type, created_at, object_id, payment_intent_id,
        received_at, processed_at, via, payload)
      select ${ledger.id}, ${ledger.type}, ${ledger.createdAt}, ${ledger.objectId ?? null},
        ${ledger.paymentIntentId ?? null}, ${ledger.receivedAt}, ${ledger.processedAt ?? null}, ${ledger.via ?? via},
        ${ledger.payload}
      where ${subscriptionActive} and ${tierHeld}
      returning id`,
    // History first: it is written only for an entitlement the update below moves.
    rawSql`insert or ignore into entitlement_changes (id, creator_id, entitlement_id, change, cause_type,
        cause_id, state_after, ends_at_after, at)
      select ${newId('entitlementChange', now)}, e.creator_id, e.id, 'extend', 'stripe_event', ${event.id},
        'active', ${endsAt}, ${now}
      from entitlements e where ${tierEntitlement} and e.ends_at < ${endsAt} and ${subscriptionActive}`,
    rawSql`update entitlements as e set ends_at = ${endsAt}, updated_at = ${now}
      where ${tierEntitlement} and e.ends_at < ${endsAt} and ${subscriptionActive}`,
    rawSql`update subscriptions as s set status = 'active', current_period_end_at = ${endsAt},
        updated_at = ${now}
      where ${routine} and ${tierHeld} and (s.status != 'active' or s.current_period_end_at is not ${endsAt})`,
  ])
  if (seen) return handled('duplicate')
  return recorded ? handled('processed') : 'unseen'
}

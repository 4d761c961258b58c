/**
 * Reconciliation: a missed webhook heals itself. Lists Stripe's events since the newest one already in the
 * ledger (Stripe keeps 30 days of events) and runs every unseen one, oldest first, through the same handlers as
 * the webhook. Safe to run at any time and from many places at once: the ledger makes each event apply once.
 */
import { desc, ne } from 'drizzle-orm'
import type Stripe from 'stripe'
import { stripeEvents } from '../db/schema'
import type { Deps } from '../deps'
import { dayMs } from '../lib/time'
import { processStripeEvent } from './process-event'

/** Events older than this are gone from Stripe's Events API anyway. */
const retentionMs = 30 * dayMs
/**
 * Look back an hour before the newest held event: Stripe gives several events the same second, a webhook that
 * failed may be older than one that succeeded after it, and events can become listable slightly out of
 * `created` order. Already-held ids are skipped by the ledger, so the overlap costs reads, not effects.
 */
const overlapSeconds = 3_600
/** One run reads at most this many events; the next run continues from where the ledger then stands. */
const maxEventsPerRun = 2_000

export interface ReconcileReport {
  listed: number
  processed: number
  duplicate: number
  ignored: number
  failed: number
}

export async function reconcile(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'stripe' | 'config'>,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { listed: 0, processed: 0, duplicate: 0, ignored: 0, failed: 0 }
  if (!deps.stripe) return report
  const { db, clock, logger } = deps
  const [newest] = await db
    .select({ createdAt: stripeEvents.createdAt })
    .from(stripeEvents)
    // Success-page records are our own, stamped with our clock; only Stripe's events set the cursor.
    .where(ne(stripeEvents.via, 'checkout_success'))
    .orderBy(desc(stripeEvents.createdAt))
    .limit(1)
  const since = Math.max(newest ? newest.createdAt : 0, clock.now() - retentionMs)
  const events: Stripe.Event[] = []
  for await (const event of deps.stripe.events.list({
    created: { gte: Math.floor(since / 1000) - overlapSeconds },
    limit: 100,
  })) {
    events.push(event)
    if (events.length >= maxEventsPerRun) break
  }
  report.listed = events.length
  // Stripe lists newest first; apply in the order things happened.
  events.sort((a, b) => a.created - b.created)
  for (const event of events) {
    try {
      const { outcome } = await processStripeEvent(deps, event, 'reconcile')
      report[outcome]++
    } catch (error) {
      // One bad event must not block the rest; it stays unrecorded and the next run retries it.
      report.failed++
      logger.error('reconcile: event failed', { eventId: event.id, type: event.type, error })
    }
  }
  logger.info('reconciled', { ...report })
  return report
}

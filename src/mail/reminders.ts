/**
 * Pass-expiry reminders. A tier pass (a one-time payment for `term_days`, the Alipay / WeChat Pay way to be a
 * member) does not renew by itself, so a week before it ends the buyer gets one mail with a renew link.
 *
 * Two round trips whatever the number of passes: one read finds every pass due a reminder, one write batch queues
 * each mail and stamps `reminder_sent_at`. Safe to run from many places at once: the stamp is guarded by
 * `reminder_sent_at is null` and the mail by its dedupe key, so a pass gets one reminder, ever.
 */
import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, ne, notExists, or, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { alias } from 'drizzle-orm/sqlite-core'
import { writeBatch } from '../db/client'
import { buyers, creators, entitlements, type Locale, offers, orders, prices } from '../db/schema'
import type { Deps } from '../deps'
import { dayMs } from '../lib/time'
import { queueMail } from './outbox'
import { passReminderMail } from './templates'

/** How long before a pass ends its reminder goes out. */
export const reminderLeadMs = 7 * dayMs
/** Passes handled per run; a longer backlog is taken by the next run. */
const maxPerRun = 200

export async function queuePassReminders({
  db,
  clock,
  config,
}: Pick<Deps, 'db' | 'clock' | 'config'>): Promise<{ queued: number }> {
  // Cron runs have no request to take an origin from: the renew link needs the configured public URL.
  if (!config.PUBLIC_URL) throw new Error('PUBLIC_URL is not set: pass reminders cannot link to a renewal')
  const publicUrl = config.PUBLIC_URL.replace(/\/+$/, '')
  const now = clock.now()
  // A pass bought while this one runs starts at its end (or a subscription covers the same tier): the buyer has
  // already renewed, and a reminder would ask them to pay twice.
  const later = alias(entitlements, 'later')
  const renewed = db
    .select({ id: later.id })
    .from(later)
    .where(
      and(
        eq(later.buyerId, entitlements.buyerId),
        eq(later.offerId, entitlements.offerId),
        ne(later.id, entitlements.id),
        inArray(later.state, ['active', 'grace']),
        or(isNull(later.endsAt), gt(later.endsAt, entitlements.endsAt)),
      ),
    )
  const due = await db
    .select({
      entitlementId: entitlements.id,
      offerId: entitlements.offerId,
      offerTitle: offers.title,
      endsAt: sql<number>`${entitlements.endsAt}`,
      email: buyers.email,
      locale: sql<Locale>`coalesce(${buyers.locale}, ${creators.locale})`,
      timeZone: sql<string>`coalesce(${offers.timeZone}, ${creators.timeZone})`,
    })
    .from(entitlements)
    .innerJoin(orders, eq(orders.id, entitlements.sourceId))
    .innerJoin(prices, eq(prices.id, orders.priceId))
    .innerJoin(offers, eq(offers.id, entitlements.offerId))
    .innerJoin(buyers, eq(buyers.id, entitlements.buyerId))
    .innerJoin(creators, eq(creators.id, entitlements.creatorId))
    .where(
      and(
        eq(entitlements.source, 'order'),
        eq(entitlements.state, 'active'),
        isNull(entitlements.reminderSentAt),
        gt(entitlements.endsAt, now),
        lte(entitlements.endsAt, now + reminderLeadMs),
        eq(offers.kind, 'tier'),
        eq(prices.interval, 'once'),
        isNotNull(prices.termDays),
        notExists(renewed),
      ),
    )
    .orderBy(asc(entitlements.endsAt))
    .limit(maxPerRun)
  if (!due.length) return { queued: 0 }

  const statements: BatchItem<'sqlite'>[] = []
  for (const reminder of due) {
    const content = passReminderMail({
      locale: reminder.locale,
      offerTitle: reminder.offerTitle,
      endsAt: reminder.endsAt,
      renewUrl: `${publicUrl}/buy/${encodeURIComponent(reminder.offerId)}?rail=wallet`,
      timeZone: reminder.timeZone,
    })
    statements.push(
      queueMail(db, { to: reminder.email, ...content, dedupeKey: `reminder:${reminder.entitlementId}` }, now),
      db
        .update(entitlements)
        .set({ reminderSentAt: now })
        .where(and(eq(entitlements.id, reminder.entitlementId), isNull(entitlements.reminderSentAt)))
        .returning({ id: entitlements.id }),
    )
  }
  const results = await writeBatch(db, statements)
  // Every second result is a stamp; a concurrent run that stamped first leaves it empty.
  const queued = results.filter((result, index) => index % 2 === 1 && Array.isArray(result) && result.length)
  return { queued: queued.length }
}

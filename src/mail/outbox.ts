/**
 * The transactional outbox. A verb that must tell someone something (a receipt, a sign-in link, a reminder) puts
 * `queueMail(...)` into its own write batch: the mail row exists if and only if the business change committed,
 * and nothing calls a mail provider while a batch is open. `dispatchMails` sends due rows later — from the Worker's
 * cron, the Node timer, or right after a response (`dispatchAfterResponse`).
 *
 * Delivery is at-least-once towards the provider and exactly-once in practice: a dispatcher claims a row with a
 * conditional update that also pushes `next_attempt_at` forward, so two dispatchers never send the same mail, and
 * the row id travels as the provider's idempotency key for the rare crash between sending and marking.
 */
import { and, asc, eq, isNull, lt, lte, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Context } from 'hono'
import type { Db } from '../db/client'
import { mails } from '../db/schema'
import type { Deps } from '../deps'
import { normaliseEmail } from '../lib/email'
import { newId } from '../lib/ids'
import type { MailAttachment, OutgoingMail } from './mailer'

export interface MailDraft {
  to: string
  subject: string
  text: string
  html?: string
  attachments?: MailAttachment[]
  /**
   * At most one mail per key, ever: `receipt:<order id>`, `reminder:<entitlement id>`. A replayed webhook or a
   * second scheduler run queues nothing new.
   */
  dedupeKey?: string
}

/** A mail is tried this many times, then left with its last error for a human to read. */
export const maxAttempts = 5

/** Wait before the next try after attempt n fails (index n - 1): 1 min, 5 min, 30 min, 2 h. */
export const retryDelaysMs = [60_000, 5 * 60_000, 30 * 60_000, 2 * 60 * 60_000] as const

/** Longest error text kept per mail; provider messages are short, stack traces are not wanted. */
const maxErrorLength = 500

/**
 * The insert that queues `draft`, for the caller's own write batch. A draft whose `dedupeKey` was queued before
 * is a no-op (`on conflict (dedupe_key) do nothing`).
 *
 * @example
 * await writeBatch(db, [...grantStatements(db, grant), queueMail(db, { to, ...receiptMail(input), dedupeKey }, now)])
 */
export function queueMail(db: Db, draft: MailDraft, now: number): BatchItem<'sqlite'> {
  return db
    .insert(mails)
    .values({
      id: newId('mail', now),
      dedupeKey: draft.dedupeKey ?? null,
      to: normaliseEmail(draft.to),
      subject: draft.subject,
      text: draft.text,
      html: draft.html ?? null,
      attachments: draft.attachments?.length ? JSON.stringify(draft.attachments) : null,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: mails.dedupeKey })
}

export interface DispatchReport {
  sent: number
  failed: number
}

/**
 * Sends up to `limit` due mails, one at a time. Costs one read, then per mail one claim, one send and one mark:
 * marking right after each send keeps the window in which a crash could resend a mail to one request.
 */
export async function dispatchMails(
  { db, clock, logger, mailer }: Pick<Deps, 'db' | 'clock' | 'logger' | 'mailer'>,
  { limit = 20 }: { limit?: number } = {},
): Promise<DispatchReport> {
  const report: DispatchReport = { sent: 0, failed: 0 }
  const now = clock.now()
  const due = await db
    .select({ id: mails.id })
    .from(mails)
    .where(and(isNull(mails.sentAt), lte(mails.nextAttemptAt, now), lt(mails.attempts, maxAttempts)))
    .orderBy(asc(mails.nextAttemptAt), asc(mails.id))
    .limit(limit)

  for (const { id } of due) {
    // The claim: only one dispatcher's update matches a due row, and pushing next_attempt_at forward is also the
    // lease — if this process dies mid-send, the mail becomes due again after the backoff. SQLite evaluates every
    // SET expression against the row as it was, so the delay is chosen by the attempts made before this one.
    const [claimed] = await db
      .update(mails)
      .set({
        attempts: sql`${mails.attempts} + 1`,
        nextAttemptAt: sql`${now} + case ${mails.attempts} ${sql.raw(
          retryDelaysMs.map((delay, index) => `when ${index} then ${delay}`).join(' '),
        )} else ${retryDelaysMs[retryDelaysMs.length - 1]} end`,
      })
      .where(
        and(
          eq(mails.id, id),
          isNull(mails.sentAt),
          lte(mails.nextAttemptAt, now),
          lt(mails.attempts, maxAttempts),
        ),
      )
      .returning()
    if (!claimed) continue // another dispatcher has it

    try {
      await mailer.send(outgoing(claimed))
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, maxErrorLength)
      await db.update(mails).set({ error: message }).where(eq(mails.id, id))
      report.failed++
      const givenUp = claimed.attempts >= maxAttempts
      logger[givenUp ? 'error' : 'warn'](givenUp ? 'mail given up' : 'mail send failed', {
        mailId: id,
        attempts: claimed.attempts,
        error: message,
      })
      continue
    }
    await db.update(mails).set({ sentAt: clock.now(), error: null }).where(eq(mails.id, id))
    report.sent++
  }
  return report
}

/**
 * Sends what is due right after the response, so a sign-in link does not wait for the next cron run: on Workers
 * through `waitUntil` (the isolate stays alive until it settles), on Node as a detached promise. Never throws.
 */
export function dispatchAfterResponse(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'mailer'>,
  c: Context,
): void {
  const run = dispatchMails(deps).then(
    () => undefined,
    (error: unknown) => deps.logger.error('mail dispatch failed', { error }),
  )
  try {
    c.executionCtx.waitUntil(run)
  } catch {
    // No execution context (Node, app.request in tests): the promise runs on its own.
  }
}

function outgoing(row: typeof mails.$inferSelect): OutgoingMail {
  return {
    id: row.id,
    to: row.to,
    subject: row.subject,
    text: row.text,
    ...(row.html ? { html: row.html } : {}),
    ...(row.attachments ? { attachments: JSON.parse(row.attachments) as MailAttachment[] } : {}),
  }
}

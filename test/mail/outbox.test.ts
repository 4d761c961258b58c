import { createClient } from '@libsql/client'
import { sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { dbFromD1, dbFromLibsql, writeBatch } from '../../src/db/client'
import { auditLog } from '../../src/db/schema'
import type { Mailer, OutgoingMail } from '../../src/mail/mailer'
import {
  dispatchAfterResponse,
  dispatchMails,
  type MailDraft,
  maxAttempts,
  queueMail,
  retryDelaysMs,
} from '../../src/mail/outbox'
import { countRows, createTestContext, recordingMailer, type TestContext } from '../helpers'

let ctx: TestContext

beforeEach(async () => {
  ctx = await createTestContext()
})

const draft = (overrides: Partial<MailDraft> = {}): MailDraft => ({
  to: 'reader@example.com',
  subject: 'Hello',
  text: 'Hello there',
  ...overrides,
})

async function queue(...drafts: MailDraft[]) {
  await writeBatch(
    ctx.deps.db,
    drafts.map((d) => queueMail(ctx.deps.db, d, ctx.clock.now())),
  )
}

/** Ids are time-sortable but random within one millisecond: order by something the test controls. */
async function mailRows(orderBy = 'created_at, dedupe_key, "to", subject') {
  return (await ctx.sql.execute(`select * from mails order by ${orderBy}`)).rows
}

describe('queueMail', () => {
  it('queues a mail due now, with attachments kept as JSON and the address normalised', async () => {
    const attachment = {
      filename: 'invite.ics',
      contentType: 'text/calendar; method=PUBLISH',
      content: 'QkVHSU4=',
    }
    await queue(draft({ to: ' Reader@Example.com ', html: '<p>Hello</p>', attachments: [attachment] }))
    const [row] = await mailRows()
    expect(row).toMatchObject({
      to: 'reader@example.com',
      subject: 'Hello',
      html: '<p>Hello</p>',
      attempts: 0,
      next_attempt_at: ctx.clock.now(),
      sent_at: null,
      error: null,
    })
    expect(String(row?.id)).toMatch(/^mal_/)
    expect(JSON.parse(String(row?.attachments))).toEqual([attachment])
  })

  it('queues one mail per dedupe key, however often it is queued', async () => {
    await queue(draft({ dedupeKey: 'receipt:ord_1' }))
    await queue(draft({ dedupeKey: 'receipt:ord_1', subject: 'Second try' }))
    await queue(draft({ dedupeKey: 'receipt:ord_1' }), draft({ dedupeKey: 'receipt:ord_2' }))
    const rows = await mailRows()
    expect(rows.map((row) => [row.dedupe_key, row.subject])).toEqual([
      ['receipt:ord_1', 'Hello'],
      ['receipt:ord_2', 'Hello'],
    ])
  })

  it('queues mails without a dedupe key every time', async () => {
    await queue(draft(), draft())
    expect(await countRows(ctx, 'mails')).toBe(2)
  })

  it('leaves no mail when the batch it rides in fails', async () => {
    const { db } = ctx.deps
    const now = ctx.clock.now()
    const failing = writeBatch(db, [
      queueMail(db, draft({ dedupeKey: 'receipt:ord_1' }), now),
      // The business change fails (here: a NOT NULL violation), so the whole batch rolls back.
      db.run(
        sql`insert into audit_log (id, actor_type, action, subject_type, subject_id, at) values ('aud_x', 'system', null, 'x', 'x', 0)`,
      ),
    ])
    await expect(failing).rejects.toThrow()
    expect(await countRows(ctx, 'mails')).toBe(0)
    // And the same batch without the failure commits both.
    await writeBatch(db, [
      queueMail(db, draft({ dedupeKey: 'receipt:ord_1' }), now),
      db.insert(auditLog).values({
        id: 'aud_y',
        actorType: 'system',
        action: 'x',
        subjectType: 'x',
        subjectId: 'x',
        at: now,
      }),
    ])
    expect(await countRows(ctx, 'mails')).toBe(1)
  })
})

describe('dispatchMails', () => {
  it('sends due mails and marks them sent; a second run sends nothing', async () => {
    const attachment = { filename: 'a.txt', contentType: 'text/plain', content: 'aGk=' }
    await queue(draft({ html: '<p>Hi</p>', attachments: [attachment] }), draft({ to: 'two@example.com' }))
    expect(await dispatchMails(ctx.deps)).toEqual({ sent: 2, failed: 0 })
    expect(ctx.mails.map((mail) => mail.to).sort()).toEqual(['reader@example.com', 'two@example.com'])
    const first = ctx.mails.find((mail) => mail.to === 'reader@example.com')
    expect(first).toMatchObject({ subject: 'Hello', text: 'Hello there', html: '<p>Hi</p>' })
    expect(first?.attachments).toEqual([attachment])
    expect(first?.id).toMatch(/^mal_/)
    const rows = await mailRows()
    expect(rows.map((row) => [row.sent_at, row.attempts])).toEqual([
      [ctx.clock.now(), 1],
      [ctx.clock.now(), 1],
    ])
    expect(await dispatchMails(ctx.deps)).toEqual({ sent: 0, failed: 0 })
    expect(ctx.mails).toHaveLength(2)
  })

  it('sends at most `limit` mails per run, oldest first', async () => {
    await queue(draft({ subject: 'one' }))
    ctx.clock.advance(1)
    await queue(draft({ subject: 'two' }), draft({ subject: 'three' }))
    expect(await dispatchMails(ctx.deps, { limit: 2 })).toEqual({ sent: 2, failed: 0 })
    expect(ctx.mails[0]?.subject).toBe('one')
    expect(await dispatchMails(ctx.deps, { limit: 2 })).toEqual({ sent: 1, failed: 0 })
  })

  it('does not send a mail queued for later', async () => {
    await queue(draft())
    await ctx.sql.execute({ sql: 'update mails set next_attempt_at = ?', args: [ctx.clock.now() + 1] })
    expect(await dispatchMails(ctx.deps)).toEqual({ sent: 0, failed: 0 })
    ctx.clock.advance(1)
    expect(await dispatchMails(ctx.deps)).toEqual({ sent: 1, failed: 0 })
  })

  it('sends each mail exactly once with two dispatchers on two connections at the same time', async () => {
    const count = 30
    await queue(...Array.from({ length: count }, (_, i) => draft({ subject: `mail ${i}` })))
    // A second dispatcher as another process would be: its own client on the same database file (on D1, another
    // isolate's drizzle over the same database).
    const other = ctx.d1
      ? null
      : createClient({ url: `file:${String((await ctx.sql.execute('pragma database_list')).rows[0]?.file)}` })
    const otherDb = ctx.d1 ? dbFromD1(ctx.d1) : dbFromLibsql(other as ReturnType<typeof createClient>)
    const second = recordingMailer()
    // A mailer that yields, so the two dispatchers interleave between claim, send and mark.
    const slow = (inner: Mailer): Mailer => ({
      kind: inner.kind,
      send: async (mail) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5))
        await inner.send(mail)
      },
    })
    const first = recordingMailer()
    try {
      const reports = await Promise.all([
        dispatchMails({ ...ctx.deps, mailer: slow(first) }, { limit: 100 }),
        dispatchMails({ ...ctx.deps, db: otherDb, mailer: slow(second) }, { limit: 100 }),
      ])
      const sent: OutgoingMail[] = [...first.sent, ...second.sent]
      expect(sent).toHaveLength(count)
      expect(new Set(sent.map((mail) => mail.id)).size).toBe(count)
      expect(reports[0].sent + reports[1].sent).toBe(count)
      // Both took part: the claim, not luck in scheduling, kept them apart.
      expect(first.sent.length).toBeGreaterThan(0)
      expect(second.sent.length).toBeGreaterThan(0)
      const rows = await mailRows()
      expect(rows.every((row) => row.sent_at !== null && row.attempts === 1)).toBe(true)
    } finally {
      other?.close()
    }
  })

  it('records the error and retries after 1, 5, 30 and 120 minutes, then gives up after 5 attempts', async () => {
    const mailer = recordingMailer()
    mailer.failNext(100)
    const deps = { ...ctx.deps, mailer }
    await queue(draft())
    expect(await dispatchMails(deps)).toEqual({ sent: 0, failed: 1 })
    let [row] = await mailRows()
    expect(row).toMatchObject({ attempts: 1, sent_at: null, error: 'mail provider unavailable (test)' })
    expect(row?.next_attempt_at).toBe(ctx.clock.now() + 60_000)

    expect(retryDelaysMs).toEqual([60_000, 300_000, 1_800_000, 7_200_000])
    for (const [index, delay] of retryDelaysMs.entries()) {
      // Not a moment early.
      ctx.clock.advance(delay - 1)
      expect(await dispatchMails(deps)).toEqual({ sent: 0, failed: 0 })
      ctx.clock.advance(1)
      expect(await dispatchMails(deps)).toEqual({ sent: 0, failed: 1 })
      ;[row] = await mailRows()
      expect(row?.attempts).toBe(index + 2)
    }
    expect(row?.attempts).toBe(maxAttempts)
    expect(ctx.logger.lines.some((line) => line.includes('mail given up'))).toBe(true)
    // Given up: never tried again, however long we wait.
    ctx.clock.advance(30 * 86_400_000)
    mailer.failNext(0)
    expect(await dispatchMails(deps)).toEqual({ sent: 0, failed: 0 })
    expect(mailer.sent).toEqual([])
  })

  it('sends on the next try after a failure, and clears the error', async () => {
    const mailer = recordingMailer()
    mailer.failNext(1)
    const deps = { ...ctx.deps, mailer }
    await queue(draft())
    expect(await dispatchMails(deps)).toEqual({ sent: 0, failed: 1 })
    ctx.clock.advance(60_000)
    expect(await dispatchMails(deps)).toEqual({ sent: 1, failed: 0 })
    const [row] = await mailRows()
    expect(row).toMatchObject({ attempts: 2, error: null, sent_at: ctx.clock.now() })
    expect(mailer.sent).toHaveLength(1)
  })

  it('leaves a claimed mail alone until its lease runs out (a dispatcher that died mid-send)', async () => {
    await queue(draft())
    // Claimed by a dispatcher that then crashed: attempts and next_attempt_at moved, nothing marked.
    await ctx.sql.execute({
      sql: 'update mails set attempts = 1, next_attempt_at = ?',
      args: [ctx.clock.now() + 60_000],
    })
    expect(await dispatchMails(ctx.deps)).toEqual({ sent: 0, failed: 0 })
    ctx.clock.advance(60_000)
    expect(await dispatchMails(ctx.deps)).toEqual({ sent: 1, failed: 0 })
  })

  it('costs one read and, per mail, a claim and a mark', async () => {
    await queue(draft(), draft())
    ctx.roundTrips.count = 0
    await dispatchMails(ctx.deps)
    expect(ctx.roundTrips.count).toBe(1 + 2 * 2)
    ctx.roundTrips.count = 0
    await dispatchMails(ctx.deps)
    expect(ctx.roundTrips.count).toBe(1)
  })
})

describe('dispatchAfterResponse', () => {
  it('sends what a request queued without holding up its response', async () => {
    const app = new Hono().post('/queue', async (c) => {
      await queue(draft({ subject: 'Your sign-in link' }))
      dispatchAfterResponse(ctx.deps, c)
      return c.text('queued')
    })
    const response = await app.request('/queue', { method: 'POST' })
    expect(await response.text()).toBe('queued')
    await vi.waitFor(() => expect(ctx.mails.map((mail) => mail.subject)).toEqual(['Your sign-in link']))
  })

  it('hands the dispatch to waitUntil where the runtime has one (Workers)', async () => {
    const waited: Promise<unknown>[] = []
    const app = new Hono().post('/queue', async (c) => {
      await queue(draft())
      dispatchAfterResponse(ctx.deps, c)
      return c.text('queued')
    })
    const executionCtx = {
      waitUntil: (p: Promise<unknown>) => waited.push(p),
      passThroughOnException() {},
      props: {},
    }
    await app.request('/queue', { method: 'POST' }, undefined, executionCtx)
    expect(waited).toHaveLength(1)
    await Promise.all(waited)
    expect(ctx.mails).toHaveLength(1)
  })

  it('logs a failed dispatch instead of throwing', async () => {
    const closed = createClient({ url: 'file::memory:' })
    closed.close()
    const broken = { ...ctx.deps, db: dbFromLibsql(closed) }
    const app = new Hono().post('/queue', async (c) => {
      dispatchAfterResponse(broken, c)
      return c.text('ok')
    })
    expect((await app.request('/queue', { method: 'POST' })).status).toBe(200)
    await vi.waitFor(() => expect(ctx.logger.lines.join('\n')).toContain('mail dispatch failed'))
  })
})

/**
 * Test harness: a fresh libSQL file database per call with the migrations applied, Deps over it with a
 * controllable clock, a memory logger and a recording mailer, and small request helpers around `app.request()`.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { createCreator } from '../src/accounts/creators'
import { apiDocument } from '../src/api-document'
import { createApp } from '../src/app'
import type { Stripe } from '../src/billing/stripe-client'
import { parseConfig } from '../src/config'
import { countRoundTrips, dbFromD1, dbFromLibsql, type RoundTripCounter } from '../src/db/client'
import { applyMigrations } from '../src/db/migrate'
import { readMigrations } from '../src/db/migrations-fs'
import type { Deps } from '../src/deps'
import { memoryLogger } from '../src/lib/logger'
import type { Mailer, OutgoingMail } from '../src/mail/mailer'
import { dispatchMails } from '../src/mail/outbox'
import { countD1RoundTrips, d1Sql, freshD1, testingOnD1 } from './d1'

export const adminToken = 'test-admin-token-0123456789abcdef'

export interface TestClock {
  now(): number
  set(ms: number): void
  advance(ms: number): void
}

export function testClock(start = Date.UTC(2026, 10, 23, 12, 0, 0)): TestClock {
  let current = start
  return {
    now: () => current,
    set: (ms) => {
      current = ms
    },
    advance: (ms) => {
      current += ms
    },
  }
}

export interface TestContext {
  deps: Deps
  app: ReturnType<typeof createApp>
  roundTrips: RoundTripCounter
  clock: TestClock
  logger: ReturnType<typeof memoryLogger>
  /** Raw SQL access for assertions (uncounted). */
  sql: ReturnType<typeof createClient>
  /** Under `QUANZI_TEST_DB=d1`: the app's D1 database, for a test that needs a second view of it. */
  d1?: D1Database
  /**
   * What the default mailer was handed, oldest first. Verbs only queue mails; `deliverMails(ctx)` dispatches
   * them. Stays empty when `options.mailer` replaces the default.
   */
  mails: OutgoingMail[]
}

/** A mailer that keeps what it is given; `failNext(n)` makes the next n sends throw. */
export function recordingMailer(): Mailer & { sent: OutgoingMail[]; failNext(count?: number): void } {
  const sent: OutgoingMail[] = []
  let failures = 0
  return {
    kind: 'outbox',
    sent,
    failNext(count = 1) {
      failures = count
    },
    async send(mail) {
      if (failures > 0) {
        failures--
        throw new Error('mail provider unavailable (test)')
      }
      sent.push(mail)
    },
  }
}

/** The run's temp folder (test/global-setup.ts removes it), or the system one when run without it. */
function testRoot(): string {
  return process.env.QUANZI_TEST_TMP ?? tmpdir()
}

/** A fresh libSQL file in a temp folder, migrated: the app's database, counted, and the test's own client. */
async function libsqlDatabase(roundTrips: RoundTripCounter) {
  const dir = mkdtempSync(join(testRoot(), 'db-'))
  const sql = createClient({ url: `file:${join(dir, 'test.db')}` })
  await applyMigrations(sql, await readMigrations())
  return { db: dbFromLibsql(countRoundTrips(sql, roundTrips)), sql, d1: undefined }
}

/** A fresh D1 database (`QUANZI_TEST_DB=d1`), migrated: the app's database, counted, and the test's own view. */
async function d1Database(roundTrips: RoundTripCounter) {
  // miniflare's D1 binding is workerd's own object; workers-types describes the same API.
  const binding = (await freshD1()) as unknown as D1Database
  // ctx.sql over D1 implements `execute` and `close`, all the suite uses of @libsql/client's Client.
  const sql = d1Sql(binding) as unknown as ReturnType<typeof createClient>
  return { db: dbFromD1(countD1RoundTrips(binding, roundTrips)), sql, d1: binding }
}

/** A fresh database (a libSQL file, or D1 under `QUANZI_TEST_DB=d1`), migrated, with an app over it. */
export async function createTestContext(
  env: Record<string, string> = {},
  options: { stripe?: Stripe; mailer?: Mailer } = {},
): Promise<TestContext> {
  const roundTrips: RoundTripCounter = { count: 0 }
  const { db, sql, d1 } = testingOnD1 ? await d1Database(roundTrips) : await libsqlDatabase(roundTrips)
  const clock = testClock()
  const logger = memoryLogger()
  const recorder = recordingMailer()
  const deps: Deps = {
    db,
    config: parseConfig(
      {
        ADMIN_TOKEN: adminToken,
        PUBLIC_URL: 'http://localhost:8787',
        SESSION_SECRET: 'test-session-secret-0123456789abcdef',
        ...env,
      },
      'node',
    ),
    clock,
    logger,
    stripe: options.stripe ?? null,
    mailer: options.mailer ?? recorder,
  }
  return {
    deps,
    app: createApp(deps, { apiDocument }),
    roundTrips,
    clock,
    logger,
    sql,
    mails: recorder.sent,
    ...(d1 ? { d1 } : {}),
  }
}

/** Sends every due mail through the context's mailer (as the cron or timer would) and returns `ctx.mails`. */
export async function deliverMails(ctx: TestContext): Promise<OutgoingMail[]> {
  await dispatchMails(ctx.deps, { limit: 100 })
  return ctx.mails
}

/** Creates a creator directly through the verb; returns its API key and id. */
export async function givenCreator(
  ctx: TestContext,
  overrides: Partial<Parameters<typeof createCreator>[1]> = {},
): Promise<{ id: string; slug: string; key: string }> {
  const slug = overrides.slug ?? `creator-${Math.random().toString(36).slice(2, 8)}`
  const result = await createCreator(
    ctx.deps,
    { slug, name: `Creator ${slug}`, email: `${slug}@example.com`, ...overrides },
    { type: 'system', id: 'test' },
  )
  return { id: result.creator.id, slug, key: result.apiKey.key }
}

type Json = Record<string, unknown> | unknown[]

/** Sends a JSON request as a creator (or anyone, with key = null). */
export async function api(
  ctx: TestContext,
  method: string,
  path: string,
  options: { key?: string | null; body?: Json | string; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies and assert on their fields.
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.key) headers.authorization = `Bearer ${options.key}`
  let body: string | undefined
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
    headers['content-type'] ??= 'application/json'
  }
  const response = await ctx.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers }
}

/** Counts rows of a table, for "a rejected request writes nothing" assertions. */
export async function countRows(ctx: TestContext, table: string): Promise<number> {
  const result = await ctx.sql.execute(`select count(*) as n from ${table}`)
  return Number(result.rows[0]?.n ?? 0)
}

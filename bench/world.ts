/**
 * The bench's world: a fresh libSQL file in a temp folder with the migrations applied (as test/helpers.ts
 * does), Deps over it with the real clock, and one creator's shop built through the app's own API. Members are
 * inserted by SQL (`addMembers`), so the scale scenario can seed 100,000 of them in seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Client } from '@libsql/client'
import { createCreator } from '../src/accounts/creators'
import { apiDocument } from '../src/api-document'
import { createApp } from '../src/app'
import { createStripe } from '../src/billing/stripe-client'
import { parseConfig } from '../src/config'
import { countRoundTrips, dbFromLibsql, type RoundTripCounter } from '../src/db/client'
import { applyMigrations } from '../src/db/migrate'
import { readMigrations } from '../src/db/migrations-fs'
import { createLocalClient, useWal } from '../src/db/open-node'
import type { Deps } from '../src/deps'
import type { FakeStripe } from '../src/dev/local-stripe'
import { randomToken, sha256Hex } from '../src/lib/crypto'
import { createLogger } from '../src/lib/logger'
import { dayMs, systemClock } from '../src/lib/time'
import type { Mailer } from '../src/mail/mailer'

export const adminToken = 'bench-admin-token-0123456789abcdef'

export interface Shop {
  creatorId: string
  creatorSlug: string
  apiKey: string
  tierId: string
  courseId: string
  lessonId: string
  /** A live post for tier rank ≥ 1 members. */
  postSlug: string
  postId: string
}

export interface Member {
  buyerId: string
  email: string
  /** The `cookie` header value: `qz_session=…`. */
  cookie: string
}

export interface World {
  dir: string
  url: string
  /** Raw client for seeding and EXPLAIN (its calls are not counted). */
  client: Client
  /** Round trips the app made since the last reset (`counter.count = 0`). */
  counter: RoundTripCounter
  deps: Deps
  app: ReturnType<typeof createApp>
  shop: Shop
  /** Member number 1, signed in: holds an active entitlement to the tier. */
  member: Member
  close(): void
}

/** Mail is queued in the database by the verbs; nothing is sent during a bench. */
const silentMailer: Mailer = { kind: 'outbox', async send() {} }

export async function createWorld(
  options: {
    fake?: FakeStripe
    members?: number
    changes?: number
    /** Wraps the client the app uses (inside the round-trip counter), e.g. to classify statements. */
    wrap?: (client: Client) => Client
  } = {},
): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'quanzi-bench-'))
  const url = `file:${join(dir, 'bench.db')}`
  const client = createLocalClient(url)
  // The Node server's settings (WAL, busy timeout): the baselines open the same file.
  await useWal(client)
  await applyMigrations(client, await readMigrations())
  const counter: RoundTripCounter = { count: 0 }
  const deps: Deps = {
    db: dbFromLibsql(countRoundTrips(options.wrap ? options.wrap(client) : client, counter)),
    config: parseConfig(
      {
        ADMIN_TOKEN: adminToken,
        PUBLIC_URL: 'http://localhost:8787',
        SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
        LOG_LEVEL: 'error',
        ...(options.fake ? { STRIPE_WEBHOOK_SECRET: options.fake.webhookSecret } : {}),
      },
      'node',
    ),
    clock: systemClock,
    // Errors still print: a bench that silently measured 500s would be worse than none.
    logger: createLogger('error', (line) => console.error(line)),
    stripe: options.fake ? createStripe('sk_test_bench', options.fake.url, { maxNetworkRetries: 0 }) : null,
    mailer: silentMailer,
  }
  // As the Node entry serves it (the Worker serves the document as a static asset).
  const app = createApp(deps, { apiDocument })
  const shop = await createShop(deps, app)
  const member = await addMembers(client, shop, {
    members: options.members ?? 1,
    changes: options.changes ?? 0,
  })
  return {
    dir,
    url,
    client,
    counter,
    deps,
    app,
    shop,
    member,
    close() {
      client.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

type App = ReturnType<typeof createApp>

/** Sends a JSON request with the creator's key and returns the parsed body; any non-2xx stops the bench. */
async function call(app: App, key: string, method: string, path: string, body: unknown) {
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return JSON.parse(text) as { id: string; slug?: string }
}

/** A creator with a rank-1 tier, a course with one lesson, and a members-only post, made through the API. */
async function createShop(deps: Deps, app: App): Promise<Shop> {
  const created = await createCreator(
    deps,
    { slug: 'bench-club', name: 'Bench club', email: 'bench-club@example.com' },
    { type: 'system', id: 'bench' },
  )
  const key = created.apiKey.key
  const tier = await call(app, key, 'POST', '/api/v1/offers', {
    kind: 'tier',
    slug: 'inner-circle',
    title: 'Inner circle',
    rank: 1,
    status: 'live',
    prices: [{ amount: 20000, currency: 'CNY', interval: 'year' }],
  })
  const course = await call(app, key, 'POST', '/api/v1/offers', {
    kind: 'course',
    slug: 'writing-101',
    title: 'Writing 101',
    description: 'Learn to write.',
    status: 'live',
    prices: [{ amount: 19900, currency: 'CNY', interval: 'once' }],
  })
  const lesson = await call(app, key, 'POST', `/api/v1/offers/${course.id}/lessons`, {
    title: 'Lesson one',
    body: 'A paragraph about writing.\n\n'.repeat(20),
  })
  const post = await call(app, key, 'POST', '/api/v1/posts', {
    title: 'Members notes',
    slug: 'members-notes',
    excerpt: 'What we read this week.',
    // About 1.5 KB of Markdown: a short post, so the bench measures the read path rather than rendering.
    body: 'A paragraph for members only, about the week’s reading.\n\n'.repeat(25),
    audience: { type: 'tier', min_rank: 1 },
    status: 'live',
  })
  return {
    creatorId: created.creator.id,
    creatorSlug: 'bench-club',
    apiKey: key,
    tierId: tier.id,
    courseId: course.id,
    lessonId: lesson.id,
    postSlug: post.slug ?? 'members-notes',
    postId: post.id,
  }
}

/**
 * Inserts `members` buyers, each with an active tier entitlement and a live session, and `changes`
 * entitlement_changes rows spread over them: large batched `insert … select` over recursive CTEs, so 100,000
 * members and 1,000,000 changes take seconds. Member 1's session hash is the SHA-256 of a real cookie value.
 */
export async function addMembers(
  client: Client,
  shop: Shop,
  { members, changes }: { members: number; changes: number },
): Promise<Member> {
  const now = Date.now()
  const cookieValue = randomToken(32)
  const hash = await sha256Hex(cookieValue)
  const numbers = (count: number) =>
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})`
  const args = {
    creator: shop.creatorId,
    tier: shop.tierId,
    now,
    starts: now - dayMs,
    ends: now + 365 * dayMs,
  }
  await client.batch(
    [
      {
        sql: `${numbers(members)} insert into buyers (id, email, name, created_at, updated_at)
          select 'buy_bench' || i, 'member' || i || '@example.com', 'Member ' || i, :now, :now from n`,
        args,
      },
      {
        sql: `${numbers(members)} insert into entitlements (id, creator_id, buyer_id, offer_id, source, source_id,
            starts_at, ends_at, state, created_at, updated_at)
          select 'ent_bench' || i, :creator, 'buy_bench' || i, :tier, 'admin', 'bench' || i, :starts, :ends,
            'active', :now, :now from n`,
        args,
      },
      {
        sql: `${numbers(members)} insert into sessions (id_hash, role, buyer_id, expires_at, created_at)
          select printf('%064x', i), 'buyer', 'buy_bench' || i, :ends, :now from n where i > 1`,
        args,
      },
      {
        sql: `insert into sessions (id_hash, role, buyer_id, expires_at, created_at)
          values (:hash, 'buyer', 'buy_bench1', :ends, :now)`,
        args: { hash, ends: args.ends, now },
      },
    ],
    'write',
  )
  if (changes > 0)
    await client.execute({
      sql: `${numbers(changes)} insert into entitlement_changes (id, creator_id, entitlement_id, change,
          cause_type, cause_id, state_after, ends_at_after, at)
        select 'chg_bench' || i, :creator, 'ent_bench' || (i % ${members} + 1), 'extend', 'admin',
          'bench' || i, 'active', :ends, :now - i from n`,
      args: { creator: shop.creatorId, ends: args.ends, now },
    })
  return { buyerId: 'buy_bench1', email: 'member1@example.com', cookie: `qz_session=${cookieValue}` }
}

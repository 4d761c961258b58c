/**
 * The bundled Worker in workerd with D1: the paths that differ by runtime (bindings, Web Crypto, Intl, the D1
 * driver). The bundle is built by wrangler itself (`wrangler deploy --dry-run`, the same command as
 * `npm run build:worker`), configured from wrangler.toml, and run by miniflare's Node API — the workerd
 * binary wrangler 4.86 ships. No network: the dry run never talks to Cloudflare.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Miniflare } from 'miniflare'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { unstable_readConfig } from 'wrangler'
import { sha256Hex } from '../../src/lib/crypto'
import { type D1, migrateD1 } from '../d1'

const root = fileURLToPath(new URL('../../', import.meta.url))
const wranglerBin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js')

const secrets = {
  ADMIN_TOKEN: 'worker-admin-token-0123456789abcdef',
  SESSION_SECRET: 'worker-session-secret-0123456789abcdef0123',
  STRIPE_SECRET_KEY: 'sk_test_worker_0123456789abcdef',
  STRIPE_WEBHOOK_SECRET: 'whsec_worker_0123456789abcdef',
  MAIL_API_KEY: 're_worker_0123456789abcdef',
  MAIL_FROM: 'quanzi <hello@example.com>',
}

let outDir: string
let metafile: {
  inputs: Record<string, unknown>
  outputs: Record<string, { imports: { path: string }[]; inputs: Record<string, { bytesInOutput: number }> }>
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'quanzi-worker-'))
  await promisify(execFile)(
    process.execPath,
    [
      wranglerBin,
      'deploy',
      '--dry-run',
      '--outdir',
      outDir,
      '--minify',
      '--metafile',
      join(outDir, 'meta.json'),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        // A dry run needs no account, but wrangler would still send telemetry and, for its banner, ask npm for
        // a newer version: network calls the suite must not depend on. CI=true rules out any prompt.
        CI: 'true',
        WRANGLER_SEND_METRICS: 'false',
        WRANGLER_HIDE_BANNER: 'true',
        WRANGLER_LOG_PATH: outDir,
      },
      timeout: 60_000,
    },
  )
  metafile = JSON.parse(await readFile(join(outDir, 'meta.json'), 'utf8'))
}, 60_000)

/** The inputs that reached the bundle: esbuild lists every file it parsed as an input, shaken out or not. */
function metafileInputsEmitted(): string[] {
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  )
}

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true })
})

describe('bundle', () => {
  it('imports no Node built-in and none of the Node-only modules', () => {
    // Without nodejs_compat wrangler only warns about a `node:*` import and leaves it external, and miniflare
    // then refuses to load the Worker at all. Check the build itself, so the failure names the import.
    const externals = Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path))
    expect(externals).toEqual([])
    const inputs = Object.keys(metafile.inputs)
    expect(inputs).toContain('src/worker.ts')
    // Nothing under src/dev/ (local Stripe, local checkout, dev outbox) reaches the Worker at all.
    expect(inputs.filter((input) => input.startsWith('src/dev/'))).toEqual([])
    for (const nodeOnly of [
      'src/db/migrations-fs.ts',
      'src/db/open-node.ts',
      'src/node.ts',
      'src/cli.ts',
      'src/dev/local-payments.tsx',
      'src/dev/local-stripe/server.ts',
      'src/dev/outbox.tsx',
    ])
      expect(inputs).not.toContain(nodeOnly)
    // The default build is D1's: no libSQL client at all (src/worker-turso.ts is the Turso build's entry).
    expect(inputs).not.toContain('src/worker-turso.ts')
    const emitted = metafileInputsEmitted()
    expect(emitted.filter((input) => input.includes('node_modules/@libsql/'))).toEqual([])
    // The Stripe SDK stays out: src/billing/stripe-client.ts speaks Stripe's API itself; the SDK's types are erased.
    expect(inputs.filter((input) => input.includes('node_modules/stripe/'))).toEqual([])
  })

  it('takes zod/mini with its English messages only, and no other translation', () => {
    const emitted = metafileInputsEmitted()
    expect(emitted.filter((input) => input.includes('zod/v4/classic/'))).toEqual([])
    expect(emitted.filter((input) => input.includes('zod/v4/locales/'))).toEqual([
      'node_modules/zod/v4/locales/en.js',
    ])
  })
})

describe('in workerd', () => {
  let binding: string
  let mf: Miniflare
  /** Same bundle, deployed without STRIPE_WEBHOOK_SECRET. */
  let misconfigured: Miniflare
  /** What each Worker printed: console.log goes to workerd's stdout, startup errors to its stderr. */
  const output: string[] = []
  const misconfiguredOutput: string[] = []
  /**
   * Stands in for Resend (`POST /emails`) and for Stripe (any `/v1/…`, refused with a 400 so the client does not
   * retry): the cron's reconcile fails while its reminders and mail still go out.
   */
  let provider: Server
  const providerRequests: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = []

  beforeAll(async () => {
    provider = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => {
        body += chunk
      })
      request.on('end', () => {
        providerRequests.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
        })
        const stripe = (request.url ?? '').startsWith('/v1/')
        response.writeHead(stripe ? 400 : 200, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify(
            stripe ? { error: { type: 'invalid_request_error', message: 'test' } } : { id: 'email_1' },
          ),
        )
      })
    })
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve))
    const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`
    // Read the compatibility date, flags, vars and D1 binding through wrangler's own config reader, so this
    // runs what `wrangler deploy` would upload and fails if wrangler.toml stops validating.
    const config = unstable_readConfig({ config: join(root, 'wrangler.toml') })
    const d1 = config.d1_databases[0]
    if (!d1?.database_id) throw new Error('wrangler.toml declares no D1 database')
    binding = d1.binding
    // The static assets (the API document, written by the dry run's build command), served ahead of the Worker.
    if (!config.assets?.directory) throw new Error('wrangler.toml declares no assets directory')
    const assets = { directory: join(root, config.assets.directory), routerConfig: { has_user_worker: true } }
    const startWorker = (bindings: Record<string, string>, printed: string[]) =>
      new Miniflare({
        modules: true,
        scriptPath: join(outDir, 'worker.js'),
        // Module names are paths relative to modulesRoot (default: the cwd). The bundle lives in a temp folder
        // outside the repo, and workerd refuses a module named `../…` ("can't use '..' to break out of
        // starting directory"), which miniflare reports only as "The Workers runtime failed to start".
        modulesRoot: outDir,
        compatibilityDate: config.compatibility_date,
        compatibilityFlags: config.compatibility_flags,
        // In-memory D1 (no d1Persist): each Miniflare starts with an empty database.
        d1Databases: { [d1.binding]: d1.database_id as string },
        assets,
        bindings: { ...(config.vars as Record<string, string>), ...bindings },
        // Keep the Worker's JSON log lines out of the test output, and keep them for assertions.
        handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
          for (const stream of [stdout, stderr]) stream.on('data', (chunk) => printed.push(String(chunk)))
        },
      })
    const { STRIPE_WEBHOOK_SECRET: _leftOut, ...withoutWebhookSecret } = secrets
    mf = startWorker(
      {
        ...secrets,
        PUBLIC_URL: 'https://quanzi.test',
        MAIL_API_BASE: providerUrl,
        STRIPE_API_BASE: providerUrl,
      },
      output,
    )
    misconfigured = startWorker(
      { ...withoutWebhookSecret, PUBLIC_URL: 'https://quanzi.test' },
      misconfiguredOutput,
    )
    try {
      await Promise.all([mf.ready, misconfigured.ready])
    } catch (error) {
      // miniflare says only "failed to start"; workerd's reason is in what it printed.
      throw new Error(`workerd did not start:\n${[...output, ...misconfiguredOutput].join('')}`, {
        cause: error,
      })
    }
    await migrateD1(await mf.getD1Database(binding))
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([mf?.dispose(), misconfigured?.dispose()])
    provider?.closeAllConnections()
    await new Promise((resolve) => provider?.close(resolve))
  })

  async function givenCreator(slug: string): Promise<string> {
    const created = await send(mf, 'POST', '/api/v1/admin/creators', {
      key: secrets.ADMIN_TOKEN,
      body: { slug, name: `Creator ${slug}`, email: `${slug}@example.com` },
    })
    expect(created.status, created.text).toBe(201)
    return created.body.api_key.key
  }

  describe('over D1', () => {
    it('creates a creator through the admin API and its key reads it back', async () => {
      const created = await send(mf, 'POST', '/api/v1/admin/creators', {
        key: secrets.ADMIN_TOKEN,
        body: { slug: 'worker-club', name: '读书会', email: 'Chen@Example.com', time_zone: 'Asia/Shanghai' },
      })
      expect(created.status, created.text).toBe(201)
      expect(created.body.creator).toMatchObject({
        slug: 'worker-club',
        email: 'chen@example.com',
        time_zone: 'Asia/Shanghai',
      })
      const key: string = created.body.api_key.key
      expect(key).toMatch(/^qz_[A-Za-z0-9_-]{32}$/)

      const me = await send(mf, 'GET', '/api/v1/creator', { key })
      expect(me.status, me.text).toBe(200)
      expect(me.body).toMatchObject({ id: created.body.creator.id, slug: 'worker-club', name: '读书会' })

      // The rows are in D1, and the key is stored as the same SHA-256 hex that Node computes.
      const db = await mf.getD1Database(binding)
      const stored = await db
        .prepare('select k.hash from api_keys k join creators c on c.id = k.creator_id where c.slug = ?')
        .bind('worker-club')
        .all<{ hash: string }>()
      expect(stored.results).toEqual([{ hash: await sha256Hex(key) }])
    })

    it('creates an offer and reads it back', async () => {
      const key = await givenCreator('worker-offers')
      const created = await send(mf, 'POST', '/api/v1/offers', {
        key,
        body: {
          kind: 'course',
          slug: 'intro',
          title: 'Intro course',
          prices: [{ amount: 19900, currency: 'CNY', interval: 'once' }],
        },
      })
      expect(created.status, created.text).toBe(201)
      expect(created.contentType).toContain('application/json')
      expect(created.body.id).toMatch(/^off_/)
      expect(created.body.prices[0].amount).toBe(19900)

      const read = await send(mf, 'GET', `/api/v1/offers/${created.body.id}`, { key })
      expect(read.status, read.text).toBe(200)
      expect(read.body).toMatchObject({ id: created.body.id, kind: 'course' })

      const db = await mf.getD1Database(binding)
      const prices = await db
        .prepare('select amount, currency, interval from prices where offer_id = ?')
        .bind(created.body.id)
        .all()
      expect(prices.results).toEqual([{ amount: 19900, currency: 'CNY', interval: 'once' }])
    })

    it('validates with zod, and serves the OpenAPI document as a static asset', async () => {
      const key = await givenCreator('worker-zod')
      const refused = await send(mf, 'POST', '/api/v1/offers', {
        key,
        body: {
          kind: 'course',
          slug: 'x',
          title: '',
          prices: [{ amount: -1, currency: 'CNY', interval: 'once' }],
        },
      })
      expect(refused.status, refused.text).toBe(422)
      expect(refused.contentType).toBe('application/problem+json')
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(
        expect.arrayContaining(['title', 'prices.0.amount']),
      )
      // zod/mini's English messages are configured (src/lib/zod.ts): its own issue texts, not "Invalid input".
      for (const error of refused.body.errors) expect(error.message).not.toBe('Invalid input')

      const doc = await send(mf, 'GET', '/openapi.json')
      expect(doc.status, doc.text).toBe(200)
      expect(doc.contentType).toMatch(/^application\/json/)
      expect(doc.body.openapi).toMatch(/^3\./)
      expect(doc.body.paths['/api/v1/offers'].post.requestBody).toBeDefined()
      // The bundle has no route of its own for it (no JSON Schema converter inside): the asset answered.
      expect(metafileInputsEmitted()).not.toContain('src/lib/openapi-document.ts')
    })

    it('verifies Stripe webhook signatures with Web Crypto in workerd', async () => {
      // Signed by the real SDK (Node side); verified by src/billing/webhook-signature.ts inside workerd.
      const payload = JSON.stringify({
        id: 'evt_worker_signed',
        object: 'event',
        type: 'customer.created',
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: 'cus_worker', object: 'customer' } },
      })
      const post = (signature: string, body = payload) =>
        mf.dispatchFetch('http://quanzi.test/webhooks/stripe', {
          method: 'POST',
          headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
          body,
        })
      const signature = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: secrets.STRIPE_WEBHOOK_SECRET,
      })
      const tampered = await post(signature, payload.replace('cus_worker', 'cus_other'))
      expect(tampered.status, await tampered.text()).toBe(400)
      const accepted = await post(signature)
      expect(accepted.status, await accepted.text()).toBe(200)
      const db = await mf.getD1Database(binding)
      const ledger = await db
        .prepare('select type from stripe_events where id = ?')
        .bind('evt_worker_signed')
        .all()
      expect(ledger.results).toEqual([{ type: 'customer.created' }])
    })

    it('answers an unknown route with a 404 problem', async () => {
      const res = await send(mf, 'GET', '/nope')
      expect(res.status).toBe(404)
      expect(res.contentType).toBe('application/problem+json')
      expect(res.body).toMatchObject({ status: 404, title: 'Not found', instance: '/nope' })
    })
  })

  describe('cron trigger', () => {
    it('queues a pass reminder and sends it through Resend, even though reconciliation fails', async () => {
      const key = await givenCreator('worker-cron')
      const tier = await send(mf, 'POST', '/api/v1/offers', {
        key,
        body: {
          kind: 'tier',
          slug: 'member',
          title: '会员',
          rank: 1,
          status: 'live',
          prices: [{ amount: 3000, currency: 'CNY', interval: 'once', term_days: 30 }],
        },
      })
      expect(tier.status, tier.text).toBe(201)
      // What a paid pass leaves behind, ending in six days (workerd runs on the real clock).
      const db = await mf.getD1Database(binding)
      const creatorId = await creatorIdOf(db, 'worker-cron')
      const now = Date.now()
      await db.batch([
        db
          .prepare(
            "insert into buyers (id, email, locale, created_at, updated_at) values ('buy_cron', 'cron@example.com', 'en', ?1, ?1)",
          )
          .bind(now),
        db
          .prepare(
            `insert into orders (id, creator_id, offer_id, price_id, buyer_id, email, mode, rail, amount, currency,
              term_days, status, created_at, updated_at)
            values ('ord_cron', ?1, ?2, ?3, 'buy_cron', 'cron@example.com', 'payment', 'wallet', 3000, 'CNY', 30, 'paid', ?4, ?4)`,
          )
          .bind(creatorId, tier.body.id, tier.body.prices[0].id, now),
        db
          .prepare(
            `insert into entitlements (id, creator_id, buyer_id, offer_id, source, source_id, starts_at, ends_at, state,
              created_at, updated_at)
            values ('ent_cron', ?1, 'buy_cron', ?2, 'order', 'ord_cron', ?3, ?4, 'active', ?3, ?3)`,
          )
          .bind(creatorId, tier.body.id, now - 24 * 86_400_000, now + 6 * 86_400_000),
      ])

      const worker = await mf.getWorker()
      await worker.scheduled({ cron: '*/15 * * * *' })

      await vi.waitFor(
        async () => {
          const sent = await db
            .prepare("select sent_at from mails where dedupe_key = 'reminder:ent_cron'")
            .first<{ sent_at: number | null }>()
          expect(sent?.sent_at).toBeTypeOf('number')
        },
        { timeout: 10_000 },
      )
      const mails = providerRequests.filter((request) => request.url === '/emails')
      expect(mails).toHaveLength(1)
      expect(mails[0]?.headers.authorization).toBe(`Bearer ${secrets.MAIL_API_KEY}`)
      const body = JSON.parse(mails[0]?.body ?? '{}')
      expect(body).toMatchObject({ from: secrets.MAIL_FROM, to: ['cron@example.com'] })
      expect(body.subject).toMatch(/^“会员” ends on /)
      expect(body.text).toContain(`https://quanzi.test/buy/${tier.body.id}?rail=wallet`)
      // Reconciliation asked the stand-in Stripe, failed, and said so; it did not stop the mail.
      expect(providerRequests.some((request) => request.url.startsWith('/v1/events'))).toBe(true)
      await vi.waitFor(() => expect(output.join('')).toContain('reconcile failed'), { timeout: 5_000 })
      expect(output.join('')).not.toContain(secrets.MAIL_API_KEY)

      // The next run finds nothing new to remind or send.
      await worker.scheduled({ cron: '*/15 * * * *' })
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(providerRequests.filter((request) => request.url === '/emails')).toHaveLength(1)
    })
  })

  describe('with a required secret missing', () => {
    const requests: [string, string, { key?: string; body?: unknown }][] = [
      ['GET', '/healthz', {}],
      ['GET', '/nope', {}],
      ['GET', '/api/v1/creator', { key: 'qz_whatever' }],
      ['POST', '/api/v1/admin/creators', { key: secrets.ADMIN_TOKEN, body: { slug: 'x' } }],
    ]

    it('answers every request with a 500 problem naming the missing secret and no secret value', async () => {
      for (const [method, path, options] of requests) {
        const res = await send(misconfigured, method, path, options)
        expect(res.status, `${method} ${path}`).toBe(500)
        expect(res.contentType).toBe('application/problem+json')
        expect(res.body).toMatchObject({ status: 500, type: '/problems/misconfigured', instance: path })
        expect(res.body.detail).toContain('STRIPE_WEBHOOK_SECRET')
        // Only what is missing is named; the secrets that are set are neither named nor shown.
        expect(res.body.detail).not.toMatch(
          /ADMIN_TOKEN|SESSION_SECRET|STRIPE_SECRET_KEY|MAIL_API_KEY|MAIL_FROM/,
        )
        for (const value of Object.values(secrets)) expect(res.text).not.toContain(value)
      }
    })

    it('logs it once per isolate, without secret values', async () => {
      for (const [method, path, options] of requests) await send(misconfigured, method, path, options)
      // workerd's stdout reaches the test asynchronously, shortly after the responses.
      await vi.waitFor(() => expect(misconfiguredOutput.join('')).toContain('refusing to serve'), {
        timeout: 5_000,
      })
      const printed = misconfiguredOutput.join('')
      // worker.ts builds Deps once per env object; a log line per request would mean it rebuilt every time.
      const lines = printed.split('\n').filter((line) => line.includes('refusing to serve'))
      expect(lines).toHaveLength(1)
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'error', missing: ['STRIPE_WEBHOOK_SECRET'] })
      for (const value of Object.values(secrets)) expect(printed).not.toContain(value)
    })
  })
})

async function creatorIdOf(db: D1, slug: string): Promise<string> {
  const row = await db.prepare('select id from creators where slug = ?').bind(slug).first<{ id: string }>()
  if (!row) throw new Error(`no creator ${slug}`)
  return row.id
}

/**
 * Applies migrations/*.sql the way `wrangler d1 migrations apply` does: its bookkeeping table (the columns and
 * constraints wrangler 4.86 creates), then per file the statements and its `d1_migrations` row. drizzle-kit's
 * `--> statement-breakpoint` markers split the file; one `batch` per file makes it atomic, as wrangler's
 * single multi-statement query is.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies and assert on their fields.
type Answer = { status: number; contentType: string | null; text: string; body: any }

async function send(
  worker: Miniflare,
  method: string,
  path: string,
  options: { key?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (options.key) headers.authorization = `Bearer ${options.key}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  const response = await worker.dispatchFetch(`http://quanzi.test${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, body }
}

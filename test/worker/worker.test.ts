/**
 * The bundled Worker in workerd with D1: the paths that differ by runtime (bindings, Web Crypto, Intl, the D1
 * driver). The bundle is built by wrangler itself (`wrangler deploy --dry-run`, the same command as
 * `npm run build:worker`), configured from wrangler.toml, and run by miniflare's Node API — the workerd
 * binary wrangler 4.86 ships. No network: the dry run never talks to Cloudflare.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { unstable_readConfig } from 'wrangler'
import { splitStatements } from '../../src/db/migrate'
import { readMigrations } from '../../src/db/migrations-fs'
import { sha256Hex } from '../../src/lib/crypto'

const root = fileURLToPath(new URL('../../', import.meta.url))
const wranglerBin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js')

const secrets = {
  ADMIN_TOKEN: 'worker-admin-token-0123456789abcdef',
  SESSION_SECRET: 'worker-session-secret-0123456789abcdef0123',
  STRIPE_SECRET_KEY: 'sk_test_worker_0123456789abcdef',
  STRIPE_WEBHOOK_SECRET: 'whsec_worker_0123456789abcdef',
}

let outDir: string
let metafile: { inputs: Record<string, unknown>; outputs: Record<string, { imports: { path: string }[] }> }

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
    for (const nodeOnly of [
      'src/db/migrations-fs.ts',
      'src/db/open-node.ts',
      'src/node.ts',
      'src/cli.ts',
      'src/dev/local-payments.tsx',
      'src/dev/local-stripe/server.ts',
    ])
      expect(inputs).not.toContain(nodeOnly)
    expect(inputs.filter((input) => /@libsql\/client\/lib-esm\/(node|sqlite3)\.js$/.test(input))).toEqual([])
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

  beforeAll(async () => {
    // Read the compatibility date, flags, vars and D1 binding through wrangler's own config reader, so this
    // runs what `wrangler deploy` would upload and fails if wrangler.toml stops validating.
    const config = unstable_readConfig({ config: join(root, 'wrangler.toml') })
    const d1 = config.d1_databases[0]
    if (!d1?.database_id) throw new Error('wrangler.toml declares no D1 database')
    binding = d1.binding
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
        bindings: { ...(config.vars as Record<string, string>), ...bindings },
        // Keep the Worker's JSON log lines out of the test output, and keep them for assertions.
        handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
          for (const stream of [stdout, stderr]) stream.on('data', (chunk) => printed.push(String(chunk)))
        },
      })
    const { STRIPE_WEBHOOK_SECRET: _leftOut, ...withoutWebhookSecret } = secrets
    mf = startWorker(secrets, output)
    misconfigured = startWorker(withoutWebhookSecret, misconfiguredOutput)
    try {
      await Promise.all([mf.ready, misconfigured.ready])
    } catch (error) {
      // miniflare says only "failed to start"; workerd's reason is in what it printed.
      throw new Error(`workerd did not start:\n${[...output, ...misconfiguredOutput].join('')}`, {
        cause: error,
      })
    }
    await migrate(await mf.getD1Database(binding))
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([mf?.dispose(), misconfigured?.dispose()])
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

    it('answers an unknown route with a 404 problem', async () => {
      const res = await send(mf, 'GET', '/nope')
      expect(res.status).toBe(404)
      expect(res.contentType).toBe('application/problem+json')
      expect(res.body).toMatchObject({ status: 404, title: 'Not found', instance: '/nope' })
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
        expect(res.body.detail).not.toMatch(/ADMIN_TOKEN|SESSION_SECRET|STRIPE_SECRET_KEY/)
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

type D1 = Awaited<ReturnType<Miniflare['getD1Database']>>

/**
 * Applies migrations/*.sql the way `wrangler d1 migrations apply` does: its bookkeeping table (the columns and
 * constraints wrangler 4.86 creates), then per file the statements and its `d1_migrations` row. drizzle-kit's
 * `--> statement-breakpoint` markers split the file; one `batch` per file makes it atomic, as wrangler's
 * single multi-statement query is.
 */
async function migrate(db: D1): Promise<void> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)',
  )
  for (const migration of await readMigrations()) {
    await db.batch([
      ...splitStatements(migration.sql).map((statement) => db.prepare(statement)),
      db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(migration.name),
    ])
  }
}

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

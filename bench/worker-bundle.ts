/**
 * The Worker bundle as `npm run build:worker` writes it (wrangler dry run, minified, dist/worker): raw and gzip
 * size of worker.js. Then cold start: the bundle in miniflare (workerd) with an in-memory D1 and the secrets,
 * timed from `new Miniflare(...)` to the first answer of /healthz (`select 1` in D1) — workerd's own start-up included, since a
 * cold isolate on Cloudflare also loads and evaluates the whole bundle before it can answer. The same is timed
 * for a bare Worker (one line asking D1 the same, same bindings), alternating with the bundle, so that what
 * the bundle itself costs a cold start (loading and evaluating it) is the difference of the two.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { buildWorker, targetKiB, workerBuilds } from '../scripts/worker-bundle'
import { fixed, type Row } from './table'

const root = fileURLToPath(new URL('../', import.meta.url))

const secrets = {
  ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
  SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123',
  STRIPE_SECRET_KEY: 'sk_test_bench_0123456789abcdef',
  STRIPE_WEBHOOK_SECRET: 'whsec_bench_0123456789abcdef',
  MAIL_API_KEY: 're_bench_0123456789abcdef',
  MAIL_FROM: 'quanzi <hello@example.com>',
  PUBLIC_URL: 'https://quanzi.test',
}

export async function measureWorker(coldStarts: number): Promise<Row[]> {
  // The default build (D1): the one cold start is measured on, with miniflare's D1.
  const build = workerBuilds[0]
  await buildWorker(build)
  const bundle = await readFile(join(build.outDir, build.script))
  const gzip = gzipSync(bundle).length
  const bareDir = await mkdtemp(join(tmpdir(), 'quanzi-bare-worker-'))
  // Like /healthz, it asks D1 for `select 1`: the first D1 query of a fresh miniflare is itself slow.
  const bare =
    "export default { fetch: async (_, env) => Response.json(await env.DB.prepare('select 1').first()) }"
  await writeFile(join(bareDir, 'bare.js'), `${bare}\n`)
  const times: number[] = []
  const bareTimes: number[] = []
  try {
    for (let i = 0; i < coldStarts; i++) {
      bareTimes.push(await coldStart(bareDir, 'bare.js'))
      times.push(await coldStart(build.outDir, build.script))
    }
  } finally {
    await rm(bareDir, { recursive: true, force: true })
  }
  const median = medianOf(times)
  const bareMedian = medianOf(bareTimes)
  return [
    {
      measure: `Worker bundle (${build.name}), raw (KiB)`,
      quanzi: fixed(bundle.length / 1024),
      target: '(reported)',
      met: null,
    },
    {
      measure: `Worker bundle (${build.name}), gzip (KiB, zlib default level)`,
      quanzi: fixed(gzip / 1024),
      target: `≤ ${targetKiB}`,
      met: gzip / 1024 <= targetKiB,
    },
    {
      measure: `cold start in miniflare: new Miniflare → first /healthz (ms, median of ${coldStarts})`,
      quanzi: fixed(median),
      baseline: fixed(bareMedian),
      target: '(reported)',
      met: null,
    },
    {
      measure: 'what loading and evaluating the bundle adds to a cold start (ms, the two medians above)',
      quanzi: fixed(median - bareMedian),
      target: '(reported)',
      met: null,
    },
  ]
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

async function coldStart(outDir: string, script: string): Promise<number> {
  // Loaded here, not at the top: wrangler and miniflare are large and only this scenario needs them.
  const [{ Miniflare }, { unstable_readConfig }] = await Promise.all([
    import('miniflare'),
    import('wrangler'),
  ])
  const config = unstable_readConfig({ config: join(root, 'wrangler.toml') })
  const d1 = config.d1_databases[0]
  if (!d1?.database_id) throw new Error('wrangler.toml declares no D1 database')
  const started = performance.now()
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(outDir, script),
    modulesRoot: outDir,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    d1Databases: { [d1.binding]: d1.database_id },
    bindings: { ...(config.vars as Record<string, string>), ...secrets },
  })
  try {
    const response = await mf.dispatchFetch('http://localhost/healthz')
    await response.text()
    const elapsed = performance.now() - started
    if (response.status !== 200) throw new Error(`/healthz answered ${response.status} in workerd`)
    return elapsed
  } finally {
    await mf.dispose()
  }
}

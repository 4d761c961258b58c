/**
 * The Worker bundle as `npm run build:worker` writes it (wrangler dry run, minified, dist/worker): raw and gzip
 * size of worker.js. Then cold start: the bundle in miniflare (workerd) with an in-memory D1 and the secrets,
 * timed from `new Miniflare(...)` to the first answer of /healthz (`select 1` in D1), workerd's own start-up
 * included, since a cold isolate on Cloudflare also loads and evaluates the whole bundle before it can answer.
 * Beside it, alternating, variants that take the bundle's cost apart: a bare Worker asking D1 the same, then
 * the bundle's bytes, then its parsing (see measureWorker).
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
  // Variants of the same start, alternating, to take the bundle's cost apart: a bare Worker (like /healthz, it
  // asks D1 for `select 1`: the first D1 query of a fresh miniflare is itself slow); the same with the bundle's
  // text as an unused string (its bytes); with the bundle's code inside a function never called (parsing it);
  // and the bundle itself (parsing, evaluating, building the app, answering). Each runs without its source map
  // comment: miniflare would otherwise read and map the 3 MB source map on start, which Cloudflare does not do.
  const code = bundle.toString('utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '')
  const exported = /export\s*\{\s*[\w$]+ as default\s*\};?\s*$/
  if (!exported.test(code)) throw new Error('bench: the bundle does not end with its default export')
  const bare =
    "export default { fetch: async (_, env) => Response.json(await env.DB.prepare('select 1').first()) }"
  const variants = {
    bare: `${bare}\n`,
    bytes: `const unused = ${JSON.stringify(code)}\n${bare}\n`,
    parsed: `function unused() {\n${code.replace(exported, '')}\n}\n${bare}\n`,
    bundle: code,
  }
  const dir = await mkdtemp(join(tmpdir(), 'quanzi-cold-start-'))
  const times = {
    bare: [] as number[],
    bytes: [] as number[],
    parsed: [] as number[],
    bundle: [] as number[],
  }
  try {
    for (const [name, text] of Object.entries(variants)) await writeFile(join(dir, `${name}.js`), text)
    for (let i = 0; i < coldStarts; i++) {
      for (const name of Object.keys(variants) as (keyof typeof variants)[])
        times[name].push(await coldStart(dir, `${name}.js`))
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const median = {
    bare: medianOf(times.bare),
    bytes: medianOf(times.bytes),
    parsed: medianOf(times.parsed),
    bundle: medianOf(times.bundle),
  }
  const part = (measure: string, ms: number): Row => ({
    measure,
    quanzi: fixed(ms),
    target: '(reported)',
    met: null,
  })
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
      measure: `cold start in miniflare: new Miniflare → first /healthz (ms, median of ${coldStarts}), vs a bare Worker`,
      quanzi: fixed(median.bundle),
      baseline: fixed(median.bare),
      target: '(reported)',
      met: null,
    },
    part('what the bundle adds to a cold start (ms, the two medians above)', median.bundle - median.bare),
    part('… of which its bytes (ms: the bundle as an unused string, vs bare)', median.bytes - median.bare),
    part(
      '… of which parsing its code (ms: inside a function never called, vs the string)',
      median.parsed - median.bytes,
    ),
    part('… of which the rest: evaluating, building the app, answering (ms)', median.bundle - median.parsed),
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

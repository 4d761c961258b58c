/**
 * `npx tsx scripts/bundle-floor.ts`: what the default (D1) Worker bundle would weigh without some of its packages, to judge
 * a rewrite before starting it. Each line is a real `wrangler deploy --dry-run --minify` build (as
 * `npm run build:worker`) with the named packages replaced by a do-nothing stub (scripts/stub-module.cjs), so
 * it is a floor: a replacement costs something too. Nothing is deployed or kept.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'

const root = fileURLToPath(new URL('../', import.meta.url))
const stub = './scripts/stub-module.cjs'

const zod = ['zod/mini', 'zod/v4/locales/en.js']
const drizzle = ['drizzle-orm', 'drizzle-orm/batch', 'drizzle-orm/d1', 'drizzle-orm/sqlite-core']

const scenarios: { name: string; without: string[] }[] = [
  { name: 'as deployed (the default build, over D1)', without: [] },
  {
    name: 'without zod (validation at no cost)',
    without: zod,
  },
  {
    name: 'without drizzle-orm (queries at no cost)',
    without: drizzle,
  },
  {
    name: 'without zod and drizzle-orm (what is left: our own code, hono, the D1 driver)',
    without: [...zod, ...drizzle],
  },
]

/**
 * Builds with a copy of wrangler.toml (next to it, so its relative paths hold) with an `[alias]` table mapping
 * each import path in `without` to the stub. An alias names one package or one subpath (a package's alias would
 * turn `pkg/sub` into `stub/sub`), so each path imported is listed.
 */
async function gzipKiB(without: string[]): Promise<number> {
  const outdir = await mkdtemp(join(tmpdir(), 'quanzi-floor-'))
  const config = join(root, '.wrangler-floor.toml')
  try {
    const toml = await readFile(join(root, 'wrangler.toml'), 'utf8')
    if (/^\[alias\]$/m.test(toml))
      throw new Error('wrangler.toml has an [alias] table: merge the stubs into it')
    const stubbed = without.map((path) => `"${path}" = "${stub}"`).join('\n')
    await writeFile(config, `${toml}\n[alias]\n${stubbed}\n`)
    await promisify(execFile)(
      'npx',
      ['wrangler', 'deploy', '--dry-run', '--minify', '--outdir', outdir, '--config', config],
      {
        cwd: root,
        env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true' },
        timeout: 180_000,
      },
    )
    return gzipSync(await readFile(join(outdir, 'worker.js'))).length / 1024
  } finally {
    await rm(outdir, { recursive: true, force: true })
    await rm(config, { force: true })
  }
}

for (const scenario of scenarios)
  console.log(`${(await gzipKiB(scenario.without)).toFixed(1).padStart(7)} KiB gzip  ${scenario.name}`)

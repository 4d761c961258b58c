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

const scenarios: { name: string; without: string[] }[] = [
  { name: 'as deployed (the default build, over D1)', without: [] },
  {
    name: 'without zod and zod-to-openapi (validation and the OpenAPI document at no cost)',
    without: ['zod', '@asteasolutions/zod-to-openapi'],
  },
]

/**
 * Builds with a copy of wrangler.toml (next to it, so its relative paths hold) whose `[alias]` table also maps
 * each package in `without` to the stub. (`wrangler deploy --alias` did not take effect beside the file's table.)
 */
async function gzipKiB(without: string[]): Promise<number> {
  const outdir = await mkdtemp(join(tmpdir(), 'quanzi-floor-'))
  const config = join(root, '.wrangler-floor.toml')
  try {
    const toml = await readFile(join(root, 'wrangler.toml'), 'utf8')
    const stubbed = without.map((pkg) => `"${pkg}" = "${stub}"`).join('\n')
    // Entries added to the existing table (a key given twice would be a TOML error: the stub replaces zod's).
    const lines = toml.split('\n').filter((line) => !without.some((pkg) => line.startsWith(`${pkg} =`)))
    await writeFile(config, lines.join('\n').replace(/^\[alias\]$/m, `[alias]\n${stubbed}`))
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

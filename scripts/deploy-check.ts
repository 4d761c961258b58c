/**
 * `npm run deploy:check`: builds the Worker exactly as `wrangler deploy` would upload it (`npm run build:worker`:
 * dry run, minified, with esbuild's metafile), prints its size and what it is made of, and exits 1 when the
 * gzip size is over the budget. CI runs it after the tests, so a dependency or a feature that bloats the bundle
 * fails the build instead of slowing every cold start unnoticed.
 * The limits are in scripts/worker-bundle.ts: the enforced budget and the (not yet met) target.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { budgetKiB, buildWorker, workerOutDir as outDir, targetKiB } from './worker-bundle'

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>
}

/** Minified bytes per package (node_modules) or per top-level folder of src/, largest first. */
function composition(meta: Metafile): [string, number][] {
  const sizes = new Map<string, number>()
  for (const output of Object.values(meta.outputs))
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1]
      const key = pkg ?? path.split('/').slice(0, 2).join('/')
      sizes.set(key, (sizes.get(key) ?? 0) + input.bytesInOutput)
    }
  return [...sizes].sort((a, b) => b[1] - a[1])
}

async function main() {
  await buildWorker()
  const bundle = await readFile(join(outDir, 'worker.js'))
  const meta = JSON.parse(await readFile(join(outDir, 'meta.json'), 'utf8')) as Metafile
  const gzipKiB = gzipSync(bundle).length / 1024
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
  console.log(
    `Worker bundle dist/worker/worker.js: ${kib(bundle.length)} raw, ${gzipKiB.toFixed(1)} KiB gzip`,
  )
  console.log(`budget (enforced) ${budgetKiB} KiB gzip; target ${targetKiB} KiB gzip`)
  console.log('\nminified size by package or source folder (before gzip):')
  for (const [name, bytes] of composition(meta).slice(0, 15))
    console.log(`  ${kib(bytes).padStart(10)}  ${name}`)
  if (gzipKiB > targetKiB)
    console.log(`\nnot yet at the target: ${(gzipKiB - targetKiB).toFixed(1)} KiB gzip over ${targetKiB} KiB`)
  if (gzipKiB > budgetKiB) {
    console.error(`\ndeploy:check failed: ${gzipKiB.toFixed(1)} KiB gzip is over the ${budgetKiB} KiB budget`)
    process.exit(1)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})

/**
 * `npm run deploy:check`: builds each Worker (D1, the default, and Turso) exactly as `wrangler deploy` would
 * upload it (dry run, minified, with esbuild's metafile), prints its size and what it is made of, and exits 1
 * when a gzip size is over its budget. CI runs it after the tests, so a dependency or a feature that bloats the
 * bundle fails the build instead of slowing every cold start unnoticed.
 * The limits are in scripts/worker-bundle.ts: the enforced budgets and the (not yet met) target.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { buildWorker, targetKiB, type WorkerBuild, workerBuilds } from './worker-bundle'

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

/** Builds and reports one Worker; answers whether it is within its budget. */
async function check(build: WorkerBuild): Promise<boolean> {
  await buildWorker(build)
  const bundle = await readFile(join(build.outDir, build.script))
  const meta = JSON.parse(await readFile(join(build.outDir, 'meta.json'), 'utf8')) as Metafile
  const gzipKiB = gzipSync(bundle).length / 1024
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
  console.log(`\n${build.name} Worker: ${kib(bundle.length)} raw, ${gzipKiB.toFixed(1)} KiB gzip`)
  console.log(`budget (enforced) ${build.budgetKiB} KiB gzip; target ${targetKiB} KiB gzip`)
  console.log('minified size by package or source folder (before gzip):')
  for (const [name, bytes] of composition(meta).slice(0, 15))
    console.log(`  ${kib(bytes).padStart(10)}  ${name}`)
  if (gzipKiB > targetKiB)
    console.log(`not yet at the target: ${(gzipKiB - targetKiB).toFixed(1)} KiB gzip over ${targetKiB} KiB`)
  if (gzipKiB <= build.budgetKiB) return true
  console.error(
    `deploy:check failed: the ${build.name} Worker is ${gzipKiB.toFixed(1)} KiB gzip, over its ${build.budgetKiB} KiB budget`,
  )
  return false
}

async function main() {
  let withinBudget = true
  // One after another: two wrangler builds at once would only compete for the same two cores.
  for (const build of workerBuilds) withinBudget = (await check(build)) && withinBudget
  if (!withinBudget) process.exit(1)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})

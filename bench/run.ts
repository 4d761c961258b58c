/**
 * `npm run bench` (`-- --quick` for a smoke run under a minute, `-- --only=gated` for the steps so named): every figure measured in this run on this
 * machine, printed as one markdown table and written to bench/results/latest.md. Scenarios run one after
 * another, each with its own servers and database, so they do not load each other.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { measureGatedRead } from './gated-read'
import type { LoadOptions } from './load'
import { measureRoundTrips } from './round-trips'
import { measureScale } from './scale'
import { markdownTable, type Row } from './table'
import { measureWebhookIngest } from './webhook-ingest'
import { measureWorker } from './worker-bundle'

const quick = process.argv.includes('--quick')
/** `-- --only "gated read"`: run the steps whose name contains this text (the table then has only their rows). */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))

const load: LoadOptions = quick
  ? { connections: 20, warmupSeconds: 1, seconds: 3 }
  : { connections: 20, warmupSeconds: 2, seconds: 8 }
const scale = quick
  ? {
      small: { members: 1_000, changes: 10_000 },
      large: { members: 10_000, changes: 100_000 },
      requests: 300,
    }
  : {
      small: { members: 1_000, changes: 10_000 },
      large: { members: 100_000, changes: 1_000_000 },
      requests: 2_000,
    }

async function main() {
  const started = performance.now()
  const rows: Row[] = []
  const step = async (name: string, run: () => Promise<Row[]>) => {
    if (only && !name.includes(only)) return
    const at = performance.now()
    process.stderr.write(`bench: ${name}…`)
    rows.push(...(await run()))
    process.stderr.write(` ${((performance.now() - at) / 1000).toFixed(1)} s\n`)
  }
  await step('round trips', measureRoundTrips)
  await step('gated read', () => measureGatedRead(load))
  await step('webhook ingest', () => measureWebhookIngest(load))
  await step('worker bundle and cold start', () => measureWorker(5))
  await step('scale', () => measureScale({ ...scale, explainFile: `${resultsDir}explain.txt` }))

  const seconds = (performance.now() - started) / 1000
  const header = [
    `# quanzi bench${quick ? ' (--quick)' : ''}`,
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ` +
      `load: ${load.connections} connections, ${load.warmupSeconds} s warm-up + ${load.seconds} s per side · ` +
      `whole run ${seconds.toFixed(0)} s. Loads and baselines ran one after another in this one process; ` +
      'a shared machine makes absolute figures noisy: read the ratios.',
    '',
  ].join('\n')
  const table = `${header}\n${markdownTable(rows)}\n`
  await mkdir(resultsDir, { recursive: true })
  await writeFile(`${resultsDir}latest.md`, table)
  console.log(table)
}

main().then(
  // autocannon's worker threads and the fake Stripe's sockets may linger a moment; the table is written.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)

/**
 * Scale: the gated read's median latency with few members against many, and the query plan of what `readPost`
 * sends (one statement, or a batch) at the large size (saved to bench/results/explain.txt for the README). Sequential
 * in-process `app.request` calls: no HTTP, no concurrency, so the difference is the database's.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import type { Client, InStatement } from '@libsql/client'
import { fixed, type Row } from './table'
import { createWorld, type World } from './world'

export interface ScaleOptions {
  small: { members: number; changes: number }
  large: { members: number; changes: number }
  requests: number
  explainFile: string
}

export async function measureScale(options: ScaleOptions): Promise<Row[]> {
  const small = await medianRead(options.small, options.requests)
  const large = await medianRead(options.large, options.requests, options.explainFile)
  const ratio = large.p50 / small.p50
  const size = (s: { members: number; changes: number }) =>
    `${fixed(s.members)} members / ${fixed(s.changes)} changes`
  return [
    {
      measure: `scale: gated read p50 (ms), ${size(options.large)} vs ${size(options.small)}`,
      quanzi: fixed(large.p50, 2),
      baseline: `${fixed(small.p50, 2)} (small)`,
      ratio: fixed(ratio, 2),
      target: 'ratio ≤ 1.3',
      met: ratio <= 1.3,
    },
    {
      measure: `scale: seeding the large database (s)`,
      quanzi: fixed(large.seedSeconds, 1),
      target: '(reported)',
      met: null,
    },
  ]
}

async function medianRead(
  size: { members: number; changes: number },
  requests: number,
  explainFile?: string,
): Promise<{ p50: number; seedSeconds: number }> {
  const batches: InStatement[][] = []
  const seeding = performance.now()
  const world = await createWorld({ ...size, wrap: (client) => recordBatches(client, batches) })
  const seedSeconds = (performance.now() - seeding) / 1000
  try {
    const path = `/c/${world.shop.creatorSlug}/posts/${world.shop.postSlug}`
    const headers = { cookie: world.member.cookie, accept: 'text/html' }
    const times: number[] = []
    for (let i = 0; i < requests + 50; i++) {
      const started = performance.now()
      const response = await world.app.request(path, { headers })
      await response.text()
      if (response.status !== 200) throw new Error(`gated read answered ${response.status}`)
      if (i >= 50) times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    if (explainFile) await explain(world, batches.at(-1) ?? [], size, explainFile)
    return { p50: times[Math.floor(times.length / 2)] ?? Number.NaN, seedSeconds }
  } finally {
    world.close()
  }
}

/**
 * Keeps the statements of every round trip the app sends (a batch, or one statement), so the plans shown are of
 * the SQL actually run.
 */
function recordBatches(client: Client, batches: InStatement[][]): Client {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      if (property === 'batch' || property === 'execute')
        return (statements: InStatement[] | InStatement, ...rest: unknown[]) => {
          batches.push(Array.isArray(statements) ? statements : [statements])
          if (batches.length > 2) batches.shift()
          return Reflect.apply(value, target, [statements, ...rest])
        }
      return value.bind(target)
    },
  })
}

async function explain(
  world: World,
  statements: InStatement[],
  size: { members: number; changes: number },
  file: string,
): Promise<void> {
  const parts = [
    `EXPLAIN QUERY PLAN of the ${statements.length} statement(s) readPost sends in its one round trip`,
    `(GET /c/:creator/posts/:slug, signed-in member), at ${fixed(size.members)} members and ${fixed(size.changes)} entitlement_changes rows.`,
    '',
  ]
  for (const [index, statement] of statements.entries()) {
    const { sql, args } = typeof statement === 'string' ? { sql: statement, args: [] } : statement
    const plan = await world.client.execute({ sql: `explain query plan ${sql}`, args: args ?? [] })
    parts.push(`-- ${index + 1}. ${sql.replace(/\s+/g, ' ')}`)
    for (const row of plan.rows) parts.push(`   ${String(row.detail)}`)
    parts.push('')
  }
  await mkdir(new URL('.', `file://${file}`), { recursive: true })
  await writeFile(file, parts.join('\n'))
}

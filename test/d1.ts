/** D1 in miniflare (workerd, in memory), with quanzi's migrations applied the way `wrangler d1 migrations apply` does. */
import { Miniflare } from 'miniflare'
import { splitStatements } from '../src/db/migrate'
import { readMigrations } from '../src/db/migrations-fs'

export type D1 = Awaited<ReturnType<Miniflare['getD1Database']>>

/** Applies every migration in its own batch, recording each in `d1_migrations` as wrangler does. */
export async function migrateD1(db: D1): Promise<void> {
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

/** A fresh, migrated D1 database; `close` stops its workerd. */
export async function openD1(): Promise<{ d1: D1; close(): Promise<void> }> {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null, { status: 404 }) } }',
    d1Databases: { DB: 'quanzi-test' },
  })
  const d1 = await mf.getD1Database('DB')
  await migrateD1(d1)
  return { d1, close: () => mf.dispose() }
}

/**
 * `QUANZI_TEST_DB=d1` (`npm run test:d1`): createTestContext builds its app over D1 instead of a libSQL file, so
 * the suite's verbs, pages and webhooks run on the database most deployments use. Each test file gets one
 * workerd holding a set of empty D1 databases, and each context takes a fresh one (test/d1-setup.ts disposes
 * them after the file).
 */
export const testingOnD1 = process.env.QUANZI_TEST_DB === 'd1'

const databasesPerRuntime = 48
let pool: { mf: Miniflare; next: number } | null = null
const runtimes: Miniflare[] = []

/**
 * A fresh, migrated D1 database from this file's pool. miniflare's synchronous proxy (every `prepare` goes
 * through it) now and then fails its own `message?.id === id` assertion, seen once in about ten CI runs, and the
 * workerd it happened on answers no proxy call after that: the pool then starts another once and tries again.
 * The D1 run also retries a failed test once (`--retry=1` in package.json), so such a fault in the middle of a
 * test lands here too; the libSQL run, which has no proxy, retries nothing.
 */
export async function freshD1(): Promise<D1> {
  try {
    return await takeFromPool()
  } catch (error) {
    if (!proxyFault(error)) throw error
    pool = null
    return takeFromPool()
  }
}

function proxyFault(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'ERR_ASSERTION'
}

async function takeFromPool(): Promise<D1> {
  if (!pool || pool.next >= databasesPerRuntime) {
    const names = Array.from({ length: databasesPerRuntime }, (_, index) => [
      `DB${index}`,
      `quanzi-test-${index}`,
    ])
    const mf = new Miniflare({
      modules: true,
      script: 'export default { fetch() { return new Response(null, { status: 404 }) } }',
      d1Databases: Object.fromEntries(names),
    })
    runtimes.push(mf)
    pool = { mf, next: 0 }
  }
  const d1 = await pool.mf.getD1Database(`DB${pool.next++}`)
  await migrateD1(d1)
  return d1
}

/** Stops this file's workerd runtimes. */
export async function disposeD1Pool(): Promise<void> {
  pool = null
  await Promise.all(runtimes.splice(0).map((mf) => mf.dispose()))
}

/**
 * Counts D1 round trips as `countRoundTrips` counts libSQL's: one per batch, and one per statement run on its own
 * (`all`, `run`, `first`, `raw`). Statements keep their D1 originals for `batch`, which needs the real objects.
 */
export function countD1RoundTrips(binding: D1Database, counter: { count: number }): D1Database {
  const originals = new WeakMap<object, D1PreparedStatement>()
  const counted = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapper = {
      bind: (...values: unknown[]) => counted(statement.bind(...values)),
      first: (column?: string) => {
        counter.count++
        return column === undefined ? statement.first() : statement.first(column)
      },
      run: () => {
        counter.count++
        return statement.run()
      },
      all: () => {
        counter.count++
        return statement.all()
      },
      raw: (options?: { columnNames?: boolean }) => {
        counter.count++
        return options?.columnNames ? statement.raw({ columnNames: true }) : statement.raw()
      },
    }
    originals.set(wrapper, statement)
    // The methods drizzle calls, with D1's signatures; the rest of the interface is never used here.
    return wrapper as unknown as D1PreparedStatement
  }
  return {
    prepare: (query) => counted(binding.prepare(query)),
    batch: (statements) => {
      counter.count++
      return binding.batch(statements.map((statement) => originals.get(statement) ?? statement))
    },
    exec: (query) => {
      counter.count++
      return binding.exec(query)
    },
    withSession: (constraintOrBookmark) => binding.withSession(constraintOrBookmark),
    dump: () => binding.dump(),
  }
}

type Value = string | number | bigint | ArrayBuffer | null
/** A row as @libsql/client gives it: values by column name and by position. */
type Row = Record<string, Value> & Record<number, Value> & { length: number }

/**
 * `ctx.sql` over D1: `execute(sql | { sql, args })` with positional arguments, answering `{ columns, rows }`
 * as @libsql/client does, for the tests' own reads and set-up writes. Uncounted.
 */
export function d1Sql(binding: D1Database) {
  return {
    async execute(statement: string | { sql: string; args?: unknown[] }, args: unknown[] = []) {
      const query = typeof statement === 'string' ? { sql: statement, args } : statement
      const values = (query.args ?? []).map((value) => (typeof value === 'boolean' ? Number(value) : value))
      const prepared = binding.prepare(query.sql).bind(...values)
      const [columns = [], ...data] = (await prepared.raw({ columnNames: true })) as [string[], ...Value[][]]
      // As @libsql/client builds them: positions and `length` not enumerable, names (the first of a repeated
      // one) enumerable, so `toEqual` against a plain object compares the named values only.
      const rows = data.map((values) => {
        const row: Record<string | number, Value> = {}
        Object.defineProperty(row, 'length', { value: values.length })
        values.forEach((value, index) => {
          Object.defineProperty(row, index, { value })
          const name = columns[index] ?? String(index)
          if (!Object.hasOwn(row, name)) row[name] = value
        })
        return row as Row
      })
      return { columns, rows, rowsAffected: 0, lastInsertRowid: undefined }
    },
    close() {},
  }
}

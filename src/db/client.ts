/**
 * Builds the drizzle database every verb uses, over a libSQL client (file, Turso) or a D1 binding.
 *
 * Both drivers share drizzle's async SQLite query builder and `batch`, which is atomic on libSQL and D1
 * alike. Verbs must not depend on driver-specific `run()` results: use `.returning()` to learn what changed.
 */
import type { Client } from '@libsql/client'
import { is, type SQL, sql } from 'drizzle-orm'
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch'
import { drizzle as drizzleD1 } from 'drizzle-orm/d1'
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql/web'
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import { SQLiteRaw } from 'drizzle-orm/sqlite-core/query-builders/raw'
import * as schema from './schema'

export type Schema = typeof schema

export type Db = BaseSQLiteDatabase<'async', unknown, Schema> & {
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>
}

export function dbFromLibsql(client: Client): Db {
  return drizzleLibsql({ client, schema })
}

/**
 * drizzle over a D1 binding, with two of its D1 batch bugs worked around (both open in drizzle-orm 0.45;
 * test/db/d1-driver.test.ts runs the affected verbs on D1):
 * - A raw statement with bound values (`db.run(sql`…${value}…`)`: the write guards, history rows written with
 *   `insert … select`) cannot be batched: drizzle binds the item's prepared D1 statement, which a raw item never
 *   gets, and the whole batch throws "Cannot read properties of undefined (reading 'bind')" (drizzle-orm#2277).
 *   Each such item is given its statement before the batch is sent.
 * - D1 answers a batch's rows as objects keyed by column name, so a join selecting two columns of one name
 *   (`creators.locale`, `buyers.locale`) loses one and drizzle, which reads the values by position, maps the
 *   rest to the wrong fields. Every query is therefore sent as `select * from (…)`, for which SQLite makes the
 *   names unique (`locale`, `locale:1`) and keeps their order; SQLite flattens the wrapper away.
 */
export function dbFromD1(binding: D1Database): Db {
  const client: D1Database = {
    prepare: (query) => binding.prepare(uniqueColumnNames(query)),
    batch: (statements) => binding.batch(statements),
    exec: (query) => binding.exec(query),
    withSession: (constraintOrBookmark) => binding.withSession(constraintOrBookmark),
    dump: () => binding.dump(),
  }
  const db = drizzleD1(client, { schema })
  const batch = db.batch.bind(db)
  db.batch = ((items: readonly BatchItem<'sqlite'>[]) => {
    for (const item of items)
      if (is(item, SQLiteRaw) && !('stmt' in item))
        Object.assign(item, { stmt: client.prepare(item.getQuery().sql) })
    return batch(items as [BatchItem<'sqlite'>])
  }) as typeof db.batch
  return db
}

/** A query that answers rows (`select …`, `with … select …`), wrapped so its column names are unique. */
export function uniqueColumnNames(query: string): string {
  return /^\s*(select|with)\b/i.test(query) ? `select * from (${query})` : query
}

/** Counts database round trips: one per `execute`, `batch` or `executeMultiple` sent to the server. */
export interface RoundTripCounter {
  count: number
}

/**
 * Wraps a libSQL client so every call that reaches the database adds one to `counter.count`.
 * Tests and the bench use it to prove "one round trip per page view".
 */
export function countRoundTrips(client: Client, counter: RoundTripCounter): Client {
  const counted = new Set(['execute', 'batch', 'executeMultiple', 'migrate', 'transaction'])
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof property === 'string' && counted.has(property) && typeof value === 'function') {
        return (...args: unknown[]) => {
          counter.count++
          return value.apply(target, args)
        }
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/**
 * Sends a list of statements built at run time as one atomic batch (one round trip). drizzle's `batch` wants a
 * non-empty tuple type; this takes an ordinary array of at least one statement.
 */
export async function writeBatch(db: Db, items: BatchItem<'sqlite'>[]): Promise<unknown[]> {
  const [first, ...rest] = items
  if (!first) throw new Error('writeBatch needs at least one statement')
  return db.batch([first, ...rest])
}

/** A value bound to a statement's `?`. */
export type SqlValue = string | number | null

/** SQL text with `?` parameters and their values, in order. */
export interface RawStatement {
  sql: string
  args: SqlValue[]
}

/**
 * `rawSql\`… where id = ${id}\``: a statement whose values are bound, never spliced into the text. A value that
 * is itself a RawStatement (a shared condition) is inserted as SQL with its own values. For the hottest write
 * paths only (a routine renewal): building the same statements with drizzle on every event cost more CPU than
 * SQLite running them. Everything else goes through drizzle.
 */
export function rawSql(strings: TemplateStringsArray, ...values: (SqlValue | RawStatement)[]): RawStatement {
  let text = strings[0] ?? ''
  const args: SqlValue[] = []
  values.forEach((value, index) => {
    if (value !== null && typeof value === 'object') {
      text += value.sql
      args.push(...value.args)
    } else {
      text += '?'
      args.push(value)
    }
    text += strings[index + 1] ?? ''
  })
  return { sql: text, args }
}

/**
 * Sends raw statements as one atomic batch (one round trip), over libSQL or D1 alike, and answers how many rows
 * each statement returned (a `select`, or a write's `returning`).
 */
export async function rawBatch(db: Db, statements: RawStatement[]): Promise<number[]> {
  const client = (db as unknown as { $client: Client | D1Database }).$client
  if ('execute' in client) {
    const results = await client.batch(statements, 'deferred')
    return results.map((result) => result.rows.length)
  }
  const results = await client.batch(statements.map(({ sql, args }) => client.prepare(sql).bind(...args)))
  return results.map((result) => result.results.length)
}

/**
 * Sends `writes` followed by `read` as one atomic batch (one round trip) and answers what `read` returned: a verb
 * that answers the fresh row reads it back after its writes in the same batch, not in a second round trip.
 */
export async function writeThenRead<R extends BatchItem<'sqlite'>>(
  db: Db,
  writes: BatchItem<'sqlite'>[],
  read: R,
): Promise<R['_']['result']> {
  const results = await writeBatch(db, [...writes, read])
  return results[results.length - 1] as R['_']['result']
}

/**
 * A batch statement that aborts the whole batch unless `stillHolds` is true when the batch runs. A verb that
 * decided from a read (one round trip) and writes in a second guards the facts its decision rests on: if
 * another writer changed them in between, nothing is written and `staleRead(error)` recognises the failure,
 * so the verb can read again. SQLite runs each batch as one serialised transaction on libSQL, Turso and D1.
 */
export function guardStatement(db: Db, name: string, stillHolds: SQL): BatchItem<'sqlite'> {
  return db.run(sql`insert into write_guards (name, holds) select ${name}, 0 where not (${stillHolds})`)
}

/**
 * A statement built once per database and bound per call: `build` returns drizzle's `.prepare()` of a query whose
 * values are `sql.placeholder(name)`s, and callers run it with those values (`.all({ id })`). Turning a query
 * builder into SQL text walks its whole tree each time, a good part of a hot statement's cost, though the text
 * never changes. Cached per `db` object, so each database (each test's, a wrapped one) gets its own.
 */
export function preparedFor<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>()
  return (db) => {
    let prepared = cache.get(db)
    if (prepared === undefined) {
      prepared = build(db)
      cache.set(db, prepared)
    }
    return prepared
  }
}

/**
 * Builds the drizzle database every verb uses, over a libSQL client (file, Turso) or a D1 binding.
 *
 * Both drivers share drizzle's async SQLite query builder and `batch`, which is atomic on libSQL and D1
 * alike. Verbs must not depend on driver-specific `run()` results: use `.returning()` to learn what changed.
 */
import type { Client } from '@libsql/client'
import { type SQL, sql } from 'drizzle-orm'
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch'
import { drizzle as drizzleD1 } from 'drizzle-orm/d1'
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql/web'
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import * as schema from './schema'

export type Schema = typeof schema

export type Db = BaseSQLiteDatabase<'async', unknown, Schema> & {
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>
}

export function dbFromLibsql(client: Client): Db {
  return drizzleLibsql({ client, schema })
}

export function dbFromD1(binding: D1Database): Db {
  return drizzleD1(binding, { schema })
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

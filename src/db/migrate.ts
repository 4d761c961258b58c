/**
 * Applies the SQL files under migrations/ to a libSQL database (file or Turso), tracking them in the same
 * `d1_migrations` table wrangler uses for D1. One set of files, one bookkeeping table, on every backend:
 * a database migrated here and one migrated with `wrangler d1 migrations apply` agree on what ran.
 */
import type { Client } from '@libsql/client'

export interface Migration {
  /** File name, e.g. `0000_init.sql`. */
  name: string
  sql: string
}

/** drizzle-kit separates statements with this marker (an SQL comment, so D1 ignores it). */
const breakpoint = '--> statement-breakpoint'

export function splitStatements(sql: string): string[] {
  return sql
    .split(breakpoint)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0)
}

/** Runs every migration not yet recorded, each in one atomic batch with its bookkeeping row. */
export async function applyMigrations(client: Client, migrations: Migration[]): Promise<string[]> {
  await client.execute(
    'CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
  )
  const done = await client.execute('SELECT name FROM d1_migrations')
  const applied = new Set(done.rows.map((row) => String(row.name)))
  const ran: string[] = []
  for (const migration of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) {
    if (applied.has(migration.name)) continue
    await client.batch(
      [
        ...splitStatements(migration.sql),
        { sql: 'INSERT INTO d1_migrations (name) VALUES (?)', args: [migration.name] },
      ],
      'write',
    )
    ran.push(migration.name)
  }
  return ran
}

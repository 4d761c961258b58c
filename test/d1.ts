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

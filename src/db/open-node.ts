/** Opens a libSQL database from Node (file or Turso) and brings its schema up to date. Node and the CLI only. */
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { type Client, createClient } from '@libsql/client'
import { applyMigrations } from './migrate'
import { readMigrations } from './migrations-fs'

export const defaultDatabaseUrl = 'file:./data/quanzi.db'

export async function openNodeDatabase(
  url: string = defaultDatabaseUrl,
  authToken?: string,
): Promise<{ client: Client; migrated: string[] }> {
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length).split('?')[0] ?? ''
    if (path && path !== ':memory:') await mkdir(dirname(path), { recursive: true })
  }
  const client = createClient({ url, ...(authToken ? { authToken } : {}) })
  if (url.startsWith('file:')) await tuneLocalFile(client)
  const migrated = await applyMigrations(client, await readMigrations())
  return { client, migrated }
}

/**
 * Settings for a local database file, shared by the server, the CLI and the bench:
 * - `busy_timeout`: the server and the CLI share the file, so wait for a lock instead of failing at once;
 * - WAL journal: readers no longer wait for a writer, and a commit appends to the log instead of rewriting the
 *   rollback journal (webhook ingest about 1.7 times faster in bench/webhook-ingest.ts). The mode is stored in
 *   the file. `synchronous` stays FULL, SQLite's default: a commit that answered a webhook survives power loss.
 */
export async function tuneLocalFile(client: Client): Promise<void> {
  await client.execute('PRAGMA busy_timeout = 5000')
  // An in-memory database answers `memory` and stays as it is.
  await client.execute('PRAGMA journal_mode = WAL')
}

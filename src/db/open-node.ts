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
  const client = createLocalClient(url, authToken)
  if (url.startsWith('file:')) await useWal(client)
  const migrated = await applyMigrations(client, await readMigrations())
  return { client, migrated }
}

/**
 * A libSQL client for Node. `timeout` is SQLite's busy timeout, which @libsql/client applies to every connection
 * of its pool (a `PRAGMA busy_timeout` would reach one connection only): the server and the CLI share a local
 * file, so a statement waits up to 5 s for a lock instead of failing at once. Remote (Turso) clients ignore it.
 */
export function createLocalClient(url: string, authToken?: string): Client {
  return createClient({ url, timeout: 5_000, ...(authToken ? { authToken } : {}) })
}

/**
 * WAL journal for a local file: readers no longer wait for a writer, and a commit appends to the log instead of
 * rewriting the rollback journal (webhook ingest about 1.7 times faster in bench/webhook-ingest.ts). The mode
 * is stored in the file, so every connection and process gets it. `synchronous` stays FULL, SQLite's default: a
 * commit that answered a webhook survives power loss. An in-memory database answers `memory` and stays as it is.
 */
export async function useWal(client: Client): Promise<void> {
  await client.execute('PRAGMA journal_mode = WAL')
}

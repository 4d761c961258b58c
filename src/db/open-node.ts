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
  if (url.startsWith('file:')) {
    // A local file is shared by the server and the CLI: wait for a lock instead of failing at once.
    await client.execute('PRAGMA busy_timeout = 5000')
  }
  const migrated = await applyMigrations(client, await readMigrations())
  return { client, migrated }
}

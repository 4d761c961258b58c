/** Reads migrations/*.sql from disk (Node and the CLI only; Workers are migrated by wrangler or the CLI). */
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Migration } from './migrate'

export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url))

export async function readMigrations(dir = migrationsDir): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort()
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(`${dir}/${name}`, 'utf8') })))
}

/** The Node entry's database: a local file in WAL mode, with a busy timeout on every connection of the pool. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openNodeDatabase } from '../../src/db/open-node'

let dir: string | undefined
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('openNodeDatabase', () => {
  it('opens a file in WAL mode, migrated, and waits 5 s for a lock on every connection', async () => {
    dir = await mkdtemp(join(tmpdir(), 'quanzi-open-'))
    const { client, migrated } = await openNodeDatabase(`file:${join(dir, 'nested', 'q.db')}`)
    try {
      expect(migrated.length).toBeGreaterThan(0)
      expect((await client.execute('PRAGMA journal_mode')).rows[0]?.journal_mode).toBe('wal')
      // A transaction holds its own connection, so the batch below runs on a second one: both wait for locks.
      const transaction = await client.transaction('read')
      try {
        expect(Number((await transaction.execute('PRAGMA busy_timeout')).rows[0]?.timeout)).toBe(5000)
        const [outside] = await client.batch(['PRAGMA busy_timeout'], 'read')
        expect(Number(outside?.rows[0]?.timeout)).toBe(5000)
      } finally {
        transaction.close()
      }
    } finally {
      client.close()
    }
  })
})

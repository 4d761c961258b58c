/**
 * The raw statements of the hottest write path (src/db/client.ts `rawSql`, `rawBatch`): values bound, never
 * spliced; one atomic round trip over libSQL, and over D1 under `npm run test:d1`.
 */
import { describe, expect, it } from 'vitest'
import { rawBatch, rawSql } from '../../src/db/client'
import { countRows, createTestContext } from '../helpers'

describe('rawSql', () => {
  it('binds every value in order, shared conditions included, and splices none into the text', () => {
    const owner = rawSql`owner = ${"o'1"} and kind in ('a', 'b')`
    const statement = rawSql`select id from t where ${owner} and n < ${3} and note is ${null} or ${owner}`
    expect(statement).toEqual({
      sql: "select id from t where owner = ? and kind in ('a', 'b') and n < ? and note is ? or owner = ? and kind in ('a', 'b')",
      args: ["o'1", 3, null, "o'1"],
    })
  })
})

describe('rawBatch', () => {
  const row = (id: string) =>
    rawSql`insert into stripe_events (id, type, created_at, received_at, payload)
      values (${id}, 'test.event', ${1}, ${1}, ${'{}'}) on conflict do nothing returning id`

  it('answers how many rows each statement returned, in one round trip', async () => {
    const ctx = await createTestContext()
    ctx.roundTrips.count = 0
    const counts = await rawBatch(ctx.deps.db, [
      row('evt_raw_1'),
      row('evt_raw_1'),
      rawSql`select id from stripe_events where id like ${'evt_raw_%'}`,
    ])
    expect(counts).toEqual([1, 0, 1])
    expect(ctx.roundTrips.count).toBe(1)
  })

  it('writes all or nothing: a failing statement undoes the ones before it', async () => {
    const ctx = await createTestContext()
    const failing = rawSql`insert into stripe_events (id) values (${'evt_raw_bad'})`
    await expect(rawBatch(ctx.deps.db, [row('evt_raw_2'), failing])).rejects.toThrow()
    expect(await countRows(ctx, 'stripe_events')).toBe(0)
  })
})

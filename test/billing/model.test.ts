/**
 * Model-based test of one-time purchases: random histories (payment, async wallet payments, partial and full
 * refunds, disputes won and lost) are played on the fake Stripe, then all their events are delivered to the
 * webhook shuffled, duplicated and concurrently. The final access of every order must equal a small reference
 * model of the effects table. Seeded: a failure prints the seed and the history that broke it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeStripe, seededRandom } from '../../src/dev/local-stripe'
import { courseBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext, sessionIdOf } from '../payments'
import { type HistoryPlayer, modelMismatches, playHistory } from './purchase-model'

const histories = Number(process.env.MODEL_HISTORIES ?? 1000)
const seed = Number(process.env.MODEL_SEED ?? 20261123)

let ctx: TestContext
let fake: FakeStripe
let offerId: string

let payments: PaymentsContext

beforeAll(async () => {
  payments = await createPaymentsContext({ seed })
  ;({ ctx, fake } = payments)
  const { key } = await givenCreator(ctx)
  offerId = (await api(ctx, 'POST', '/api/v1/offers', { key, body: courseBody({ status: 'live' }) })).body.id
})
afterAll(() => fake.close())

describe('model: one-time purchases under hostile delivery', () => {
  it(`${histories} random histories converge to the reference model (seed ${seed})`, async () => {
    const random = seededRandom(seed)
    const player: HistoryPlayer = {
      fake,
      checkout: async () => sessionIdOf(await ctx.app.request(`/buy/${offerId}`)),
      advance: ctx.clock.advance,
    }
    const played = []
    for (let index = 0; index < histories; index++) played.push(await playHistory(player, random, index))
    const report = await deliverToApp(
      payments,
      played.flatMap((history) => history.events),
      {
        seed,
        shuffle: true,
        duplicates: 1,
        concurrency: 4,
      },
    )
    expect(report.undelivered).toEqual([])

    const rows = await ctx.sql.execute(`select b.email, e.state, e.source_id from buyers b
      left join entitlements e on e.buyer_id = b.id`)
    const stateByEmail = new Map(rows.rows.map((row) => [String(row.email), row.state as string | null]))
    const grants = await ctx.sql.execute(
      "select count(*) as n from entitlement_changes where change = 'grant'",
    )
    const mismatches = modelMismatches(played, stateByEmail)
    expect(mismatches, `seed ${seed}`).toEqual([])
    expect(Number(grants.rows[0]?.n)).toBeLessThanOrEqual(histories)
  }, 300_000)
})

/**
 * Database outage mid-storm: the app's libSQL client starts failing every call (as Turso does when it cannot be
 * reached) while a storm of purchase webhooks is being delivered, then comes back. During the outage webhooks
 * answer 5xx (so Stripe retries) and pages answer a readable 503 with Retry-After, never a 500; an event that
 * failed left no trace (its batch never ran); and once the database is back, Stripe's redeliveries converge to
 * the reference model of test/billing/purchase-model.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { dbFromLibsql } from '../../src/db/client'
import { type DeliveryReport, type FakeStripe, seededRandom } from '../../src/dev/local-stripe'
import { problemContentType } from '../../src/lib/problem'
import { modelMismatches, type PlayedHistory, playHistory } from '../billing/purchase-model'
import { givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, type PaymentsContext, sessionIdOf } from '../payments'
import { signIn } from '../sign-in'
import { fingerprint, liveCourse, type OutageClient, outageClient, sleep } from './support'

const histories = 150
const seed = 20261207

let payments: PaymentsContext
let ctx: TestContext
let fake: FakeStripe
let outage: OutageClient
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  payments = await createPaymentsContext({ seed })
  ;({ ctx, fake } = payments)
  outage = outageClient(ctx.sql)
  // The same app, over a client that can be switched off; ctx.sql stays the test's own view of the file.
  app = createApp({ ...ctx.deps, db: dbFromLibsql(outage.client) })
})
afterAll(() => fake.close())

async function send(payload: string, header: string): Promise<Response> {
  return app.request('/webhooks/stripe', {
    method: 'POST',
    headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    body: payload,
  })
}

describe('database outage mid webhook storm', () => {
  it('answers 503s, writes nothing for failed events, and converges after recovery', async () => {
    const creator = await givenCreator(ctx)
    const offerId = (await liveCourse(ctx, creator.key)).id
    const { cookie } = await signIn(ctx, 'reader@example.com')
    const random = seededRandom(seed)
    const player = {
      fake,
      checkout: async () => sessionIdOf(await app.request(`/buy/${offerId}`)),
      advance: ctx.clock.advance,
    }
    const played: PlayedHistory[] = []
    for (let index = 0; index < histories; index++) played.push(await playHistory(player, random, index))
    const events = played.flatMap((history) => history.events)

    // The storm, as Stripe's first delivery of each event (no retries yet): shuffled, duplicated, concurrent.
    let answered = 0
    const counted = async (payload: string, header: string) => {
      const response = await send(payload, header)
      answered++
      return response
    }
    const storm: Promise<DeliveryReport> = fake.deliver(events, counted, {
      seed,
      shuffle: true,
      duplicates: 1,
      concurrency: 8,
      timestamp: Math.floor(ctx.clock.now() / 1000),
    })
    const total = events.length * 2
    while (answered < total * 0.3) await sleep(5)
    outage.goDown()
    // Calls already sent when the database went away finish; after that nothing can change.
    await sleep(100)
    const atOutage = await fingerprint(ctx.sql)

    const page = await app.request(`/c/${creator.slug}`, { headers: { accept: 'text/html' } })
    const json = await app.request(`/c/${creator.slug}`, { headers: { accept: 'application/json' } })
    const library = await app.request('/me', { headers: { accept: 'text/html', cookie } })
    const meApi = await app.request('/api/v1/me', { headers: { cookie } })
    while (answered < total * 0.7) await sleep(5)
    const duringOutage = await fingerprint(ctx.sql)
    outage.goUp()
    const report = await storm

    for (const response of [page, library]) {
      expect(response.status).toBe(503)
      expect(response.headers.get('content-type')).toContain('text/html')
      expect(response.headers.get('retry-after')).toBe('5')
      const body = await response.text()
      expect(body).toContain('try again')
      expect(body).not.toMatch(/ECONNREFUSED|SERVER_ERROR|fetch failed/)
    }
    for (const response of [json, meApi]) {
      expect(response.status).toBe(503)
      expect(response.headers.get('content-type')).toBe(problemContentType)
      expect(await response.json()).toMatchObject({ status: 503, type: '/problems/unavailable' })
    }
    expect(duringOutage).toEqual(atOutage)

    // Every delivery refused by the outage said "retry" (503), none said "our bug" (500).
    const refused = report.attempts.filter((attempt) => attempt.status !== 200)
    expect(refused.length).toBeGreaterThan(total * 0.3)
    expect(new Set(refused.map((attempt) => attempt.status))).toEqual(new Set([503]))
    // An event none of whose deliveries succeeded left no trace: no ledger row, no entitlement change.
    const failedIds = report.undelivered
    expect(failedIds.length).toBeGreaterThan(0)
    const placeholders = failedIds.map(() => '?').join(', ')
    const traces = await ctx.sql.execute({
      sql: `select id from stripe_events where id in (${placeholders})
        union all select cause_id from entitlement_changes where cause_id in (${placeholders})`,
      args: [...failedIds, ...failedIds],
    })
    expect(traces.rows).toEqual([])

    // Stripe retries what failed, later and in any order, until it gets a 2xx.
    const retried = await fake.deliver(
      events.filter((event) => failedIds.includes(event.id)),
      send,
      { seed: seed + 1, shuffle: true, duplicates: 1, concurrency: 8, retryUntil2xx: true },
    )
    expect(retried.undelivered).toEqual([])
    console.log(
      `db-outage: ${events.length} events, ${report.attempts.length} deliveries, ${refused.length} refused during the outage (${outage.refused} database calls refused), ${failedIds.length} events redelivered`,
    )

    const rows = await ctx.sql.execute(`select b.email, e.state from buyers b
      left join entitlements e on e.buyer_id = b.id where b.email like 'buyer%'`)
    const stateByEmail = new Map(rows.rows.map((row) => [String(row.email), row.state as string | null]))
    expect(rows.rows).toHaveLength(stateByEmail.size)
    expect(modelMismatches(played, stateByEmail), `seed ${seed}`).toEqual([])
    const grants = await ctx.sql.execute(`select entitlement_id, count(*) as n from entitlement_changes
      where change = 'grant' group by entitlement_id having n > 1`)
    expect(grants.rows).toEqual([])
  })
})

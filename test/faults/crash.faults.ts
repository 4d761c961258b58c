/**
 * Crash: the real Node entry (`src/node.ts`, as `npm start` runs it, with Stripe configured and pointed at the
 * fake) takes a storm of purchase webhooks — shuffled, duplicated, eight at a time — while a killer SIGKILLs it
 * at random moments and starts it again on the same port and database file. Failed deliveries (connection
 * refused or reset, 5xx) are redelivered, Stripe-style, until they get a 2xx; a few events are never delivered
 * at all and are left to one reconciliation run (`npm run reconcile`). The final entitlements must equal the
 * reference model of test/billing/purchase-model.ts: no lost grant, no duplicate, no wrong grant.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { afterAll, describe, expect, it } from 'vitest'
import { type ReconcileReport, reconcile } from '../../src/billing/reconcile'
import { createStripe } from '../../src/billing/stripe-client'
import { parseConfig } from '../../src/config'
import { dbFromLibsql } from '../../src/db/client'
import { openNodeDatabase } from '../../src/db/open-node'
import { type FakeStripe, seededRandom, startFakeStripe } from '../../src/dev/local-stripe'
import { memoryLogger } from '../../src/lib/logger'
import { systemClock } from '../../src/lib/time'
import { matchesModel, type PlayedHistory, playHistory } from '../billing/purchase-model'
import { courseBody } from '../catalog/builders'
import { freePort, type NodeServer, nodeServer, sleep } from './support'

const histories = Number(process.env.CRASH_HISTORIES ?? 220)
const seed = Number(process.env.CRASH_SEED ?? 20261208)
const minimumKills = 5

let fake: FakeStripe | undefined
let server: NodeServer | undefined
afterAll(async () => {
  await server?.stop()
  await fake?.close()
})

/**
 * What `npm run reconcile` does (src/cli.ts), in this process against the same database file and Stripe, while
 * the server keeps running. (The CLI itself is not spawned: it closes its client before the run's first query.)
 */
async function reconcileFile(databaseUrl: string, stripeUrl: string): Promise<ReconcileReport> {
  const { client } = await openNodeDatabase(databaseUrl)
  try {
    return await reconcile({
      db: dbFromLibsql(client),
      config: parseConfig({ DATABASE_URL: databaseUrl, STRIPE_SECRET_KEY: 'sk_test_x' }, 'node'),
      clock: systemClock,
      logger: memoryLogger(),
      stripe: createStripe('sk_test_x', stripeUrl),
    })
  } finally {
    client.close()
  }
}

describe('crash: the Node server killed mid webhook storm', () => {
  it(`${histories} purchase histories survive SIGKILLs and converge to the model (seed ${seed})`, async () => {
    const random = seededRandom(seed)
    // Two processes, two clocks: the server asks for `expires_at` = its now + 30 min, which the fake refuses
    // if its own now has moved on by a second. A fake clock a little behind, as a far-away Stripe's would be.
    fake = await startFakeStripe({ seed, now: () => Date.now() - 2_000 })
    const port = await freePort()
    const dir = mkdtempSync(join(process.env.QUANZI_TEST_TMP ?? tmpdir(), 'crash-'))
    const databaseUrl = `file:${join(dir, 'crash.db')}`
    const env = {
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_API_BASE: fake.url,
      STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
      DATABASE_URL: databaseUrl,
    }
    server = nodeServer({ port, env })
    const running = server
    await running.start()
    const apiKey = /demo API key: (qz_\S+)/.exec(running.output)?.[1]
    if (!apiKey) throw new Error(`no demo API key in:\n${running.output}`)
    const created = await fetch(`${running.url}/api/v1/offers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(courseBody({ slug: 'crash-course', status: 'live' })),
    })
    expect(created.status).toBe(201)
    const offerId = ((await created.json()) as { id: string }).id

    // Every history starts as a buyer does: a checkout link on the server opens the order and the session.
    const stripe = fake
    const player = {
      fake: stripe,
      checkout: async () => {
        const response = await fetch(`${running.url}/buy/${offerId}`, { redirect: 'manual' })
        if (response.status !== 303)
          throw new Error(`checkout answered ${response.status}:\n${running.output}`)
        return (response.headers.get('location') ?? '').split('/').pop() ?? ''
      },
      // Real time: the server's clock is the system's.
      advance: () => {},
    }
    const played: PlayedHistory[] = []
    for (let index = 0; index < histories; index++) played.push(await playHistory(player, random, index))
    const events = played.flatMap((history) => history.events)
    expect(events.length).toBeGreaterThanOrEqual(500)
    // Lost webhooks: about one event in forty is never delivered; only reconciliation can bring it in.
    const dropped = events.filter(() => random() < 0.025).map((event) => event.id)

    // The killer: SIGKILL at a random moment 300–1500 ms after the server came up (at the first instant after it
    // with a delivery in flight), start it again on the same port and file, for as long as the storm lasts.
    let stormOver = false
    let kills = 0
    // Deliveries in flight at the moments of the kills: the requests a kill cut off mid-processing.
    let cutOff = 0
    let inFlight = 0
    const killer = (async () => {
      while (!stormOver) {
        await sleep(300 + Math.floor(random() * 1200))
        // Strike while a request is being processed: that is where a crash can tear a write.
        while (inFlight === 0 && !stormOver) await sleep(1)
        if (stormOver) break
        cutOff += inFlight
        await running.kill()
        kills++
        await running.start()
      }
    })()

    // Stripe sends at a sustained pace, not as fast as a loopback socket allows (40 ms per delivery and worker
    // keeps the storm going across several kills), and waits before a retry (100 ms here, so a down server does
    // not burn a delivery's attempts at once).
    const post = async (payload: string, header: string) => {
      inFlight++
      try {
        const response = await fetch(`${running.url}/webhooks/stripe`, {
          method: 'POST',
          headers: { 'stripe-signature': header, 'content-type': 'application/json' },
          body: payload,
          signal: AbortSignal.timeout(15_000),
        })
        await response.arrayBuffer()
        return response
      } finally {
        inFlight--
      }
    }
    const send = async (payload: string, header: string) => {
      await sleep(40)
      try {
        const response = await post(payload, header)
        if (response.status >= 500) await sleep(100)
        return response
      } catch (error) {
        await sleep(100)
        throw error
      }
    }
    const started = Date.now()
    const report = await stripe.deliver(events, send, {
      seed,
      shuffle: true,
      // Every event twice more: Stripe's at-least-once, and a storm long enough for the killer.
      duplicates: 2,
      concurrency: 8,
      drop: dropped,
      retryUntil2xx: true,
      maxAttempts: 1_000,
    })
    stormOver = true
    await killer
    const stormMs = Date.now() - started
    expect(report.undelivered).toEqual([])
    expect(kills).toBeGreaterThanOrEqual(minimumKills)
    expect(cutOff).toBeGreaterThanOrEqual(kills)

    const reconciled = await reconcileFile(databaseUrl, stripe.url)
    expect(reconciled.failed).toBe(0)
    expect(reconciled.processed).toBe(dropped.length)
    await running.stop()

    const sql = createClient({ url: databaseUrl })
    try {
      const orders = await sql.execute('select id, status from orders')
      expect(orders.rows).toHaveLength(histories)
      const rows = await sql.execute(`select b.email, e.id, e.state, e.source_id,
          (select count(*) from entitlement_changes c where c.entitlement_id = e.id and c.change = 'grant') as grants
        from entitlements e join buyers b on b.id = e.buyer_id`)
      const byEmail = new Map<string, { state: string; grants: number; sourceId: string }[]>()
      for (const row of rows.rows) {
        const email = String(row.email)
        byEmail.set(email, [
          ...(byEmail.get(email) ?? []),
          { state: String(row.state), grants: Number(row.grants), sourceId: String(row.source_id) },
        ])
      }
      const lost: string[] = []
      const wrong: string[] = []
      const duplicates: string[] = []
      played.forEach((history, index) => {
        const held = byEmail.get(`buyer${index}@example.com`) ?? []
        const line = `#${index} ${history.trace.join(' → ')}`
        if (held.length > 1 || held.some((entitlement) => entitlement.grants !== 1))
          duplicates.push(`${line}: ${JSON.stringify(held)}`)
        const state = held[0]?.state ?? null
        const { ok, expected } = matchesModel(history.model, state)
        if (ok) return
        if (expected === 'active') lost.push(`${line}: expected active, got ${state}`)
        else wrong.push(`${line}: expected ${expected}, got ${state}`)
      })
      const perOrder = await sql.execute(
        'select source_id, count(*) as n from entitlements group by source_id having n > 1',
      )
      const redeliveries = report.attempts.filter((attempt) => attempt.attempt > 1).length
      console.log(
        `crash: ${histories} histories, ${events.length} events, ${report.attempts.length} deliveries ` +
          `(${redeliveries} redeliveries) in ${stormMs} ms, ${kills} kills cutting off ${cutOff} in flight, ` +
          `${dropped.length} dropped → ` +
          `reconcile processed ${reconciled.processed} of ${reconciled.listed} listed; ` +
          `${rows.rows.length} entitlements; lost ${lost.length}, duplicates ${duplicates.length + perOrder.rows.length}, wrong ${wrong.length}`,
      )
      expect(lost, `seed ${seed}`).toEqual([])
      expect(duplicates, `seed ${seed}`).toEqual([])
      expect(perOrder.rows).toEqual([])
      expect(wrong, `seed ${seed}`).toEqual([])
      // Every active entitlement belongs to a paid order of this offer.
      const unpaidSources = await sql.execute(`select e.source_id from entitlements e
        left join orders o on o.id = e.source_id where e.state = 'active' and (o.status is null or o.status <> 'paid')`)
      expect(unpaidSources.rows).toEqual([])
    } finally {
      sql.close()
    }
  })
})

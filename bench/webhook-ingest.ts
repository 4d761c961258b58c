/**
 * Webhook ingest: signed `invoice.paid` renewals, each with a fresh id and each paying a new period of one of
 * many members' subscriptions, through `POST /webhooks/stripe` (verify, then one batch that records the event
 * and extends the member's access), against a bare handler that verifies the signature the same way and inserts
 * one row (the issue's baseline). The table also says how many events extended access and how many times the
 * app asked the fake Stripe (a routine renewal should not).
 */
import { fileURLToPath } from 'node:url'
import { createClient } from '@libsql/client'
import type autocannon from 'autocannon'
import { Hono } from 'hono'
import Stripe from 'stripe'
import { startFakeStripe } from '../src/dev/local-stripe'
import { type LoadOptions, load, serveFetch } from './load'
import { subscribe } from './payments'
import { fixed, type Row } from './table'
import { createWorld } from './world'

const signEventModule = fileURLToPath(new URL('./sign-event.cjs', import.meta.url))
/** Members whose renewals the load cycles through. */
const subscribers = 100
const cryptoProvider = Stripe.createSubtleCryptoProvider()

/** The baseline: verify the signature (Web Crypto, as the app does) and record the event, nothing else. */
export function bareWebhook(url: string, secret: string) {
  const client = createClient({ url })
  const app = new Hono().post('/webhooks/stripe', async (c) => {
    const payload = await c.req.text()
    let event: Stripe.Event
    try {
      event = await Stripe.webhooks.constructEventAsync(
        payload,
        c.req.header('stripe-signature') ?? '',
        secret,
        300,
        cryptoProvider,
      )
    } catch {
      return c.text('bad signature', 400)
    }
    const now = Date.now()
    await client.execute({
      sql: `insert into stripe_events (id, type, created_at, received_at, processed_at, payload)
        values (?, ?, ?, ?, ?, ?) on conflict do nothing`,
      args: [event.id, event.type, event.created * 1000, now, now, payload],
    })
    return c.json({ received: true })
  })
  return { app, close: () => client.close() }
}

export async function measureWebhookIngest(options: LoadOptions): Promise<Row[]> {
  const fake = await startFakeStripe()
  const world = await createWorld({ fake })
  const bare = bareWebhook(world.url, fake.webhookSecret)
  try {
    // Renewals of many members' subscriptions: consecutive events never touch the same subscription, as on a
    // real shop, so concurrent requests do not race each other on one row.
    const eventTemplates: string[] = []
    let periodEnd = 0
    for (let member = 0; member < subscribers; member++) {
      const { invoicePaid } = await subscribe(world, fake, `subscriber${member}@example.com`)
      const invoice = invoicePaid.data.object as { lines: { data: { period: { end: number | string } }[] } }
      const line = invoice.lines.data[0]
      if (!line) throw new Error('webhook bench: the renewal invoice has no line')
      periodEnd = Math.max(periodEnd, Number(line.period.end))
      line.period.end = '__PERIOD_END__'
      eventTemplates.push(JSON.stringify({ ...invoicePaid, id: '__EVENT_ID__' }, null, 2))
    }
    const request: autocannon.Request & {
      eventTemplates: string[]
      periodEnd: number
      webhookSecret: string
    } = {
      method: 'POST',
      path: '/webhooks/stripe',
      headers: { 'content-type': 'application/json' },
      setupRequest: signEventModule,
      eventTemplates,
      periodEnd,
      webhookSecret: fake.webhookSecret,
    }
    fake.requests.length = 0
    const appSide = await serveAndLoad(world.app.fetch, request, options)
    const stripeReads = fake.requests.filter((seen) => seen.path.startsWith('/v1/subscriptions/')).length
    const counted = await world.client.execute(
      `select (select count(*) from stripe_events where id like 'evt_bench_%' and processed_at is not null) as processed,
        (select count(*) from entitlement_changes where cause_id like 'evt_bench_%' and change = 'extend') as extended`,
    )
    const processed = Number(counted.rows[0]?.processed ?? 0)
    const extended = Number(counted.rows[0]?.extended ?? 0)
    const bareSide = await serveAndLoad(bare.app.fetch, request, options)
    const ratio = appSide.requestsPerSecond / bareSide.requestsPerSecond
    return [
      {
        measure:
          `webhook ingest: requests/s (invoice.paid renewals of ${subscribers} members, fresh ids; warm-up included, ` +
          `${fixed(processed)} processed, ${fixed(extended)} extended access, ${fixed(stripeReads)} Stripe reads)`,
        quanzi: fixed(appSide.requestsPerSecond),
        baseline: fixed(bareSide.requestsPerSecond),
        ratio: fixed(ratio, 2),
        target: 'ratio ≥ 0.5',
        met: ratio >= 0.5,
      },
      {
        measure: 'webhook ingest: p99 latency (ms)',
        quanzi: fixed(appSide.p99, 1),
        baseline: fixed(bareSide.p99, 1),
        ratio: fixed(appSide.p99 / bareSide.p99, 2),
        target: '(reported)',
        met: null,
      },
    ]
  } finally {
    bare.close()
    world.close()
    await fake.close()
  }
}

async function serveAndLoad(
  fetch: (request: Request) => Response | Promise<Response>,
  request: autocannon.Request,
  options: LoadOptions,
) {
  const served = await serveFetch(fetch)
  try {
    const result = await load(served.url, [request], options)
    if (result.non2xx || result.errors)
      throw new Error(`webhook load: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
    return result
  } finally {
    await served.close()
  }
}

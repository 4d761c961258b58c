/**
 * Webhook ingest: signed `invoice.paid` events, each with a fresh id, through `POST /webhooks/stripe` (verify,
 * ledger, re-read the subscription from the fake Stripe, one write batch), against a bare handler that verifies
 * the signature the same way and inserts one row (the baseline). A second baseline also re-reads the
 * subscription from the same fake Stripe with the same client: the app's design asks Stripe for the current
 * state instead of trusting delivery order, and this one shows what the rest of the app costs beside that read.
 */
import { fileURLToPath } from 'node:url'
import { createClient } from '@libsql/client'
import type autocannon from 'autocannon'
import { Hono } from 'hono'
import Stripe from 'stripe'
import type { Stripe as StripeClient } from '../src/billing/stripe-client'
import { startFakeStripe } from '../src/dev/local-stripe'
import { type LoadOptions, load, serveFetch } from './load'
import { subscribe } from './payments'
import { fixed, type Row } from './table'
import { createWorld } from './world'

const signEventModule = fileURLToPath(new URL('./sign-event.cjs', import.meta.url))
const cryptoProvider = Stripe.createSubtleCryptoProvider()

/**
 * The baseline: verify the signature (Web Crypto, as the app does) and record the event, nothing else. With
 * `stripe`, it first re-reads the event's subscription from Stripe (with its customer, as the app does).
 */
export function bareWebhook(url: string, secret: string, stripe?: StripeClient) {
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
    if (stripe) {
      const invoice = event.data.object as { parent?: { subscription_details?: { subscription?: string } } }
      await stripe.subscriptions.retrieve(invoice.parent?.subscription_details?.subscription ?? '', {
        expand: ['customer'],
      })
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
  const bareWithRead = world.deps.stripe
    ? bareWebhook(world.url, fake.webhookSecret, world.deps.stripe)
    : null
  if (!bareWithRead) throw new Error('webhook bench: the world has no Stripe client')
  try {
    const { invoicePaid } = await subscribe(world, fake)
    const request: autocannon.Request & { eventTemplate: string; webhookSecret: string } = {
      method: 'POST',
      path: '/webhooks/stripe',
      headers: { 'content-type': 'application/json' },
      setupRequest: signEventModule,
      eventTemplate: JSON.stringify({ ...invoicePaid, id: '__EVENT_ID__' }, null, 2),
      webhookSecret: fake.webhookSecret,
    }
    const appSide = await serveAndLoad(world.app.fetch, request, options)
    const processed = await world.client.execute(
      "select count(*) as n from stripe_events where id like 'evt_bench_%' and processed_at is not null",
    )
    const bareSide = await serveAndLoad(bare.app.fetch, request, options)
    const readSide = await serveAndLoad(bareWithRead.app.fetch, request, options)
    const ratio = appSide.requestsPerSecond / bareSide.requestsPerSecond
    const readRatio = appSide.requestsPerSecond / readSide.requestsPerSecond
    return [
      {
        measure: `webhook ingest: requests/s (invoice.paid, fresh ids; ${fixed(Number(processed.rows[0]?.n ?? 0))} processed by the app, warm-up included)`,
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
      {
        measure:
          'webhook ingest vs a bare handler that also re-reads the subscription from the fake Stripe: requests/s',
        quanzi: fixed(appSide.requestsPerSecond),
        baseline: fixed(readSide.requestsPerSecond),
        ratio: fixed(readRatio, 2),
        target: '(reported)',
        met: null,
      },
    ]
  } finally {
    bare.close()
    bareWithRead.close()
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

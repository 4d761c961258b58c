/**
 * The HTTP side of the fake: node:http on 127.0.0.1 and a random port, Stripe's authentication, the request log,
 * idempotency, fault injection and latency, in front of the routes in api.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type Stripe from 'stripe'
import { type ApiAnswer, routeApi } from './api'
import {
  type DeliverOptions,
  type DeliveryReport,
  deliverEvents,
  type SendWebhook,
  type SignedEvent,
  signEvent,
} from './delivery'
import { type StripeErrorBody, StripeFault } from './errors'
import { FormError, type FormObject, parseForm } from './form'
import { createScenarios, type Scenarios } from './scenarios'
import { apiVersion, clone, createStore, type FakeObject } from './store'

export interface FakeStripeOptions {
  /** Secret that `signEvent` / `deliver` sign with; default 'whsec_test_fake'. */
  webhookSecret?: string
  /** The clock in milliseconds (pass the app's test clock); default Date.now. */
  now?: () => number
  /** Seed for generated ids; default 1. Same seed and same calls → same ids. */
  seed?: number
  /** Where a Checkout Session's `url` points; default `${url}/pay/<id>` (the local checkout page uses its own). */
  checkoutUrl?: (sessionId: string) => string
  /** Called with every event the fake creates, as Stripe would send it to a webhook endpoint. */
  onEvent?: (event: Stripe.Event) => void
}

/** One HTTP request the fake received, for assertions. */
export interface RecordedRequest {
  method: string
  /** The path without the query string, e.g. `/v1/checkout/sessions`. */
  path: string
  /** Parsed form body (POST); `{}` for GET and DELETE. */
  body: FormObject
  /** Parsed query string (GET and DELETE carry their parameters there). */
  query: FormObject
  /** `body` for POST, `query` otherwise: the parameters the SDK sent. */
  params: FormObject
  rawBody: string
  /** Header names in lower case. */
  headers: Record<string, string>
  idempotencyKey: string | null
  stripeVersion: string | null
  /** The status answered (0 until the answer is written). */
  status: number
  /** True when the answer was an idempotent replay of a stored response. */
  replayed: boolean
}

export interface FailNextOptions {
  /** Sets `Stripe-Should-Retry`: `false` stops the SDK's automatic retries, `true` forces one. */
  shouldRetry?: boolean
  message?: string
}

export interface FakeStripe extends Scenarios {
  /** `http://127.0.0.1:<port>`: the app's STRIPE_API_BASE. */
  url: string
  /** Spread into `new Stripe(key, { ...sdkConfig, httpClient: Stripe.createFetchHttpClient() })`. */
  sdkConfig: { host: string; port: number; protocol: 'http' }
  webhookSecret: string
  /** Every request received, oldest first (a live array: `fake.requests.length = 0` clears it). */
  requests: RecordedRequest[]
  /** Every event so far, oldest first (deep copies). */
  readonly events: Stripe.Event[]
  /** A deep copy of any stored object by id (session, customer, subscription, invoice, charge, …). */
  object<T = Record<string, unknown>>(id: string): T
  /** Deep copies of every stored object of a kind (`'dispute'`, `'charge'`, …), oldest first. */
  objects<T = Record<string, unknown>>(kind: string): T[]
  /** The next `count` API requests answer `status` with a Stripe-shaped error (api_error for 5xx). */
  failNext(count: number, status?: number, options?: FailNextOptions): void
  /** Delays every answer by `ms` (real time) from now on; 0 turns it off. */
  setLatency(ms: number): void
  /** Signs an event with the fake's secret and clock unless told otherwise. */
  signEvent(event: Stripe.Event, options?: { timestamp?: number; secret?: string }): SignedEvent
  /** Delivers events to `send`, signed with the fake's secret and clock; see DeliverOptions. */
  deliver(
    events: readonly Stripe.Event[],
    send: SendWebhook,
    options?: DeliverOptions & { secret?: string },
  ): Promise<DeliveryReport>
  close(): Promise<void>
}

interface StoredResponse {
  fingerprint: string
  status: number
  body: unknown
}

const secretKeyPattern = /^sk_test_\w+$/

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const now = options.now ?? Date.now
  const webhookSecret = options.webhookSecret ?? 'whsec_test_fake'
  const store = createStore(now, options.seed ?? 1, {
    checkoutUrl: options.checkoutUrl,
    onEvent: options.onEvent,
  })
  const requests: RecordedRequest[] = []
  const idempotency = new Map<string, StoredResponse>()
  let failures: { remaining: number; status: number; options: FailNextOptions } = {
    remaining: 0,
    status: 500,
    options: {},
  }
  let latencyMs = 0
  let requestCount = 0

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const rawBody = await readBody(req)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    const method = req.method ?? 'GET'
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      body: {},
      query: {},
      params: {},
      rawBody,
      headers,
      idempotencyKey: headers['idempotency-key'] ?? null,
      stripeVersion: headers['stripe-version'] ?? null,
      status: 0,
      replayed: false,
    }
    requests.push(record)
    requestCount += 1
    const requestId = `req_fake${String(requestCount).padStart(8, '0')}`

    const reply = async (status: number, body: unknown, extraHeaders: Record<string, string> = {}) => {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs))
      record.status = status
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2)
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
        'request-id': requestId,
        'stripe-version': record.stripeVersion ?? apiVersion,
        ...(record.idempotencyKey ? { 'idempotency-key': record.idempotencyKey } : {}),
        ...extraHeaders,
      })
      res.end(text)
    }
    const replyFault = (fault: StripeFault, extraHeaders?: Record<string, string>) =>
      reply(fault.status, fault.toBody(), extraHeaders)

    // Pages a browser would open: the hosted checkout and the billing portal. Not part of the API.
    if (method === 'GET' && /^\/(pay|billing_portal)\/[^/]+$/.test(url.pathname)) {
      const objectId = decodeURIComponent(url.pathname.split('/')[2] ?? '')
      if (!store.objects.has(objectId)) return reply(404, '<!doctype html><title>Not found</title>')
      return reply(200, `<!doctype html><title>fake-stripe</title><p>${escapeHtml(objectId)}</p>`)
    }
    if (!url.pathname.startsWith('/v1/')) {
      return replyFault(
        new StripeFault(
          404,
          'invalid_request_error',
          `Unrecognized request URL (${method}: ${url.pathname}).`,
        ),
      )
    }

    const authFault = authenticate(headers.authorization)
    if (authFault) return replyFault(authFault, { 'www-authenticate': 'Bearer realm="Stripe"' })

    if (failures.remaining > 0) {
      failures.remaining -= 1
      const { status, options: failure } = failures
      const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error'
      const fault = new StripeFault(
        status,
        type,
        failure.message ?? `fake-stripe injected failure (failNext): HTTP ${status}.`,
        undefined,
        status === 429 ? 'rate_limit' : undefined,
      )
      // Injected failures happen before the request runs, so nothing is stored under its idempotency key and a
      // retry with the same key executes for real.
      return replyFault(
        fault,
        failure.shouldRetry === undefined ? {} : { 'stripe-should-retry': String(failure.shouldRetry) },
      )
    }

    try {
      const contentType = headers['content-type'] ?? ''
      if (rawBody && !contentType.startsWith('application/x-www-form-urlencoded')) {
        throw new StripeFault(
          400,
          'invalid_request_error',
          `Invalid request: the body must be application/x-www-form-urlencoded (got ${contentType || 'none'}).`,
        )
      }
      record.query = parseForm(url.search.slice(1))
      record.body = method === 'POST' ? parseForm(rawBody) : {}
      record.params = method === 'POST' ? record.body : record.query
    } catch (error) {
      if (error instanceof FormError)
        return replyFault(new StripeFault(400, 'invalid_request_error', error.message, error.param))
      if (error instanceof StripeFault) return replyFault(error)
      throw error
    }

    // Stripe keys idempotency on POST (the SDK adds a key to every POST); GET and DELETE are idempotent anyway.
    const key = method === 'POST' ? record.idempotencyKey : null
    const fingerprint = `${method} ${url.pathname} ${canonicalJson(record.params)}`
    if (key) {
      const stored = idempotency.get(key)
      if (stored && stored.fingerprint !== fingerprint) {
        return replyFault(
          new StripeFault(
            400,
            'idempotency_error',
            'Keys for idempotent requests can only be used with the same parameters they were first used with. ' +
              `Try using a key other than '${key}' if you meant to execute a different request.`,
          ),
        )
      }
      if (stored) {
        record.replayed = true
        return reply(stored.status, stored.body, { 'idempotent-replayed': 'true' })
      }
    }

    let answer: ApiAnswer
    try {
      answer = routeApi(method, url.pathname, {
        store,
        params: record.params,
        request: { id: requestId, idempotency_key: key },
      })
    } catch (error) {
      if (error instanceof StripeFault) return replyFault(error)
      // A bug in the fake itself: say so loudly rather than hide it behind a generic 500.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      return replyFault(new StripeFault(500, 'api_error', `fake-stripe internal error: ${message}`))
    }
    // Only executed requests are stored; Stripe does not save validation failures under the key.
    if (key && answer.status < 300)
      idempotency.set(key, { fingerprint, status: answer.status, body: answer.body })
    return reply(answer.status, answer.body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' })
        const body: StripeErrorBody = {
          error: { type: 'api_error', message: `fake-stripe: ${String(error)}` },
        }
        res.end(JSON.stringify(body))
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  store.baseUrl = `http://127.0.0.1:${port}`

  const scenarios = createScenarios(store)
  const fake: FakeStripe = {
    ...scenarios,
    url: store.baseUrl,
    sdkConfig: { host: '127.0.0.1', port, protocol: 'http' },
    webhookSecret,
    requests,
    get events() {
      return clone(store.events)
    },
    object<T>(objectId: string): T {
      const found = store.objects.get(objectId)
      if (!found) throw new Error(`fakeStripe.object: no object with id ${objectId}`)
      return clone(found) as T
    },
    objects<T>(kind: string): T[] {
      return clone(store.all<FakeObject>(kind)) as T[]
    },
    failNext(count, status = 500, failOptions = {}) {
      if (!Number.isInteger(count) || count < 0)
        throw new Error('fakeStripe.failNext: count is a whole number')
      if (status < 400 || status > 599) throw new Error('fakeStripe.failNext: status is an HTTP error status')
      failures = { remaining: count, status, options: failOptions }
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms)
    },
    signEvent(event, signOptions = {}) {
      return signEvent(event, {
        secret: signOptions.secret ?? webhookSecret,
        timestamp: signOptions.timestamp ?? Math.floor(now() / 1000),
      })
    },
    deliver(events, send, deliverOptions = {}) {
      return deliverEvents(events, send, {
        ...deliverOptions,
        secret: deliverOptions.secret ?? webhookSecret,
        now,
      })
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      )
    },
  }
  return fake
}

/** Stripe's two 401s: no key, or a key that is not a test secret key. */
function authenticate(authorization: string | undefined): StripeFault | undefined {
  if (!authorization) {
    return new StripeFault(
      401,
      'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    )
  }
  const key = authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : ''
  if (!secretKeyPattern.test(key)) {
    const shown = key ? `${key.slice(0, 8)}***${key.slice(-4)}` : authorization.split(' ')[0]
    return new StripeFault(
      401,
      'invalid_request_error',
      `Invalid API Key provided: ${shown}. fake-stripe accepts test secret keys (sk_test_…) as Bearer tokens.`,
    )
  }
  return undefined
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Key-order-independent JSON, so the same parameters in another order still match their idempotency key. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

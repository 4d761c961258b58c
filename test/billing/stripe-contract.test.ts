/**
 * Our Stripe client (src/billing/stripe-client.ts) against the real `stripe` SDK: every call quanzi makes, with
 * the parameters its call sites send, goes once through the SDK and once through ours to a capture server,
 * and the two recorded requests must be the same (method, path, query string, body byte for byte, API version,
 * key, idempotency key, content type). Then how both treat Stripe's errors, retries and a hanging Stripe.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import Stripe from 'stripe'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  createStripe,
  type Stripe as StripeApi,
  StripeApiError,
  StripeConnectionError,
  stripeApiVersion,
} from '../../src/billing/stripe-client'
import { type PriceRow, sessionParams } from '../../src/checkout/checkout-rules'
import { parseForm } from '../../src/dev/local-stripe/form'

const secretKey = 'sk_test_contract_0123456789'

interface Captured {
  method: string
  path: string
  /** The raw query string, without `?`. */
  query: string
  body: string
  headers: Record<string, string | undefined>
}

interface Answer {
  status: number
  body: unknown
  headers?: Record<string, string>
  /** Never answer (the client must time out). */
  hang?: boolean
}

let server: Server
let url: string
let captured: Captured[] = []
/** Answers for the next requests, in order; then `defaultAnswer`. */
let answers: Answer[] = []
const sockets = new Set<Socket>()

function defaultAnswer(path: string): Answer {
  if (path === '/v1/events') return { status: 200, body: { object: 'list', data: [], has_more: false } }
  return { status: 200, body: { id: 'obj_1', object: 'thing', metadata: { a: 'b' } } }
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      const target = new URL(req.url ?? '/', 'http://capture')
      captured.push({
        method: req.method ?? '',
        path: target.pathname,
        query: target.search.slice(1),
        body,
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join() : value,
          ]),
        ),
      })
      const answer = answers.shift() ?? defaultAnswer(target.pathname)
      if (answer.hang) return
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'request-id': `req_${captured.length}`,
        ...answer.headers,
      })
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body))
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => server.close(resolve))
})

beforeEach(() => {
  captured = []
  answers = []
})

/**
 * The SDK, typed as our client: this compiling proves our call shapes are a subset of the SDK's (same method
 * names, parameter and result types).
 */
function sdk(options: { maxNetworkRetries?: number; timeout?: number } = {}): StripeApi {
  const { port } = server.address() as AddressInfo
  return new Stripe(secretKey, {
    apiVersion: stripeApiVersion,
    httpClient: Stripe.createFetchHttpClient(),
    host: '127.0.0.1',
    port,
    protocol: 'http',
    maxNetworkRetries: options.maxNetworkRetries ?? 0,
    timeout: options.timeout ?? 8_000,
  })
}

function ours(options: { maxNetworkRetries?: number; timeout?: number } = {}): StripeApi {
  return createStripe(secretKey, url, { maxNetworkRetries: options.maxNetworkRetries ?? 0, ...options })
}

/** What must match between the SDK's request and ours; a generated idempotency key only has to exist. */
function comparable(request: Captured, keyGiven: boolean) {
  const key = request.headers['idempotency-key']
  return {
    method: request.method,
    path: request.path,
    query: request.query,
    body: request.body,
    authorization: request.headers.authorization,
    stripeVersion: request.headers['stripe-version'],
    contentType: request.headers['content-type'],
    accept: request.headers.accept,
    idempotencyKey: keyGiven || key === undefined ? key : 'generated',
  }
}

/** Runs the same call through the SDK and through ours; answers both requests and both results. */
async function both<T>(
  call: (client: StripeApi) => Promise<T>,
  keyGiven = false,
): Promise<{ sdkRequests: ReturnType<typeof comparable>[]; ourRequests: ReturnType<typeof comparable>[] }> {
  captured = []
  const fromSdk = await call(sdk())
  const sdkRequests = captured.map((request) => comparable(request, keyGiven))
  captured = []
  const fromOurs = await call(ours())
  const ourRequests = captured.map((request) => comparable(request, keyGiven))
  expect(ourRequests).toEqual(sdkRequests)
  expect(JSON.parse(JSON.stringify(fromOurs))).toEqual(JSON.parse(JSON.stringify(fromSdk)))
  return { sdkRequests, ourRequests }
}

const yearly: PriceRow = { id: 'pri_y', amount: 20000, currency: 'CNY', interval: 'year', termDays: null }
const pass: PriceRow = { id: 'pri_p', amount: 9900, currency: 'CNY', interval: 'once', termDays: 365 }
const sessionBase = {
  orderId: 'ord_01JCONTRACT',
  offer: {
    id: 'off_1',
    kind: 'tier' as const,
    title: '会员 & friends (2026)',
    slug: 'member',
    trialDays: 7,
    creatorId: 'cre_1',
  },
  creator: { slug: 'demo', locale: 'zh-CN' },
  publicUrl: 'https://q.example',
  now: Date.UTC(2026, 0, 1),
}

describe('requests: the SDK and our client send the same bytes', () => {
  it('checkout.sessions.create, as start-checkout sends it (card subscription, wallet pass with a slot)', async () => {
    const variants = [
      sessionParams({ ...sessionBase, price: yearly, rail: 'card', email: 'Reader+1@Example.com' }),
      sessionParams({ ...sessionBase, price: pass, rail: 'wallet', slotId: 'slot_1' }),
    ]
    for (const params of variants) {
      const options = { idempotencyKey: 'checkout-ord_01JCONTRACT', timeout: 4_000, maxNetworkRetries: 1 }
      const { ourRequests } = await both((client) => client.checkout.sessions.create(params, options), true)
      expect(ourRequests).toHaveLength(1)
      expect(ourRequests[0]).toMatchObject({
        method: 'POST',
        path: '/v1/checkout/sessions',
        query: '',
        stripeVersion: stripeApiVersion,
        authorization: `Bearer ${secretKey}`,
        contentType: 'application/x-www-form-urlencoded',
        idempotencyKey: 'checkout-ord_01JCONTRACT',
      })
      // And it decodes to the parameters that were meant (the fake Stripe's parser).
      expect(parseForm(ourRequests[0]?.body ?? '')).toMatchObject({
        client_reference_id: 'ord_01JCONTRACT',
        line_items: [{ quantity: '1', price_data: { product_data: { name: '会员 & friends (2026)' } } }],
      })
    }
  })

  it('checkout.sessions.retrieve, as the success page sends it', async () => {
    const { ourRequests } = await both((client) => client.checkout.sessions.retrieve('cs_test_a1B2'))
    expect(ourRequests[0]).toMatchObject({
      method: 'GET',
      path: '/v1/checkout/sessions/cs_test_a1B2',
      body: '',
    })
    expect(ourRequests[0]?.idempotencyKey).toBeUndefined()
  })

  it('subscriptions.retrieve, plain (change-tier) and expanded (the subscription webhook handler)', async () => {
    await both((client) => client.subscriptions.retrieve('sub_123'))
    const { ourRequests } = await both((client) =>
      client.subscriptions.retrieve('sub_123', { expand: ['customer'] }),
    )
    expect(ourRequests[0]).toMatchObject({
      method: 'GET',
      path: '/v1/subscriptions/sub_123',
      query: 'expand[0]=customer',
    })
  })

  it('prices.create and subscriptions.update, as change-tier sends them (metadata cleared with empty strings)', async () => {
    await both(
      (client) =>
        client.prices.create(
          {
            currency: 'cny',
            unit_amount: 30000,
            recurring: { interval: 'year' },
            product_data: { name: 'Gold tier' },
            metadata: { price_id: 'pri_gold', offer_id: 'off_gold' },
          },
          { idempotencyKey: 'price-pri_gold' },
        ),
      true,
    )
    const { ourRequests } = await both(
      (client) =>
        client.subscriptions.update(
          'sub_123',
          {
            items: [{ id: 'si_1', price: 'price_gold' }],
            proration_behavior: 'always_invoice',
            metadata: { offer_id: 'off_gold', price_id: 'pri_gold', pending_offer_id: '', pending_from: '' },
          },
          { idempotencyKey: 'tier-sub_123-upgrade-pri_gold-1767225600' },
        ),
      true,
    )
    expect(ourRequests[0]?.body).toContain('metadata[pending_offer_id]=&')
  })

  it('refunds.create, as a refund sends it (partial and full)', async () => {
    await both(
      (client) =>
        client.refunds.create(
          { payment_intent: 'pi_1', amount: 500 },
          { idempotencyKey: 'refund-ord_1-500' },
        ),
      true,
    )
    await both(
      (client) => client.refunds.create({ payment_intent: 'pi_1' }, { idempotencyKey: 'refund-ord_1-full' }),
      true,
    )
  })

  it('billingPortal.sessions.create, as the library sends it, with a generated idempotency key', async () => {
    const { ourRequests } = await both((client) =>
      client.billingPortal.sessions.create({ customer: 'cus_1', return_url: 'https://q.example/me' }),
    )
    expect(ourRequests[0]?.idempotencyKey).toBe('generated')
  })

  it('encodes awkward values as the SDK does: unicode, reserved characters, null, booleans, nested arrays', async () => {
    const params = {
      metadata: {
        'key with space': "a&b=c?d/e!f'g(h)i*j~k",
        'br[ack]et': '[x]',
        emoji: '😀 中文',
        empty: '',
      },
      line_items: [
        { price: 'p', quantity: 2, adjustable_quantity: { enabled: true, minimum: 0 } },
        undefined,
        { price: 'q' },
      ],
      allow_promotion_codes: false,
      customer: null,
      expires_at: 1_767_225_600,
      discounts: [],
      custom_text: undefined,
    } as unknown as Stripe.Checkout.SessionCreateParams
    await both((client) => client.checkout.sessions.create(params, { idempotencyKey: 'k' }), true)
  })

  it('events.list with auto-pagination, as reconcile iterates it', async () => {
    const event = (id: string) => ({
      id,
      object: 'event',
      type: 'charge.refunded',
      created: 1,
      data: { object: {} },
    })
    const pages = () => [
      { status: 200, body: { object: 'list', data: [event('evt_3'), event('evt_2')], has_more: true } },
      { status: 200, body: { object: 'list', data: [event('evt_1')], has_more: false } },
    ]
    const collect = async (client: StripeApi) => {
      answers = pages()
      const ids: string[] = []
      for await (const item of client.events.list({ created: { gte: 1_767_222_000 }, limit: 100 }))
        ids.push(item.id)
      return ids
    }
    captured = []
    const sdkIds = await collect(sdk())
    const sdkRequests = captured.map((request) => comparable(request, false))
    captured = []
    const ourIds = await collect(ours())
    expect(captured.map((request) => comparable(request, false))).toEqual(sdkRequests)
    expect(ourIds).toEqual(['evt_3', 'evt_2', 'evt_1'])
    expect(ourIds).toEqual(sdkIds)
    expect(captured.map((request) => request.query)).toEqual([
      'created[gte]=1767222000&limit=100',
      'created[gte]=1767222000&limit=100&starting_after=evt_2',
    ])
  })

  it('events.list awaited gives the first page', async () => {
    answers = [{ status: 200, body: { object: 'list', data: [{ id: 'evt_9' }], has_more: true } }]
    const page = await ours().events.list({ limit: 3 })
    expect(page.data.map((item) => item.id)).toEqual(['evt_9'])
    expect(captured).toHaveLength(1)
  })
})

/** The settled outcome of a call, for comparing the SDK's errors with ours. */
async function outcome(call: Promise<unknown>) {
  try {
    return { ok: true as const, value: await call }
  } catch (error) {
    return { ok: false as const, error: error as Record<string, unknown> }
  }
}

describe('errors and retries', () => {
  const errorAnswer = (status: number, error: Record<string, unknown>, headers?: Record<string, string>) => ({
    status,
    body: { error },
    ...(headers ? { headers } : {}),
  })

  it('a 404 is a StripeApiError carrying what the SDK reports (confirm-checkout answers 404 on it)', async () => {
    const missing = {
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'session',
      message: 'No such checkout.session: cs_test_gone',
    }
    answers = [errorAnswer(404, missing)]
    const fromSdk = await outcome(sdk().checkout.sessions.retrieve('cs_test_gone'))
    answers = [errorAnswer(404, missing)]
    const fromOurs = await outcome(ours().checkout.sessions.retrieve('cs_test_gone'))
    expect(fromOurs.ok || fromSdk.ok).toBe(false)
    expect(fromOurs.error).toBeInstanceOf(StripeApiError)
    expect(fromOurs.error).toMatchObject({
      statusCode: 404,
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'session',
      message: missing.message,
      requestId: 'req_2',
    })
    expect(fromSdk.error).toMatchObject({
      statusCode: 404,
      rawType: 'invalid_request_error',
      code: 'resource_missing',
      message: missing.message,
      requestId: 'req_1',
    })
  })

  it('a 402 card_error is not retried and carries its code', async () => {
    const declined = {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    }
    for (const client of [sdk({ maxNetworkRetries: 2 }), ours({ maxNetworkRetries: 2 })]) {
      captured = []
      answers = [errorAnswer(402, declined)]
      const result = await outcome(client.refunds.create({ payment_intent: 'pi_1' }, { idempotencyKey: 'r' }))
      expect(result.error).toMatchObject({
        statusCode: 402,
        code: 'card_declined',
        message: declined.message,
      })
      expect(captured).toHaveLength(1)
    }
  })

  it('a 500 then a 200 succeeds on the retry, with the same idempotency key, as with the SDK', async () => {
    for (const client of [sdk({ maxNetworkRetries: 2 }), ours({ maxNetworkRetries: 2 })]) {
      captured = []
      answers = [errorAnswer(500, { type: 'api_error', message: 'boom' })]
      const result = await outcome(
        client.billingPortal.sessions.create({ customer: 'cus_1', return_url: 'https://q.example/me' }),
      )
      expect(result).toMatchObject({ ok: true, value: { id: 'obj_1' } })
      expect(captured).toHaveLength(2)
      const keys = captured.map((request) => request.headers['idempotency-key'])
      expect(keys[0]).toBeTruthy()
      expect(keys[1]).toBe(keys[0])
    }
  })

  it('retries 409 and obeys Stripe-Should-Retry both ways, as the SDK does', async () => {
    const cases: { answer: Answer; attempts: number }[] = [
      { answer: errorAnswer(409, { type: 'invalid_request_error', message: 'lock' }), attempts: 2 },
      {
        answer: errorAnswer(500, { type: 'api_error', message: 'no' }, { 'stripe-should-retry': 'false' }),
        attempts: 1,
      },
      {
        answer: errorAnswer(
          400,
          { type: 'invalid_request_error', message: 'yes' },
          { 'stripe-should-retry': 'true' },
        ),
        attempts: 2,
      },
    ]
    for (const { answer, attempts } of cases) {
      for (const client of [sdk({ maxNetworkRetries: 1 }), ours({ maxNetworkRetries: 1 })]) {
        captured = []
        answers = [answer, answer]
        const result = await outcome(client.subscriptions.retrieve('sub_1'))
        expect(result.ok).toBe(false)
        expect(captured, `${answer.status} ${JSON.stringify(answer.headers)}`).toHaveLength(attempts)
      }
    }
  })

  it('retries a 429 (the SDK does not; Stripe asks clients to back off and retry)', async () => {
    answers = [errorAnswer(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'slow down' })]
    const result = await outcome(ours({ maxNetworkRetries: 1 }).subscriptions.retrieve('sub_1'))
    expect(result.ok).toBe(true)
    expect(captured).toHaveLength(2)
  })

  it('gives up after maxNetworkRetries with the last error', async () => {
    answers = Array.from({ length: 5 }, () => errorAnswer(503, { type: 'api_error', message: 'down' }))
    const result = await outcome(ours({ maxNetworkRetries: 2 }).subscriptions.retrieve('sub_1'))
    expect(result.error).toBeInstanceOf(StripeApiError)
    expect(result.error).toMatchObject({ statusCode: 503, type: 'api_error', requestId: 'req_3' })
    expect(captured).toHaveLength(3)
  })

  it('a body that is not JSON is a StripeApiError with its status', async () => {
    answers = [{ status: 502, body: '<html>Bad gateway</html>' }]
    const result = await outcome(ours().subscriptions.retrieve('sub_1'))
    expect(result.error).toBeInstanceOf(StripeApiError)
    expect(result.error).toMatchObject({ statusCode: 502 })
  })

  it('a hanging Stripe times out per attempt as a StripeConnectionError, retried like the SDK', async () => {
    for (const [name, client] of [
      ['sdk', sdk({ maxNetworkRetries: 1, timeout: 300 })],
      ['ours', ours({ maxNetworkRetries: 1, timeout: 300 })],
    ] as const) {
      captured = []
      answers = [
        { status: 200, body: {}, hang: true },
        { status: 200, body: {}, hang: true },
      ]
      const started = Date.now()
      const result = await outcome(
        client.checkout.sessions.create(sessionParams({ ...sessionBase, price: pass, rail: 'card' })),
      )
      const elapsed = Date.now() - started
      expect(result.ok, name).toBe(false)
      expect(result.error?.constructor.name, name).toBe('StripeConnectionError')
      expect(String(result.error?.message), name).toContain('timeout')
      expect(captured, name).toHaveLength(2)
      // Two tries of 300 ms and one backoff of 0.5–1 s.
      expect(elapsed, name).toBeGreaterThanOrEqual(1_000)
      expect(elapsed, name).toBeLessThan(3_000)
    }
  })

  it('the per-request timeout and retries override the client defaults (checkout: two tries of 4 s)', async () => {
    answers = [{ status: 200, body: {}, hang: true }]
    const client = ours({ maxNetworkRetries: 2, timeout: 60_000 })
    const result = await outcome(
      client.checkout.sessions.retrieve('cs_test_1', undefined, { timeout: 200, maxNetworkRetries: 0 }),
    )
    expect(result.error).toBeInstanceOf(StripeConnectionError)
    expect(result.error).toMatchObject({ timedOut: true })
    expect(captured).toHaveLength(1)
  })

  it('a refused connection is a StripeConnectionError, not a timeout', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const result = await outcome(
      createStripe(secretKey, `http://127.0.0.1:${port}`, { maxNetworkRetries: 0 }).subscriptions.retrieve(
        'sub_1',
      ),
    )
    expect(result.error).toBeInstanceOf(StripeConnectionError)
    expect(result.error).toMatchObject({ timedOut: false })
    expect(String(result.error?.message)).toContain('connection to Stripe')
  })
})

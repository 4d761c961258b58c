/**
 * quanzi's own Stripe client: the few v1 endpoints the app calls, over `fetch`, with Web APIs only (fetch,
 * AbortSignal, crypto.randomUUID), so it runs the same on Node and Workers.
 *
 * Why not the `stripe` SDK: it puts ~240 KiB of minified code into the Worker bundle for ten calls. Its types
 * stay (`import type`, erased at build), so params and results are Stripe's own and call sites read as they
 * did; the SDK itself remains the reference in test/billing/stripe-contract.test.ts, which proves that this
 * client sends byte-for-byte the requests the SDK sends.
 *
 * What it keeps from the SDK: form encoding (`a[b][0]=…`, see `encodeForm`), the pinned Stripe-Version, an
 * Idempotency-Key on every POST (ours, or a generated one so a retry cannot act twice), GET parameters in the
 * query string, retries of network errors, timeouts, 409 and 5xx with the SDK's backoff (and 429 too, which
 * the SDK leaves to the caller), `Stripe-Should-Retry` obeyed either way, and list auto-pagination. Errors are
 * `StripeApiError` (Stripe answered; `statusCode`, `type`, `code`, `requestId`) or `StripeConnectionError`
 * (no answer: network failure or timeout). Unlike the SDK, `*_decimal` fields stay strings as on the wire (and
 * as in webhook payloads), not `Decimal` objects; quanzi reads none of them.
 */
import type StripeSdk from 'stripe'

/** The API version of stripe 23.x; pinned so Stripe's object shapes cannot change under the code. */
export const stripeApiVersion = '2026-10-28.endive'

/** The SDK's per-request options that quanzi uses. */
export interface RequestOptions {
  idempotencyKey?: string
  /** Milliseconds per attempt; default the client's (8 s). */
  timeout?: number
  maxNetworkRetries?: number
}

/** A list call: awaited, the first page; iterated with `for await`, every item across pages (forward only). */
export type ListPromise<T> = Promise<StripeSdk.ApiList<T>> & AsyncIterable<T>

export interface Stripe {
  checkout: {
    sessions: {
      create(
        params: StripeSdk.Checkout.SessionCreateParams,
        options?: RequestOptions,
      ): Promise<StripeSdk.Checkout.Session>
      retrieve(
        id: string,
        params?: StripeSdk.Checkout.SessionRetrieveParams,
        options?: RequestOptions,
      ): Promise<StripeSdk.Checkout.Session>
    }
  }
  subscriptions: {
    retrieve(
      id: string,
      params?: StripeSdk.SubscriptionRetrieveParams,
      options?: RequestOptions,
    ): Promise<StripeSdk.Subscription>
    update(
      id: string,
      params: StripeSdk.SubscriptionUpdateParams,
      options?: RequestOptions,
    ): Promise<StripeSdk.Subscription>
  }
  refunds: {
    create(params: StripeSdk.RefundCreateParams, options?: RequestOptions): Promise<StripeSdk.Refund>
  }
  prices: { create(params: StripeSdk.PriceCreateParams, options?: RequestOptions): Promise<StripeSdk.Price> }
  events: {
    list(
      params?: Omit<StripeSdk.EventListParams, 'ending_before'>,
      options?: RequestOptions,
    ): ListPromise<StripeSdk.Event>
  }
  billingPortal: {
    sessions: {
      create(
        params: StripeSdk.BillingPortal.SessionCreateParams,
        options?: RequestOptions,
      ): Promise<StripeSdk.BillingPortal.Session>
    }
  }
}

/** SDK types under this module's name, for code written against the SDK instance (`Stripe.Checkout.Session`). */
export declare namespace Stripe {
  type Event = StripeSdk.Event
  namespace Checkout {
    type Session = StripeSdk.Checkout.Session
  }
}

/** Stripe answered with an error. `type` is Stripe's (`card_error`, `invalid_request_error`, `api_error`, …). */
export class StripeApiError extends Error {
  override name = 'StripeApiError'
  readonly type: string
  readonly code: string | undefined
  readonly param: string | undefined
  constructor(
    readonly statusCode: number,
    readonly requestId: string | undefined,
    error: { type?: string; code?: string; param?: string; message?: string },
  ) {
    super(error.message ?? `Stripe answered HTTP ${statusCode}`)
    this.type = error.type ?? 'api_error'
    this.code = error.code
    this.param = error.param
  }
}

/** No answer from Stripe: the network failed or the request timed out (after the retries). */
export class StripeConnectionError extends Error {
  override name = 'StripeConnectionError'
  constructor(
    message: string,
    readonly timedOut: boolean,
    cause: unknown,
  ) {
    super(message, { cause })
  }
}

type Params = object | undefined

/**
 * Stripe's v1 form encoding as the SDK writes it: nested objects as `a[b]`, arrays indexed `a[0]`, `undefined`
 * left out (an array keeps its other indices), `null` as the empty string (Stripe's "unset"), dates as Unix
 * seconds, brackets left unescaped and `!'()*` escaped.
 */
export function encodeForm(params: Params): string {
  const pairs: string[] = []
  const encode = (text: string) =>
    encodeURIComponent(text)
      .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%5B/g, '[')
      .replace(/%5D/g, ']')
  const add = (key: string, value: unknown): void => {
    if (value === undefined) return
    if (value === null || typeof value !== 'object' || value instanceof Date) {
      const text = value instanceof Date ? String(Math.floor(value.getTime() / 1000)) : String(value ?? '')
      pairs.push(`${encode(key)}=${encode(text)}`)
    } else {
      // Arrays too: their entries are `[index, item]`, so `a[0]`, `a[1]`, … as the SDK writes them.
      for (const [name, item] of Object.entries(value)) add(`${key}[${name}]`, item)
    }
  }
  for (const [name, value] of Object.entries(params ?? {})) add(name, value)
  return pairs.join('&')
}

/** The SDK's backoff before retry n (1, 2, …): 0.5 s doubling up to 5 s, jittered to half, at least 0.5 s. */
function backoff(retry: number): Promise<void> {
  const ms = Math.max(500, Math.min(500 * 2 ** (retry - 1), 5_000) * (0.5 + Math.random() / 2))
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function shouldRetry(response: Response): boolean {
  const advice = response.headers.get('stripe-should-retry')
  if (advice === 'false' || advice === 'true') return advice === 'true'
  return response.status === 409 || response.status === 429 || response.status >= 500
}

export function createStripe(
  secretKey: string,
  apiBase?: string,
  options: { maxNetworkRetries?: number; timeout?: number } = {},
): Stripe {
  const origin = new URL(apiBase ?? 'https://api.stripe.com').origin
  const defaults = { maxNetworkRetries: options.maxNetworkRetries ?? 2, timeout: options.timeout ?? 8_000 }

  async function request<T>(method: 'GET' | 'POST', path: string, params: Params, opts: RequestOptions = {}) {
    const form = encodeForm(params)
    const url = `${origin}${path}${method === 'GET' && form ? `?${form}` : ''}`
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${secretKey}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      'Stripe-Version': stripeApiVersion,
      'User-Agent': 'Stripe/v1 quanzi',
    }
    // Every POST carries a key, as with the SDK: a retry after a lost answer then cannot act twice.
    const idempotencyKey = opts.idempotencyKey ?? (method === 'POST' ? `quanzi-${crypto.randomUUID()}` : null)
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey
    const timeout = opts.timeout ?? defaults.timeout
    const maxRetries = opts.maxNetworkRetries ?? defaults.maxNetworkRetries
    for (let attempt = 0; ; attempt++) {
      const signal = AbortSignal.timeout(timeout)
      let response: Response
      let text: string
      try {
        response = await fetch(url, { method, headers, body: method === 'POST' ? form : undefined, signal })
        text = await response.text()
      } catch (error) {
        if (attempt < maxRetries) {
          await backoff(attempt + 1)
          continue
        }
        throw new StripeConnectionError(
          signal.aborted
            ? `Request aborted due to timeout being reached (${timeout}ms)`
            : `An error occurred with our connection to Stripe.${attempt ? ` Request was retried ${attempt} times.` : ''}`,
          signal.aborted,
          error,
        )
      }
      if (!response.ok && attempt < maxRetries && shouldRetry(response)) {
        await backoff(attempt + 1)
        continue
      }
      const requestId = response.headers.get('request-id') ?? undefined
      let body: { error?: { type?: string; code?: string; param?: string; message?: string } }
      try {
        body = JSON.parse(text)
      } catch {
        throw new StripeApiError(response.status, requestId, {
          message: 'Invalid JSON received from the Stripe API',
        })
      }
      if (body.error || !response.ok) throw new StripeApiError(response.status, requestId, body.error ?? {})
      return body as T
    }
  }

  function list<T extends { id: string }>(
    path: string,
    params: Params,
    opts?: RequestOptions,
  ): ListPromise<T> {
    const first = request<StripeSdk.ApiList<T>>('GET', path, params, opts)
    async function* all(): AsyncGenerator<T> {
      for (let page = await first; ; ) {
        yield* page.data
        const last = page.data.at(-1)
        if (!page.has_more || !last) return
        page = await request<StripeSdk.ApiList<T>>('GET', path, { ...params, starting_after: last.id }, opts)
      }
    }
    return Object.assign(first, { [Symbol.asyncIterator]: all })
  }

  const id = encodeURIComponent
  return {
    checkout: {
      sessions: {
        create: (params, opts) => request('POST', '/v1/checkout/sessions', params, opts),
        retrieve: (sessionId, params, opts) =>
          request('GET', `/v1/checkout/sessions/${id(sessionId)}`, params, opts),
      },
    },
    subscriptions: {
      retrieve: (subscriptionId, params, opts) =>
        request('GET', `/v1/subscriptions/${id(subscriptionId)}`, params, opts),
      update: (subscriptionId, params, opts) =>
        request('POST', `/v1/subscriptions/${id(subscriptionId)}`, params, opts),
    },
    refunds: { create: (params, opts) => request('POST', '/v1/refunds', params, opts) },
    prices: { create: (params, opts) => request('POST', '/v1/prices', params, opts) },
    events: { list: (params, opts) => list('/v1/events', params, opts) },
    billingPortal: {
      sessions: { create: (params, opts) => request('POST', '/v1/billing_portal/sessions', params, opts) },
    },
  }
}

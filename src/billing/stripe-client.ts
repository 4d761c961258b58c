/**
 * The Stripe SDK as quanzi uses it: the fetch HTTP client (the same on Node and Workers), the API version the
 * code was written against pinned, and an optional Stripe-compatible base URL for tests.
 */
import Stripe from 'stripe'

/** The API version of stripe 23.x; pinned so Stripe's object shapes cannot change under the code. */
export const stripeApiVersion = '2026-10-28.endive'

export function createStripe(
  secretKey: string,
  apiBase?: string,
  options: { maxNetworkRetries?: number } = {},
): Stripe {
  const base = apiBase ? new URL(apiBase) : null
  return new Stripe(secretKey, {
    apiVersion: stripeApiVersion,
    httpClient: Stripe.createFetchHttpClient(),
    // Stripe retries idempotent requests on network errors; with our idempotency keys that is safe.
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: 8_000,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol === 'http:' ? 'http' : 'https',
        }
      : {}),
  })
}

export type { Stripe }

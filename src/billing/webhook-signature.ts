/**
 * Stripe webhook signatures, checked as the SDK's `webhooks.constructEventAsync` checks them, with Web Crypto
 * (the same on Node and Workers) and without the SDK in the bundle.
 *
 * The `Stripe-Signature` header is `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` (more v1 entries while a secret is
 * rolled; v0 and unknown schemes are ignored). A v1 entry must equal HMAC-SHA256(secret, `${t}.${payload}`),
 * compared in constant time, over the raw body exactly as received. A signature older than the tolerance is
 * refused (replay protection); like the SDK, a timestamp in the future is not, since only the holder of the
 * secret can sign one. test/billing/webhook-signature.test.ts runs every case through both and compares.
 */
import type Stripe from 'stripe'
import { hmacSha256Hex, timingSafeEqual } from '../lib/crypto'

/** Why a webhook was refused; the route answers 400 whatever the reason. */
export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError'
}

/** Verifies `header` for `payload` and answers the event it carries; throws WebhookSignatureError if not. */
export async function verifyStripeWebhook(
  payload: string,
  header: string | null | undefined,
  secret: string,
  options: { toleranceSeconds: number; nowMs: number },
): Promise<Stripe.Event> {
  if (!payload) throw new WebhookSignatureError('No webhook payload was provided.')
  if (!header) throw new WebhookSignatureError('No stripe-signature header value was provided.')
  if (!secret.trim()) throw new WebhookSignatureError('No webhook secret was provided.')
  let timestamp: number | null = null
  const signatures: string[] = []
  for (const item of header.split(',')) {
    const at = item.indexOf('=')
    if (at < 0) continue
    const [name, value] = [item.slice(0, at), item.slice(at + 1)]
    // The last `t` counts, as in the SDK; a garbled one makes the whole header garbled.
    if (name === 't') timestamp = /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN
    else if (name === 'v1') signatures.push(value)
  }
  if (timestamp === null || Number.isNaN(timestamp))
    throw new WebhookSignatureError('Unable to extract timestamp and signatures from header')
  if (signatures.length === 0) throw new WebhookSignatureError('No signatures found with expected scheme')
  const expected = await hmacSha256Hex(secret, `${timestamp}.${payload}`)
  // Every entry is compared (no early exit), each in constant time.
  if (!signatures.map((signature) => timingSafeEqual(signature, expected)).includes(true))
    throw new WebhookSignatureError('No signatures found matching the expected signature for payload')
  const age = Math.floor(options.nowMs / 1000) - timestamp
  if (options.toleranceSeconds > 0 && age > options.toleranceSeconds)
    throw new WebhookSignatureError('Timestamp outside the tolerance zone')
  return JSON.parse(payload) as Stripe.Event
}

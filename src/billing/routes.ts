/**
 * `POST /webhooks/stripe`: verify the signature on the raw body, then process the event through the ledger.
 * Bad, stale, missing or tampered signatures answer 400 and write nothing; a database failure answers 5xx so
 * Stripe retries (the event's batch either fully applied or not at all).
 */
import { Hono } from 'hono'
import type Stripe from 'stripe'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { badRequest, serviceUnavailable } from '../lib/problem'
import { dispatchAfterResponse } from '../mail/outbox'
import { keepSignedPayload } from './ledger'
import { processStripeEvent } from './process-event'
import { verifyStripeWebhook } from './webhook-signature'

/** Stripe's default: a signature older than five minutes is refused (replay protection). */
export const signatureToleranceSeconds = 300

export function billingRoutes(deps: Deps) {
  return new Hono<AppEnv>().post('/webhooks/stripe', async (c) => {
    const secret = deps.config.STRIPE_WEBHOOK_SECRET
    if (!secret) throw serviceUnavailable('Webhooks are not configured (STRIPE_WEBHOOK_SECRET is unset).')
    const signature = c.req.header('stripe-signature')
    if (!signature) throw badRequest('Missing Stripe-Signature header.')
    const payload = await c.req.text()
    let event: Stripe.Event
    try {
      // Web Crypto, so the same verifier runs on Node and Workers. The clock, so tests can move time.
      event = await verifyStripeWebhook(payload, signature, secret, {
        toleranceSeconds: signatureToleranceSeconds,
        nowMs: deps.clock.now(),
      })
    } catch (error) {
      deps.logger.warn('webhook signature refused', { requestId: c.var.requestId, reason: String(error) })
      throw badRequest('The Stripe-Signature does not match this payload and secret, or is too old.')
    }
    keepSignedPayload(event, payload)
    const { outcome, mailQueued } = await processStripeEvent(deps, event, 'webhook')
    // A purchase queued its receipt in the same batch: send it now rather than at the next cron run. Events that
    // queued nothing (renewals, refunds, duplicates) leave the outbox alone.
    if (mailQueued) dispatchAfterResponse(deps, c)
    deps.logger.info('stripe event', { eventId: event.id, type: event.type, outcome })
    return c.json({ received: true, outcome }, 200)
  })
}

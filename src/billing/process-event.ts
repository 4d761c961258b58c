/**
 * The one path every Stripe event takes, whether it came by webhook, by reconciliation or from the success page:
 * event.type → handler. Unknown types are recorded and answered 2xx (Stripe sends what the endpoint subscribes
 * to; an unexpected one must not be retried for days).
 */
import type Stripe from 'stripe'
import type { Deps } from '../deps'
import { handleChargeEvent } from './charge-events'
import { type EventOutcome, recordOnly } from './ledger'
import { handleSessionEvent } from './session-events'

type Handler = (
  deps: Pick<Deps, 'db' | 'clock' | 'logger'>,
  event: Stripe.Event,
  via: string,
) => Promise<EventOutcome>

const handlers: Partial<Record<Stripe.Event['type'], Handler>> = {
  'checkout.session.completed': handleSessionEvent,
  'checkout.session.async_payment_succeeded': handleSessionEvent,
  'checkout.session.async_payment_failed': handleSessionEvent,
  'checkout.session.expired': handleSessionEvent,
  'charge.refunded': handleChargeEvent,
  'charge.dispute.created': handleChargeEvent,
  'charge.dispute.closed': handleChargeEvent,
}

export async function processStripeEvent(
  deps: Pick<Deps, 'db' | 'clock' | 'logger'>,
  event: Stripe.Event,
  via: 'webhook' | 'reconcile' | 'checkout_success',
): Promise<EventOutcome> {
  const handler = handlers[event.type] ?? recordOnly
  return handler(deps, event, via)
}

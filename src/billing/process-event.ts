/**
 * The one path every Stripe event takes, whether it came by webhook, by reconciliation or from the success page:
 * event.type → handler. Unknown types are recorded and answered 2xx (Stripe sends what the endpoint subscribes
 * to; an unexpected one must not be retried for days).
 */
import type Stripe from 'stripe'
import { staleRead } from '../db/errors'
import type { Deps } from '../deps'
import { handleChargeEvent } from './charge-events'
import { type Handled, recordOnly } from './ledger'
import { handleSessionEvent } from './session-events'
import { handleSubscriptionEvent } from './subscription-events'

type HandlerDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'stripe' | 'config'>
type Handler = (deps: HandlerDeps, event: Stripe.Event, via: string) => Promise<Handled>

const handlers: Partial<Record<Stripe.Event['type'], Handler>> = {
  'checkout.session.completed': handleSessionEvent,
  'checkout.session.async_payment_succeeded': handleSessionEvent,
  'checkout.session.async_payment_failed': handleSessionEvent,
  'checkout.session.expired': handleSessionEvent,
  'charge.refunded': handleChargeEvent,
  'charge.dispute.created': handleChargeEvent,
  'charge.dispute.closed': handleChargeEvent,
  'customer.subscription.created': handleSubscriptionEvent,
  'customer.subscription.updated': handleSubscriptionEvent,
  'customer.subscription.deleted': handleSubscriptionEvent,
  'invoice.paid': handleSubscriptionEvent,
  'invoice.payment_failed': handleSubscriptionEvent,
}

export async function processStripeEvent(
  deps: HandlerDeps,
  event: Stripe.Event,
  via: 'webhook' | 'reconcile' | 'checkout_success' | 'api',
): Promise<Handled> {
  // A completed subscription checkout is a subscription fact: its handler reads the subscription itself.
  const mode = (event.data.object as { object?: string; mode?: string }).mode
  if (event.type === 'checkout.session.completed' && mode === 'subscription')
    return handleSubscriptionEvent(deps, event, via)
  const handler = handlers[event.type] ?? recordOnly
  // A handler reads, decides, then writes one guarded batch. If a concurrent event about the same payment
  // committed in between, the batch aborts whole (staleRead) and the event is simply read and decided again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await handler(deps, event, via)
    } catch (error) {
      if (!staleRead(error) || attempt >= maxAttempts) throw error
      deps.logger.info('stripe event raced another write; processing it again', {
        eventId: event.id,
        attempt,
      })
    }
  }
}

const maxAttempts = 4

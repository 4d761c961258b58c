/**
 * The success page's verb: read the Checkout Session back from Stripe and, if it is paid, fulfil it through the
 * same handler the webhook uses — so the buyer has access before the webhook lands, and the webhook then finds
 * nothing left to do (the order is already paid; the handler is idempotent).
 */
import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import { processStripeEvent } from '../billing/process-event'
import { StripeApiError } from '../billing/stripe-client'
import { creators, offers, orders } from '../db/schema'
import type { Deps } from '../deps'
import { notFound, serviceUnavailable } from '../lib/problem'

export interface CheckoutOutcome {
  state: 'paid' | 'processing' | 'unpaid'
  email: string | null
  offerTitle: string
  creatorSlug: string
  creatorName: string
  locale: string
}

export async function confirmCheckout(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'stripe' | 'config'>,
  sessionId: string,
): Promise<CheckoutOutcome> {
  if (!deps.stripe) throw serviceUnavailable('Payments are not configured on this server.')
  if (!/^cs_[A-Za-z0-9_]{1,200}$/.test(sessionId)) throw notFound('checkout session', sessionId)
  let session: Stripe.Checkout.Session
  try {
    session = await deps.stripe.checkout.sessions.retrieve(sessionId)
  } catch (error) {
    if (error instanceof StripeApiError && error.statusCode === 404)
      throw notFound('checkout session', sessionId)
    throw error
  }
  const orderId = session.metadata?.order_id ?? session.client_reference_id ?? ''

  if (session.status === 'complete' && session.mode === 'payment') {
    // A Stripe-shaped event for the fact we just read. Its id is derived from the session and payment status,
    // so reloading the page is a ledger no-op, and the real webhook event (another id) finds the order paid.
    await processStripeEvent(
      deps,
      {
        id: `evt_success_${session.id}_${session.payment_status}`,
        object: 'event',
        type: 'checkout.session.completed',
        created: Math.floor(deps.clock.now() / 1000),
        data: { object: session },
      } as Stripe.Event,
      'checkout_success',
    )
  }

  const [row] = await deps.db
    .select({
      status: orders.status,
      email: orders.email,
      offerTitle: offers.title,
      creatorSlug: creators.slug,
      creatorName: creators.name,
      locale: creators.locale,
    })
    .from(orders)
    .innerJoin(offers, eq(offers.id, orders.offerId))
    .innerJoin(creators, eq(creators.id, orders.creatorId))
    .where(eq(orders.id, orderId))
  if (!row) throw notFound('order for checkout session', sessionId)
  const paid = ['paid', 'refunded', 'disputed'].includes(row.status)
  return {
    state: paid ? 'paid' : session.status === 'complete' ? 'processing' : 'unpaid',
    email: row.email ?? session.customer_details?.email ?? null,
    offerTitle: row.offerTitle,
    creatorSlug: row.creatorSlug,
    creatorName: row.creatorName,
    locale: row.locale,
  }
}

/**
 * What happens on Stripe's side after checkout: a buyer pays (or an async method settles later), a subscription
 * renews, fails and recovers, changes price, is canceled; charges are refunded and disputed. Each control mutates
 * the stored objects, appends the events Stripe would send, and returns those events (deep copies).
 *
 * The fake emits only the event types listed in index.ts. Real Stripe sends more around each change
 * (customer.created, payment_intent.*, invoice.created/finalized/payment_succeeded, refund.created, …): a
 * webhook handler must answer 2xx to types it does not handle.
 */
import type Stripe from 'stripe'
import { expireCheckoutSession } from './checkout'
import { invalidRequest, StripeFault } from './errors'
import {
  addInterval,
  buildCustomer,
  buildDispute,
  buildInvoice,
  buildPaymentIntent,
  buildPrice,
  buildSubscription,
  chargePaymentIntent,
  type FakeCharge,
  type FakeCustomer,
  type FakeDispute,
  type FakeInvoice,
  type FakeInvoicePayment,
  type FakePaymentIntent,
  type FakePrice,
  type FakeRefund,
  type FakeSession,
  type FakeSubscription,
  type Interval,
  setPeriod,
  subscriptionAmount,
} from './objects'
import { mergeMetadata } from './params'
import { clone, type EventRequest, type Store } from './store'

export interface CompleteSessionOptions {
  /** `customer_details.email`; default: the session's `customer_email`, its customer's email, or buyer@example.com. */
  email?: string
  /** `customer_details.name`; default null. */
  name?: string
  /**
   * `'paid'` (default): the payment succeeded at checkout. `'unpaid'`: an asynchronous method (Alipay and
   * WeChat Pay can settle late) is still pending; follow with asyncPaymentSucceeded or asyncPaymentFailed.
   */
  paymentStatus?: 'paid' | 'unpaid'
  /** The payment method type used; default: the session's first allowed type (`card` when none were set). */
  paymentMethod?: string
}

export interface PriceChange {
  unit_amount?: number
  interval?: Interval
  interval_count?: number
  /** Merged into the subscription's metadata; an empty string removes a key (Stripe's rule). */
  metadata?: Record<string, string>
}

export interface SubscriptionUpdate {
  price?: FakePrice
  /**
   * `proration_behavior: 'always_invoice'`: a price change within the same interval bills the unused rest of the
   * period's difference at once (an upgrade costs a positive amount, paid immediately; a cheaper price is
   * credited, which the fake does not model). Otherwise a same-interval change takes effect at renewal.
   */
  invoiceProrationNow?: boolean
  metadata?: Record<string, string>
  cancelAtPeriodEnd?: boolean
}

function fail(control: string, message: string): never {
  throw new Error(`fakeStripe.${control}: ${message}`)
}

function requireObject<T extends { object: string }>(
  store: Store,
  control: string,
  id: string,
  kind: string,
): T & { id: string; [field: string]: unknown } {
  const found = store.find<T & { id: string; [field: string]: unknown }>(id, kind)
  if (!found) fail(control, `no ${kind} with id ${id}`)
  return found
}

function customerEmail(store: Store, customerId: string): string | null {
  return store.find<FakeCustomer>(customerId, 'customer')?.email ?? null
}

/** The invoice's attempt still open (a declined charge waiting for a retry), if any. */
function openAttempt(invoice: FakeInvoice): FakeInvoicePayment | undefined {
  return invoice.payments.data.find((payment) => payment.status === 'open')
}

/**
 * Pays an open invoice by card (the open attempt's PaymentIntent, or a new one); free invoices are simply marked
 * paid. Returns the paid InvoicePayment (none for a free invoice): `paidEvents` announces it.
 */
function payInvoice(
  store: Store,
  invoice: FakeInvoice,
  paymentMethodType = 'card',
): FakeInvoicePayment | null {
  const paidAt = store.seconds()
  let paid: FakeInvoicePayment | null = null
  if (invoice.amount_due > 0) {
    const attempt = openAttempt(invoice)
    const paymentIntent =
      (attempt && store.find<FakePaymentIntent>(attempt.payment.payment_intent, 'payment_intent')) ??
      buildPaymentIntent(store, {
        amount: invoice.amount_due,
        currency: invoice.currency,
        customer: invoice.customer,
        metadata: {},
        paymentMethodTypes: [paymentMethodType],
        status: 'processing',
      })
    chargePaymentIntent(store, paymentIntent, {
      paymentMethodType,
      email: customerEmail(store, invoice.customer),
    })
    paid = attempt ?? invoicePayment(store, invoice, paymentIntent.id)
    if (!attempt) {
      invoice.payments.data.push(paid)
      invoice.payments.total_count = invoice.payments.data.length
    }
    paid.status = 'paid'
    paid.amount_paid = invoice.amount_due
    paid.status_transitions = { canceled_at: null, paid_at: paidAt }
    invoice.attempt_count += 1
  }
  invoice.attempted = true
  invoice.status = 'paid'
  invoice.amount_paid = invoice.amount_due
  invoice.amount_remaining = 0
  invoice.next_payment_attempt = null
  invoice.status_transitions.paid_at = paidAt
  return paid
}

/** `invoice.paid`, then `invoice_payment.paid` when money moved (a free invoice has no payment). */
function paidEvents(
  store: Store,
  invoice: FakeInvoice,
  paid: FakeInvoicePayment | null,
  request?: EventRequest,
): Stripe.Event[] {
  const events = [store.emit('invoice.paid', invoice, request ? { request } : {})]
  if (paid) events.push(store.emit('invoice_payment.paid', paid, request ? { request } : {}))
  return events
}

function failInvoiceAttempt(store: Store, invoice: FakeInvoice): void {
  let attempt = openAttempt(invoice)
  const existing = attempt && store.find<FakePaymentIntent>(attempt.payment.payment_intent, 'payment_intent')
  const paymentIntent =
    existing ??
    buildPaymentIntent(store, {
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer: invoice.customer,
      metadata: {},
      paymentMethodTypes: ['card'],
      status: 'requires_payment_method',
    })
  if (!attempt) {
    attempt = invoicePayment(store, invoice, paymentIntent.id)
    invoice.payments.data.push(attempt)
    invoice.payments.total_count = invoice.payments.data.length
  }
  paymentIntent.status = 'requires_payment_method'
  paymentIntent.last_payment_error = {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
    type: 'card_error',
  }
  invoice.attempted = true
  invoice.attempt_count += 1
  // Smart Retries: the next attempt a few days later.
  invoice.next_payment_attempt = store.seconds() + 3 * 86_400
}

/** A new, open attempt to pay `invoice` with `paymentIntent`. */
function invoicePayment(store: Store, invoice: FakeInvoice, paymentIntent: string): FakeInvoicePayment {
  return {
    id: store.nextId('inpay', 24),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: invoice.amount_due,
    created: store.seconds(),
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { payment_intent: paymentIntent, type: 'payment_intent' },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  }
}

function anchorDay(subscription: FakeSubscription): number {
  return new Date(subscription.billing_cycle_anchor * 1000).getUTCDate()
}

/** Starts the next period (Stripe advances the period when it creates the renewal invoice, paid or not). */
function advancePeriod(store: Store, subscription: FakeSubscription): FakeInvoice {
  const item = subscription.items.data[0]
  const recurring = item?.price.recurring
  if (!item || !recurring) throw new Error(`subscription ${subscription.id} has no recurring item`)
  const usage = { start: subscription.current_period_start, end: subscription.current_period_end }
  const end = addInterval(usage.end, recurring.interval, recurring.interval_count, anchorDay(subscription))
  setPeriod(subscription, usage.end, end)
  const invoice = buildInvoice(store, subscription, {
    billingReason: 'subscription_cycle',
    amount: subscriptionAmount(subscription),
    usagePeriod: usage,
    email: customerEmail(store, subscription.customer),
  })
  subscription.latest_invoice = invoice.id
  return invoice
}

// ---- Cores shared by the API routes and the scenario controls ----

/** Refunds (part of) a charge; `charge.refunded` carries the charge with its new `amount_refunded`. */
export function refundCharge(
  store: Store,
  input: {
    charge: FakeCharge
    amount?: number | undefined
    reason?: string
    metadata?: Record<string, string>
  },
  request?: EventRequest,
): { refund: FakeRefund; events: Stripe.Event[] } {
  const { charge } = input
  const remaining = charge.amount - charge.amount_refunded
  if (remaining <= 0) {
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      undefined,
      'charge_already_refunded',
    )
  }
  const openDispute = store
    .all<FakeDispute>('dispute')
    .find((dispute) => dispute.charge === charge.id && dispute.status === 'needs_response')
  if (openDispute) {
    throw invalidRequest(
      `Charge ${charge.id} has been charged back; cannot issue a refund.`,
      undefined,
      'charge_disputed',
    )
  }
  const amount = input.amount ?? remaining
  if (amount < 1) throw invalidRequest('Refund amount must be at least 1.', 'amount')
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
      'amount',
      'amount_too_large',
    )
  }
  const refund = store.put<FakeRefund>({
    id: store.nextId('re', 24),
    object: 'refund',
    amount,
    balance_transaction: store.nextId('txn', 24),
    charge: charge.id,
    created: store.seconds(),
    currency: charge.currency,
    destination_details: null,
    metadata: input.metadata ?? {},
    payment_intent: charge.payment_intent,
    reason: input.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  })
  charge.amount_refunded += amount
  charge.refunded = charge.amount_refunded === charge.amount
  return { refund, events: [store.emit('charge.refunded', charge, { request })] }
}

/** Ends a subscription now: `status: 'canceled'`, `ended_at`, event `customer.subscription.deleted`. */
export function cancelSubscriptionNow(
  store: Store,
  subscription: FakeSubscription,
  request?: EventRequest,
): Stripe.Event[] {
  if (subscription.status === 'canceled') {
    throw invalidRequest(`Subscription ${subscription.id} is already canceled.`)
  }
  const now = store.seconds()
  subscription.status = 'canceled'
  subscription.ended_at = now
  subscription.canceled_at = subscription.canceled_at ?? now
  subscription.cancel_at = null
  subscription.cancellation_details = { comment: null, feedback: null, reason: 'cancellation_requested' }
  return [store.emit('customer.subscription.deleted', subscription, { request })]
}

/**
 * Price, metadata and cancel-at-period-end changes in one `customer.subscription.updated`. A price with a new
 * interval restarts the billing period now and bills it at once (an `invoice.paid`), as Stripe does; a price
 * with the same interval takes effect at the next renewal (no proration is modelled).
 */
export function updateSubscription(
  store: Store,
  subscription: FakeSubscription,
  update: SubscriptionUpdate,
  request?: EventRequest,
): Stripe.Event[] {
  if (subscription.status === 'canceled' && (update.price || update.cancelAtPeriodEnd !== undefined)) {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.')
  }
  const before = clone(subscription)
  let invoice: FakeInvoice | undefined
  let paid: FakeInvoicePayment | null = null
  if (update.metadata) subscription.metadata = mergeMetadata(subscription.metadata, update.metadata)
  if (update.price) {
    const item = subscription.items.data[0]
    if (!item) throw new Error(`subscription ${subscription.id} has no item`)
    const previousInterval = item.price.recurring
    const previousAmount = item.price.unit_amount * item.quantity
    item.price = update.price
    const interval = update.price.recurring
    const sameInterval =
      interval?.interval === previousInterval?.interval &&
      interval?.interval_count === previousInterval?.interval_count
    const difference = update.price.unit_amount * item.quantity - previousAmount
    if (sameInterval && update.invoiceProrationNow && difference > 0) {
      const now = store.seconds()
      const period = subscription.current_period_end - subscription.current_period_start
      const unused = Math.max(0, subscription.current_period_end - now)
      invoice = buildInvoice(store, subscription, {
        billingReason: 'subscription_update',
        amount: period > 0 ? Math.round((difference * unused) / period) : 0,
        usagePeriod: { start: now, end: now },
        email: customerEmail(store, subscription.customer),
      })
      paid = payInvoice(store, invoice)
      subscription.latest_invoice = invoice.id
    } else if (interval && !sameInterval) {
      const now = store.seconds()
      const usage = { start: subscription.current_period_start, end: now }
      subscription.billing_cycle_anchor = now
      setPeriod(subscription, now, addInterval(now, interval.interval, interval.interval_count))
      invoice = buildInvoice(store, subscription, {
        billingReason: 'subscription_update',
        amount: subscriptionAmount(subscription),
        usagePeriod: usage,
        email: customerEmail(store, subscription.customer),
      })
      paid = payInvoice(store, invoice)
      subscription.latest_invoice = invoice.id
    }
  }
  if (
    update.cancelAtPeriodEnd !== undefined &&
    update.cancelAtPeriodEnd !== subscription.cancel_at_period_end
  ) {
    subscription.cancel_at_period_end = update.cancelAtPeriodEnd
    subscription.cancel_at = update.cancelAtPeriodEnd ? subscription.current_period_end : null
    subscription.canceled_at = update.cancelAtPeriodEnd ? store.seconds() : null
    subscription.cancellation_details = {
      comment: null,
      feedback: null,
      reason: update.cancelAtPeriodEnd ? 'cancellation_requested' : null,
    }
  }
  // Stripe sends no event for an update that changes nothing.
  if (JSON.stringify(before) === JSON.stringify(subscription)) return []
  const events = [store.emit('customer.subscription.updated', subscription, { before, request })]
  if (invoice) events.push(...paidEvents(store, invoice, paid, request))
  return events
}

// ---- Scenario controls ----

export function createScenarios(store: Store) {
  const session = (control: string, id: string) =>
    requireObject<FakeSession>(store, control, id, 'checkout.session')
  const subscriptionOf = (control: string, id: string) =>
    requireObject<FakeSubscription>(store, control, id, 'subscription')
  const chargeOf = (control: string, id: string) => requireObject<FakeCharge>(store, control, id, 'charge')
  const rethrow = (control: string, error: unknown): never => {
    if (error instanceof StripeFault) fail(control, error.message)
    throw error
  }

  return {
    /**
     * The buyer pays on the Checkout page. Payment mode: a PaymentIntent (and, when paid, a Charge carrying
     * `payment_intent_data.metadata`); a Customer only when the session has one or `customer_creation:
     * 'always'` (Stripe's guest checkout otherwise: `customer: null`). Subscription mode: a Customer, a
     * Subscription (metadata from `subscription_data.metadata`, trial from `trial_period_days`) and its first
     * Invoice, paid. Events, in Stripe's usual order: [customer.subscription.created, invoice.paid,]
     * checkout.session.completed.
     */
    completeSession(sessionId: string, options: CompleteSessionOptions = {}): Stripe.Event[] {
      const control = 'completeSession'
      const found = session(control, sessionId)
      const internals = store.sessionInternals.get(sessionId)
      if (!internals) fail(control, `session ${sessionId} has no line items`)
      if (found.status !== 'open') fail(control, `session ${sessionId} is ${found.status}, not open`)
      if (store.seconds() > found.expires_at) {
        fail(
          control,
          `session ${sessionId} passed its expires_at (${new Date(found.expires_at * 1000).toISOString()}); ` +
            'Stripe would expire it: call expireSession instead',
        )
      }
      const paymentStatus = options.paymentStatus ?? 'paid'
      if (found.mode === 'subscription' && paymentStatus !== 'paid') {
        fail(
          control,
          'subscription sessions complete paid (by card); `unpaid` models delayed one-time methods',
        )
      }
      const method = options.paymentMethod ?? found.payment_method_types[0] ?? 'card'
      if (!found.payment_method_types.includes(method)) {
        fail(
          control,
          `${method} is not among the session's payment methods (${found.payment_method_types.join(', ')})`,
        )
      }
      let customer = found.customer ? store.find<FakeCustomer>(found.customer, 'customer') : undefined
      const email = options.email ?? found.customer_email ?? customer?.email ?? 'buyer@example.com'
      if (!customer && internals.customerCreation === 'always') {
        customer = buildCustomer(store, { email, name: options.name ?? null })
      }
      internals.paymentMethod = method
      found.customer = customer?.id ?? null
      found.customer_details = {
        address: null,
        business_name: null,
        email,
        individual_name: null,
        name: options.name ?? null,
        phone: null,
        tax_exempt: 'none',
        tax_ids: [],
      }
      found.status = 'complete'
      found.url = null
      const events: Stripe.Event[] = []

      if (found.mode === 'payment') {
        const paymentIntent = buildPaymentIntent(store, {
          amount: found.amount_total,
          currency: found.currency,
          customer: found.customer,
          metadata: internals.paymentIntentMetadata,
          paymentMethodTypes: found.payment_method_types,
          status: 'processing',
        })
        if (paymentStatus === 'paid')
          chargePaymentIntent(store, paymentIntent, { paymentMethodType: method, email })
        found.payment_intent = paymentIntent.id
        found.payment_status = paymentStatus
        events.push(store.emit('checkout.session.completed', found))
        return events
      }

      const recurringItem = internals.lineItems.find((item) => item.price.recurring)
      if (!recurringItem || !customer) fail(control, `session ${sessionId} has no recurring line item`)
      const subscription = buildSubscription(store, {
        customer: customer.id,
        price: recurringItem.price,
        quantity: recurringItem.quantity,
        metadata: internals.subscriptionMetadata,
        trialPeriodDays: internals.trialPeriodDays,
      })
      const trial = subscription.status === 'trialing'
      const invoice = buildInvoice(store, subscription, {
        billingReason: 'subscription_create',
        amount: trial ? 0 : found.amount_total,
        usagePeriod: { start: subscription.created as number, end: subscription.created as number },
        email,
      })
      const paid = payInvoice(store, invoice, method)
      subscription.latest_invoice = invoice.id
      found.subscription = subscription.id
      found.invoice = invoice.id
      found.payment_status = trial ? 'no_payment_required' : 'paid'
      events.push(store.emit('customer.subscription.created', subscription))
      events.push(...paidEvents(store, invoice, paid))
      events.push(store.emit('checkout.session.completed', found))
      return events
    },

    /** A session completed `unpaid` settles: a Charge is made; `checkout.session.async_payment_succeeded`. */
    asyncPaymentSucceeded(sessionId: string): Stripe.Event[] {
      const control = 'asyncPaymentSucceeded'
      const found = session(control, sessionId)
      const paymentIntent = pendingPaymentIntent(control, found)
      chargePaymentIntent(store, paymentIntent, {
        paymentMethodType: store.sessionInternals.get(sessionId)?.paymentMethod ?? 'card',
        email: (found.customer_details?.email as string | undefined) ?? null,
      })
      found.payment_status = 'paid'
      return [store.emit('checkout.session.async_payment_succeeded', found)]
    },

    /** A session completed `unpaid` fails to settle: `checkout.session.async_payment_failed`, still unpaid. */
    asyncPaymentFailed(sessionId: string): Stripe.Event[] {
      const control = 'asyncPaymentFailed'
      const found = session(control, sessionId)
      const paymentIntent = pendingPaymentIntent(control, found)
      paymentIntent.status = 'requires_payment_method'
      paymentIntent.last_payment_error = {
        code: 'payment_method_provider_decline',
        message: 'The payment was declined by the payment method provider.',
        type: 'card_error',
      }
      return [store.emit('checkout.session.async_payment_failed', found)]
    },

    /** The session times out unpaid: `status: 'expired'`, `checkout.session.expired`. */
    expireSession(sessionId: string): Stripe.Event[] {
      const control = 'expireSession'
      session(control, sessionId)
      try {
        return [expireCheckoutSession(store, sessionId).event]
      } catch (error) {
        return rethrow(control, error)
      }
    },

    /**
     * The period ends. Normally the subscription renews for one more interval and the renewal invoice is paid:
     * customer.subscription.updated (new period, trial over), invoice.paid (billing_reason
     * subscription_cycle). A subscription set to cancel at period end ends instead:
     * customer.subscription.deleted with `ended_at` = the period end.
     */
    renewSubscription(subscriptionId: string): Stripe.Event[] {
      const control = 'renewSubscription'
      const subscription = subscriptionOf(control, subscriptionId)
      if (subscription.status === 'canceled') fail(control, `subscription ${subscriptionId} is canceled`)
      if (subscription.status === 'past_due') {
        fail(control, `subscription ${subscriptionId} is past_due: recoverSubscription or failInvoice first`)
      }
      if (subscription.cancel_at_period_end) {
        subscription.status = 'canceled'
        subscription.ended_at = subscription.current_period_end
        return [store.emit('customer.subscription.deleted', subscription)]
      }
      const before = clone(subscription)
      const invoice = advancePeriod(store, subscription)
      const paid = payInvoice(store, invoice)
      subscription.status = 'active'
      return [
        store.emit('customer.subscription.updated', subscription, { before }),
        ...paidEvents(store, invoice, paid),
      ]
    },

    /**
     * The renewal charge is declined. An active subscription moves to its next period with an open invoice:
     * invoice.payment_failed, then customer.subscription.updated with `status: 'past_due'`. Called again on a
     * past_due subscription it is another failed retry of the same invoice: invoice.payment_failed only.
     */
    failInvoice(subscriptionId: string): Stripe.Event[] {
      const control = 'failInvoice'
      const subscription = subscriptionOf(control, subscriptionId)
      if (subscription.status === 'past_due') {
        const invoice = requireObject<FakeInvoice>(
          store,
          control,
          subscription.latest_invoice ?? '',
          'invoice',
        )
        failInvoiceAttempt(store, invoice)
        return [store.emit('invoice.payment_failed', invoice)]
      }
      if (subscription.status === 'canceled') fail(control, `subscription ${subscriptionId} is canceled`)
      if (subscription.cancel_at_period_end) {
        fail(control, `subscription ${subscriptionId} cancels at period end; renewSubscription ends it`)
      }
      const before = clone(subscription)
      const invoice = advancePeriod(store, subscription)
      failInvoiceAttempt(store, invoice)
      subscription.status = 'past_due'
      return [
        store.emit('invoice.payment_failed', invoice),
        store.emit('customer.subscription.updated', subscription, { before }),
      ]
    },

    /** A past_due subscription's open invoice is paid: invoice.paid, customer.subscription.updated (active). */
    recoverSubscription(subscriptionId: string): Stripe.Event[] {
      const control = 'recoverSubscription'
      const subscription = subscriptionOf(control, subscriptionId)
      if (subscription.status !== 'past_due') fail(control, `subscription ${subscriptionId} is not past_due`)
      const invoice = requireObject<FakeInvoice>(store, control, subscription.latest_invoice ?? '', 'invoice')
      const before = clone(subscription)
      const paid = payInvoice(store, invoice)
      subscription.status = 'active'
      return [
        ...paidEvents(store, invoice, paid),
        store.emit('customer.subscription.updated', subscription, { before }),
      ]
    },

    /**
     * A new price on the subscription's item (same product), e.g. a tier change: customer.subscription.updated
     * with `previous_attributes.items`. A new interval restarts the period now and adds an invoice.paid.
     */
    changeSubscriptionPrice(subscriptionId: string, change: PriceChange): Stripe.Event[] {
      const control = 'changeSubscriptionPrice'
      const subscription = subscriptionOf(control, subscriptionId)
      const current = subscription.items.data[0]?.price
      if (!current?.recurring) fail(control, `subscription ${subscriptionId} has no recurring price`)
      const price =
        change.unit_amount !== undefined ||
        change.interval !== undefined ||
        change.interval_count !== undefined
          ? buildPrice(store, {
              currency: current.currency,
              unit_amount: change.unit_amount ?? current.unit_amount,
              product: current.product,
              recurring: {
                interval: change.interval ?? current.recurring.interval,
                interval_count: change.interval_count ?? current.recurring.interval_count,
              },
            })
          : undefined
      try {
        return updateSubscription(store, subscription, {
          ...(price ? { price } : {}),
          ...(change.metadata ? { metadata: change.metadata } : {}),
        })
      } catch (error) {
        return rethrow(control, error)
      }
    },

    /**
     * The buyer cancels. `atPeriodEnd: true`: customer.subscription.updated with `cancel_at_period_end` (access
     * runs to the period end; renewSubscription then ends it). `false`: customer.subscription.deleted now.
     */
    cancelSubscription(subscriptionId: string, options: { atPeriodEnd: boolean }): Stripe.Event[] {
      const control = 'cancelSubscription'
      const subscription = subscriptionOf(control, subscriptionId)
      try {
        return options.atPeriodEnd
          ? updateSubscription(store, subscription, { cancelAtPeriodEnd: true })
          : cancelSubscriptionNow(store, subscription)
      } catch (error) {
        return rethrow(control, error)
      }
    },

    /** Refunds `amount` (default: all that is left) of a charge: `charge.refunded`. */
    refundCharge(chargeId: string, amount?: number): Stripe.Event[] {
      const control = 'refundCharge'
      const charge = chargeOf(control, chargeId)
      try {
        return refundCharge(store, { charge, amount }).events
      } catch (error) {
        return rethrow(control, error)
      }
    },

    /** The buyer's bank disputes a charge: `charge.dispute.created` (a dp_… with `status: 'needs_response'`). */
    openDispute(chargeId: string, options: { reason?: string } = {}): Stripe.Event[] {
      const control = 'openDispute'
      const charge = chargeOf(control, chargeId)
      const open = store
        .all<FakeDispute>('dispute')
        .some((dispute) => dispute.charge === chargeId && dispute.status === 'needs_response')
      if (open) fail(control, `charge ${chargeId} already has an open dispute`)
      const dispute = buildDispute(store, charge, options.reason ?? 'fraudulent')
      charge.disputed = true
      return [store.emit('charge.dispute.created', dispute)]
    },

    /** The dispute is decided: `charge.dispute.closed` with `status` 'won' or 'lost'. */
    closeDispute(disputeId: string, outcome: 'won' | 'lost'): Stripe.Event[] {
      const control = 'closeDispute'
      const dispute = requireObject<FakeDispute>(store, control, disputeId, 'dispute')
      if (dispute.status !== 'needs_response')
        fail(control, `dispute ${disputeId} is already ${dispute.status}`)
      dispute.status = outcome
      return [store.emit('charge.dispute.closed', dispute)]
    },
  }

  function pendingPaymentIntent(control: string, found: FakeSession): FakePaymentIntent {
    if (found.status !== 'complete' || found.payment_status !== 'unpaid' || !found.payment_intent) {
      fail(
        control,
        `session ${found.id} is not a completed, unpaid payment (complete it with paymentStatus 'unpaid')`,
      )
    }
    const paymentIntent = store.find<FakePaymentIntent>(found.payment_intent, 'payment_intent')
    if (paymentIntent?.status !== 'processing') {
      fail(control, `the payment of session ${found.id} already settled (${paymentIntent?.status})`)
    }
    return paymentIntent
  }
}

export type Scenarios = ReturnType<typeof createScenarios>

/**
 * Builders for the Stripe objects the fake keeps, shaped as API version 2026-10-28.endive returns them, with the
 * fields Stripe moved away still present where code written against older versions reads them (marked
 * "legacy" below). Fields the fake does not model are present with Stripe's empty values (null, [], {}).
 */
import type { FakeObject, Store } from './store'

export type Interval = 'day' | 'week' | 'month' | 'year'

export interface FakeProduct extends FakeObject {
  object: 'product'
  name: string
}

export interface FakePrice extends FakeObject {
  object: 'price'
  currency: string
  unit_amount: number
  product: string
  recurring: { interval: Interval; interval_count: number; [field: string]: unknown } | null
}

export interface FakeCustomer extends FakeObject {
  object: 'customer'
  email: string | null
  name: string | null
  metadata: Record<string, string>
}

export interface FakeSession extends FakeObject {
  object: 'checkout.session'
  status: 'open' | 'complete' | 'expired'
  payment_status: 'paid' | 'unpaid' | 'no_payment_required'
  mode: 'payment' | 'subscription'
  customer: string | null
  customer_email: string | null
  customer_details: Record<string, unknown> | null
  payment_intent: string | null
  subscription: string | null
  invoice: string | null
  amount_total: number
  currency: string
  metadata: Record<string, string>
  expires_at: number
  payment_method_types: string[]
}

/** What a session was created with that its object does not show. */
export interface FakeLineItem extends FakeObject {
  object: 'item'
  price: FakePrice
  quantity: number
  description: string
  amount_total: number
}

export interface SessionInternals {
  lineItems: FakeLineItem[]
  subscriptionMetadata: Record<string, string>
  trialPeriodDays: number | undefined
  paymentIntentMetadata: Record<string, string>
  customerCreation: 'always' | 'if_required'
  /** The payment method type the buyer used, once the session completed. */
  paymentMethod?: string
}

export interface FakePaymentIntent extends FakeObject {
  object: 'payment_intent'
  amount: number
  amount_received: number
  currency: string
  customer: string | null
  latest_charge: string | null
  metadata: Record<string, string>
  status: 'processing' | 'succeeded' | 'requires_payment_method'
  last_payment_error: Record<string, unknown> | null
}

export interface FakeCharge extends FakeObject {
  object: 'charge'
  amount: number
  amount_refunded: number
  currency: string
  customer: string | null
  payment_intent: string
  refunded: boolean
  disputed: boolean
}

export interface FakeRefund extends FakeObject {
  object: 'refund'
  amount: number
  charge: string
}

export interface FakeDispute extends FakeObject {
  object: 'dispute'
  charge: string
  status: 'needs_response' | 'won' | 'lost'
}

export interface FakeSubscriptionItem extends FakeObject {
  object: 'subscription_item'
  price: FakePrice
  quantity: number
  current_period_start: number
  current_period_end: number
}

export interface FakeSubscription extends FakeObject {
  object: 'subscription'
  status: 'trialing' | 'active' | 'past_due' | 'canceled'
  customer: string
  currency: string
  items: { object: 'list'; data: FakeSubscriptionItem[]; has_more: false; total_count: number; url: string }
  metadata: Record<string, string>
  billing_cycle_anchor: number
  cancel_at_period_end: boolean
  cancel_at: number | null
  canceled_at: number | null
  ended_at: number | null
  latest_invoice: string | null
  trial_start: number | null
  trial_end: number | null
  /** Legacy: on items since 2025-03-31.basil; kept in step with `items.data[0]`. */
  current_period_start: number
  /** Legacy: on items since 2025-03-31.basil; kept in step with `items.data[0]`. */
  current_period_end: number
}

export interface FakeInvoice extends FakeObject {
  object: 'invoice'
  status: 'open' | 'paid'
  amount_due: number
  amount_paid: number
  amount_remaining: number
  attempt_count: number
  currency: string
  customer: string
  /**
   * The invoice's payment attempts (`payment_intent`, `charge` and `paid` left the Invoice in 2025-03-31.basil).
   * Includable on Stripe (absent unless asked for); the fake always shows it. A paid attempt is also announced by
   * an `invoice_payment.paid` event, which is where a webhook learns the invoice's PaymentIntent.
   */
  payments: {
    object: 'list'
    data: FakeInvoicePayment[]
    has_more: false
    total_count: number
    url: string
  }
  status_transitions: {
    finalized_at: number
    paid_at: number | null
    marked_uncollectible_at: null
    voided_at: null
  }
  next_payment_attempt: number | null
}

/** An InvoicePayment: which PaymentIntent paid (or is trying to pay) which invoice. */
export interface FakeInvoicePayment extends FakeObject {
  object: 'invoice_payment'
  amount_paid: number | null
  amount_requested: number
  created: number
  currency: string
  invoice: string
  is_default: boolean
  livemode: false
  payment: { payment_intent: string; type: 'payment_intent' }
  status: 'open' | 'paid'
  status_transitions: { canceled_at: null; paid_at: number | null }
}

export function list<T>(data: T[], url: string) {
  return { object: 'list' as const, data, has_more: false as const, total_count: data.length, url }
}

export function buildCustomer(
  store: Store,
  fields: {
    email?: string | null
    name?: string | null
    metadata?: Record<string, string>
    [field: string]: unknown
  },
): FakeCustomer {
  const id = store.nextId('cus')
  return store.put<FakeCustomer>({
    id,
    object: 'customer',
    address: null,
    balance: 0,
    created: store.seconds(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    invoice_prefix: id.slice(4, 12).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
    ...fields,
    email: fields.email ?? null,
    name: fields.name ?? null,
    metadata: fields.metadata ?? {},
  })
}

export function buildPrice(
  store: Store,
  input: {
    currency: string
    unit_amount: number
    product: string | { name: string }
    recurring?: { interval: Interval; interval_count?: number } | undefined
    metadata?: Record<string, string> | undefined
  },
): FakePrice {
  const created = store.seconds()
  const product =
    typeof input.product === 'string'
      ? input.product
      : store.put<FakeProduct>({
          id: store.nextId('prod'),
          object: 'product',
          active: true,
          created,
          description: null,
          livemode: false,
          metadata: {},
          name: input.product.name,
          type: 'service',
          updated: created,
        }).id
  return store.put<FakePrice>({
    id: store.nextId('price'),
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created,
    currency: input.currency,
    livemode: false,
    lookup_key: null,
    metadata: input.metadata ?? {},
    nickname: null,
    product,
    recurring: input.recurring
      ? {
          interval: input.recurring.interval,
          interval_count: input.recurring.interval_count ?? 1,
          meter: null,
          trial_period_days: null,
          usage_type: 'licensed',
        }
      : null,
    tax_behavior: 'unspecified',
    type: input.recurring ? 'recurring' : 'one_time',
    unit_amount: input.unit_amount,
    unit_amount_decimal: String(input.unit_amount),
  })
}

export function buildPaymentIntent(
  store: Store,
  input: {
    amount: number
    currency: string
    customer: string | null
    metadata: Record<string, string>
    paymentMethodTypes: string[]
    status: FakePaymentIntent['status']
  },
): FakePaymentIntent {
  const id = store.nextId('pi', 24)
  return store.put<FakePaymentIntent>({
    id,
    object: 'payment_intent',
    amount: input.amount,
    amount_capturable: 0,
    amount_received: input.status === 'succeeded' ? input.amount : 0,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${id}_secret_fake`,
    confirmation_method: 'automatic',
    created: store.seconds(),
    currency: input.currency,
    customer: input.customer,
    description: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: { ...input.metadata },
    next_action: null,
    payment_method: null,
    payment_method_types: input.paymentMethodTypes,
    receipt_email: null,
    status: input.status,
  })
}

/** A succeeded charge on `paymentIntent`; the intent becomes `succeeded` with the charge as `latest_charge`. */
export function chargePaymentIntent(
  store: Store,
  paymentIntent: FakePaymentIntent,
  input: { paymentMethodType: string; email: string | null },
): FakeCharge {
  const id = store.nextId('ch', 24)
  const paymentMethod = store.nextId('pm', 24)
  const charge = store.put<FakeCharge>({
    id,
    object: 'charge',
    amount: paymentIntent.amount,
    amount_captured: paymentIntent.amount,
    amount_refunded: 0,
    balance_transaction: store.nextId('txn', 24),
    billing_details: { address: null, email: input.email, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: 'QUANZI',
    captured: true,
    created: store.seconds(),
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    description: null,
    disputed: false,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    // Charges carry the metadata of the PaymentIntent that created them.
    metadata: { ...paymentIntent.metadata },
    outcome: {
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: paymentIntent.id,
    payment_method: paymentMethod,
    payment_method_details: { type: input.paymentMethodType, [input.paymentMethodType]: {} },
    receipt_email: null,
    receipt_number: null,
    receipt_url: `${store.baseUrl}/receipts/${id}`,
    refunded: false,
    review: null,
    status: 'succeeded',
  })
  paymentIntent.status = 'succeeded'
  paymentIntent.amount_received = paymentIntent.amount
  paymentIntent.latest_charge = charge.id
  paymentIntent.payment_method = paymentMethod
  paymentIntent.last_payment_error = null
  return charge
}

/** Adds `count` intervals, keeping the anchor's day of month (clamped to the month's end), as Stripe bills. */
export function addInterval(seconds: number, interval: Interval, count: number, anchorDay?: number): number {
  const date = new Date(seconds * 1000)
  if (interval === 'day') return seconds + count * 86_400
  if (interval === 'week') return seconds + count * 7 * 86_400
  const months = interval === 'month' ? count : count * 12
  const targetMonth = date.getUTCMonth() + months
  const year = date.getUTCFullYear() + Math.floor(targetMonth / 12)
  const month = ((targetMonth % 12) + 12) % 12
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(anchorDay ?? date.getUTCDate(), lastDay)
  return Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()) / 1000
}

export function buildSubscription(
  store: Store,
  input: {
    customer: string
    price: FakePrice
    quantity: number
    metadata: Record<string, string>
    trialPeriodDays?: number | undefined
  },
): FakeSubscription {
  const id = store.nextId('sub', 24)
  const start = store.seconds()
  const recurring = input.price.recurring
  if (!recurring) throw new Error(`price ${input.price.id} is not recurring`)
  const trialEnd = input.trialPeriodDays ? start + input.trialPeriodDays * 86_400 : null
  const periodEnd = trialEnd ?? addInterval(start, recurring.interval, recurring.interval_count)
  const item: FakeSubscriptionItem = {
    id: store.nextId('si'),
    object: 'subscription_item',
    billing_thresholds: null,
    created: start,
    current_period_end: periodEnd,
    current_period_start: start,
    discounts: [],
    metadata: {},
    price: input.price,
    quantity: input.quantity,
    subscription: id,
    tax_rates: [],
  }
  return store.put<FakeSubscription>({
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: trialEnd ?? start,
    billing_mode: { type: 'flexible' },
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created: start,
    currency: input.price.currency,
    current_period_end: periodEnd,
    current_period_start: start,
    customer: input.customer,
    days_until_due: null,
    default_payment_method: null,
    description: null,
    discounts: [],
    ended_at: null,
    items: list([item], `/v1/subscription_items?subscription=${id}`),
    latest_invoice: null,
    livemode: false,
    metadata: { ...input.metadata },
    pause_collection: null,
    pending_update: null,
    schedule: null,
    start_date: start,
    status: trialEnd ? 'trialing' : 'active',
    test_clock: null,
    trial_end: trialEnd,
    trial_start: trialEnd ? start : null,
  })
}

/** Moves the subscription (item and legacy top-level fields) to a new period. */
export function setPeriod(subscription: FakeSubscription, start: number, end: number): void {
  subscription.current_period_start = start
  subscription.current_period_end = end
  for (const item of subscription.items.data) {
    item.current_period_start = start
    item.current_period_end = end
  }
}

export function subscriptionAmount(subscription: FakeSubscription): number {
  return subscription.items.data.reduce((sum, item) => sum + (item.price.unit_amount ?? 0) * item.quantity, 0)
}

/**
 * A finalized invoice for the subscription's current period. Like Stripe, the invoice's own `period_start` /
 * `period_end` describe the period *before* the invoice (usage), and the period being paid for is on
 * `lines.data[0].period`: read that one.
 */
export function buildInvoice(
  store: Store,
  subscription: FakeSubscription,
  input: {
    billingReason: 'subscription_create' | 'subscription_cycle' | 'subscription_update'
    amount: number
    usagePeriod: { start: number; end: number }
    email: string | null
  },
): FakeInvoice {
  const id = store.nextId('in', 24)
  const created = store.seconds()
  const lines = subscription.items.data.map((item) => ({
    id: store.nextId('il', 24),
    object: 'line_item',
    amount: input.amount,
    currency: subscription.currency,
    description: `${item.quantity} × (at ${item.price.unit_amount} / ${item.price.recurring?.interval})`,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: id,
    livemode: false,
    metadata: { ...subscription.metadata },
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: subscription.id,
        subscription_item: item.id,
      },
      type: 'subscription_item_details',
    },
    period: { start: item.current_period_start, end: item.current_period_end },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: item.price.id, product: item.price.product },
      type: 'price_details',
      unit_amount_decimal: String(item.price.unit_amount),
    },
    quantity: item.quantity,
    subscription: subscription.id,
    subtotal: input.amount,
    taxes: [],
  }))
  return store.put<FakeInvoice>({
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'quanzi test',
    amount_due: input.amount,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: input.amount,
    amount_shipping: 0,
    attempt_count: 0,
    attempted: false,
    auto_advance: false,
    billing_reason: input.billingReason,
    collection_method: 'charge_automatically',
    created,
    currency: subscription.currency,
    customer: subscription.customer,
    customer_email: input.email,
    description: null,
    discounts: [],
    due_date: null,
    effective_at: created,
    ending_balance: 0,
    hosted_invoice_url: `${store.baseUrl}/invoices/${id}`,
    invoice_pdf: `${store.baseUrl}/invoices/${id}/pdf`,
    lines: list(lines, `/v1/invoices/${id}/lines`),
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: `${id.slice(3, 11).toUpperCase()}-0001`,
    parent: {
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
      type: 'subscription_details',
    },
    payments: list([], `/v1/invoice_payments?invoice=${id}`),
    period_end: input.usagePeriod.end,
    period_start: input.usagePeriod.start,
    starting_balance: 0,
    status: 'open',
    status_transitions: {
      finalized_at: created,
      marked_uncollectible_at: null,
      paid_at: null,
      voided_at: null,
    },
    subtotal: input.amount,
    total: input.amount,
    webhooks_delivered_at: created,
  })
}

export function buildDispute(store: Store, charge: FakeCharge, reason: string): FakeDispute {
  const created = store.seconds()
  return store.put<FakeDispute>({
    id: store.nextId('dp', 24),
    object: 'dispute',
    amount: charge.amount - charge.amount_refunded,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    evidence: {},
    evidence_details: {
      due_by: created + 7 * 86_400,
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason,
    status: 'needs_response',
  })
}

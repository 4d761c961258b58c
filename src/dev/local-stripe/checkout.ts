/**
 * Checkout Sessions: Stripe's validation for the parameters quanzi sends, the session object, and expiry.
 * The rules enforced here are the ones real Stripe applies and the payment code must respect:
 * - API versions 2026-09-30 and later reject `payment_method_types`; the field is `allowed_payment_method_types`.
 * - Alipay and WeChat Pay are one-time methods: Checkout refuses them in `subscription` mode.
 * - WeChat Pay in Checkout needs `payment_method_options[wechat_pay][client]`.
 * - `expires_at` must fall between 30 minutes and 24 hours after creation.
 */
import { invalidRequest, missingParam, noSuch, StripeFault, unknownParam } from './errors'
import type { FormObject } from './form'
import {
  buildPrice,
  type FakeCustomer,
  type FakeLineItem,
  type FakePrice,
  type FakeSession,
  type Interval,
  list,
} from './objects'
import {
  objectAt,
  optionalArray,
  optionalInteger,
  optionalMetadata,
  optionalObject,
  optionalString,
  optionalStringArray,
  paramPath,
  rejectUnknown,
  requiredInteger,
  requiredString,
} from './params'
import type { EventRequest, Store } from './store'

/** Every parameter of `Stripe.Checkout.SessionCreateParams` in stripe 23.1.0 (API 2026-10-28.endive). */
const checkoutSessionParams = [
  'adaptive_pricing',
  'after_expiration',
  'allow_promotion_codes',
  'allowed_payment_method_types',
  'automatic_tax',
  'billing_address_collection',
  'branding_settings',
  'cancel_url',
  'client_reference_id',
  'consent_collection',
  'currency',
  'custom_fields',
  'custom_text',
  'customer',
  'customer_account',
  'customer_creation',
  'customer_email',
  'customer_update',
  'discounts',
  'excluded_payment_method_types',
  'expand',
  'expires_at',
  'integration_identifier',
  'invoice_creation',
  'line_items',
  'locale',
  'managed_payments',
  'metadata',
  'mode',
  'name_collection',
  'optional_items',
  'origin_context',
  'payment_intent_data',
  'payment_method_collection',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'permissions',
  'phone_number_collection',
  'redirect_on_completion',
  'return_url',
  'saved_payment_method_options',
  'setup_intent_data',
  'shipping_address_collection',
  'shipping_options',
  'submit_type',
  'subscription_data',
  'success_url',
  'tax_id_collection',
  'ui_mode',
  'wallet_options',
] as const

const lineItemParams = [
  'adjustable_quantity',
  'dynamic_tax_rates',
  'metadata',
  'price',
  'price_data',
  'quantity',
  'tax_rates',
]
const priceDataParams = [
  'currency',
  'product',
  'product_data',
  'recurring',
  'tax_behavior',
  'unit_amount',
  'unit_amount_decimal',
]
const intervals: readonly Interval[] = ['day', 'week', 'month', 'year']
/** One-time payment methods: Checkout offers them in `payment` mode only. */
const oneTimeOnlyMethods = ['alipay', 'wechat_pay']
const minimumTtlSeconds = 30 * 60
const maximumTtlSeconds = 24 * 60 * 60

export function createCheckoutSession(store: Store, params: FormObject): FakeSession {
  if (params.payment_method_types !== undefined) {
    throw invalidRequest(
      'The `payment_method_types` parameter is not supported on API versions 2026-09-30 and later. ' +
        'Use `allowed_payment_method_types` to choose which payment methods Checkout may offer.',
      'payment_method_types',
    )
  }
  rejectUnknown(params, checkoutSessionParams)
  const mode = requiredString(params, 'mode')
  if (mode === 'setup') {
    throw invalidRequest('fake-stripe models Checkout in `payment` and `subscription` mode only.', 'mode')
  }
  if (mode !== 'payment' && mode !== 'subscription') {
    throw invalidRequest(`Invalid mode: must be one of payment, setup, or subscription`, 'mode')
  }
  const uiMode = optionalString(params, 'ui_mode') ?? 'hosted_page'
  const successUrl = optionalString(params, 'success_url')
  if (uiMode === 'hosted_page' && !successUrl) throw missingParam('success_url')
  if (successUrl) assertUrl(successUrl, 'success_url')
  const cancelUrl = optionalString(params, 'cancel_url')
  if (cancelUrl) assertUrl(cancelUrl, 'cancel_url')

  const lineItems = readLineItems(store, params, mode)
  const currency = lineItems[0]?.price.currency as string

  const allowed = optionalStringArray(params, 'allowed_payment_method_types')
  for (const [index, type] of (allowed ?? []).entries()) {
    if (mode === 'subscription' && oneTimeOnlyMethods.includes(type)) {
      throw invalidRequest(
        `The payment method type \`${type}\` cannot be used in \`subscription\` mode. ` +
          `${oneTimeOnlyMethods.join(' and ')} support one-time payments only; use \`payment\` mode.`,
        `allowed_payment_method_types[${index}]`,
      )
    }
  }
  if (allowed?.includes('wechat_pay')) {
    const options = optionalObject(params, 'payment_method_options')
    const wechat = options ? optionalObject(options, 'wechat_pay', 'payment_method_options') : undefined
    const client = wechat ? optionalString(wechat, 'client', 'payment_method_options[wechat_pay]') : undefined
    if (!client) throw missingParam('payment_method_options[wechat_pay][client]')
    if (!['web', 'ios', 'android'].includes(client)) {
      throw invalidRequest(
        `Invalid payment_method_options[wechat_pay][client]: must be one of android, ios, or web`,
        'payment_method_options[wechat_pay][client]',
      )
    }
  }

  const customerId = optionalString(params, 'customer')
  const customerEmail = optionalString(params, 'customer_email')
  if (customerId && customerEmail) {
    throw invalidRequest(
      'You may only specify one of these parameters: customer, customer_email.',
      'customer',
    )
  }
  const customer = customerId ? store.find<FakeCustomer>(customerId, 'customer') : undefined
  if (customerId && !customer) throw noSuch('customer', customerId, 'customer', 400)
  if (customerEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(customerEmail)) {
    throw invalidRequest(`Invalid email address: ${customerEmail}`, 'customer_email', 'email_invalid')
  }
  const customerCreation = optionalString(params, 'customer_creation')
  if (customerCreation !== undefined) {
    if (mode !== 'payment') {
      throw invalidRequest('`customer_creation` can only be used in `payment` mode.', 'customer_creation')
    }
    if (customerCreation !== 'always' && customerCreation !== 'if_required') {
      throw invalidRequest(
        'Invalid customer_creation: must be one of always or if_required',
        'customer_creation',
      )
    }
  }

  const subscriptionData = optionalObject(params, 'subscription_data')
  if (subscriptionData && mode !== 'subscription') {
    throw invalidRequest('You can only pass `subscription_data` in `subscription` mode.', 'subscription_data')
  }
  const paymentIntentData = optionalObject(params, 'payment_intent_data')
  if (paymentIntentData && mode !== 'payment') {
    throw invalidRequest('You can only pass `payment_intent_data` in `payment` mode.', 'payment_intent_data')
  }
  const metadata = optionalMetadata(params) ?? {}
  const clientReferenceId = optionalString(params, 'client_reference_id')
  if (clientReferenceId !== undefined && clientReferenceId.length > 200) {
    throw invalidRequest('client_reference_id must be at most 200 characters.', 'client_reference_id')
  }

  const created = store.seconds()
  const expiresAt = optionalInteger(params, 'expires_at') ?? created + maximumTtlSeconds
  if (expiresAt < created + minimumTtlSeconds || expiresAt > created + maximumTtlSeconds) {
    throw invalidRequest(
      'The `expires_at` timestamp must be between 30 minutes and 24 hours after Checkout Session creation ' +
        `(fake-stripe clock: ${new Date(created * 1000).toISOString()}; got ` +
        `${new Date(expiresAt * 1000).toISOString()}. Tests: pass the app's clock as startFakeStripe({ now }).)`,
      'expires_at',
    )
  }

  const id = store.nextId('cs_test', 58)
  const amount = lineItems.reduce((sum, item) => sum + item.amount_total, 0)
  const methods = allowed ?? ['card']
  const session = store.put<FakeSession>({
    id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: allowed ?? null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: cancelUrl ?? null,
    client_reference_id: clientReferenceId ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: customer?.id ?? null,
    customer_account: null,
    customer_creation: customer
      ? null
      : mode === 'subscription'
        ? 'always'
        : (customerCreation ?? 'if_required'),
    customer_details: null,
    customer_email: customerEmail ?? null,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: optionalString(params, 'locale') ?? null,
    managed_payments: null,
    metadata,
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: optionalObject(params, 'payment_method_options') ?? {},
    payment_method_types: methods,
    payment_status: 'unpaid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: successUrl ?? null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: uiMode,
    url: store.checkoutUrl(id),
    wallet_options: null,
  })
  store.sessionInternals.set(id, {
    lineItems,
    subscriptionMetadata: (subscriptionData && optionalMetadata(subscriptionData)) ?? {},
    trialPeriodDays: subscriptionData
      ? optionalInteger(subscriptionData, 'trial_period_days', 'subscription_data', 1)
      : undefined,
    paymentIntentMetadata: (paymentIntentData && optionalMetadata(paymentIntentData)) ?? {},
    customerCreation:
      customer || mode === 'subscription'
        ? 'always'
        : customerCreation === 'always'
          ? 'always'
          : 'if_required',
  })
  return session
}

function readLineItems(store: Store, params: FormObject, mode: 'payment' | 'subscription'): FakeLineItem[] {
  const items = optionalArray(params, 'line_items')
  if (!items || items.length === 0) throw missingParam('line_items')
  if (items.length > 100) throw invalidRequest('You may pass at most 100 line items.', 'line_items')
  const lineItems = items.map((_, index) => {
    const prefix = `line_items[${index}]`
    const item = objectAt(items, index, 'line_items')
    rejectUnknown(item, lineItemParams, prefix)
    const quantity = requiredInteger(item, 'quantity', prefix, 1)
    const price = readPrice(store, item, prefix)
    const product = store.objects.get(price.product)
    const amount = price.unit_amount * quantity
    return {
      id: store.nextId('li', 24),
      object: 'item' as const,
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: typeof product?.name === 'string' ? product.name : '',
      discounts: [],
      metadata: {},
      price,
      quantity,
      taxes: [],
    }
  })
  const currencies = new Set(lineItems.map((item) => item.price.currency))
  if (currencies.size > 1) {
    throw invalidRequest(
      `All line items must share one currency; got ${[...currencies].join(', ')}.`,
      'line_items',
    )
  }
  const recurring = lineItems.findIndex((item) => item.price.recurring)
  if (mode === 'payment' && recurring >= 0) {
    throw invalidRequest(
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use ' +
        'only one-time prices.',
      `line_items[${recurring}]`,
    )
  }
  if (mode === 'subscription' && recurring < 0) {
    throw invalidRequest(
      'You must provide at least one recurring price in `subscription` mode when using prices.',
      'line_items',
    )
  }
  return lineItems
}

function readPrice(store: Store, item: FormObject, prefix: string): FakePrice {
  const priceId = optionalString(item, 'price', prefix)
  const priceData = optionalObject(item, 'price_data', prefix)
  if (priceId && priceData) {
    throw invalidRequest(
      'You may only specify one of these parameters: price, price_data.',
      paramPath(prefix, 'price'),
    )
  }
  if (priceId) {
    const price = store.find<FakePrice>(priceId, 'price')
    if (!price) throw noSuch('price', priceId, paramPath(prefix, 'price'), 400)
    return price
  }
  if (!priceData) {
    throw invalidRequest(
      'You must specify either `price` or `price_data` for each line item.',
      paramPath(prefix, 'price_data'),
    )
  }
  const dataPrefix = paramPath(prefix, 'price_data')
  rejectUnknown(priceData, priceDataParams, dataPrefix)
  const currency = requiredString(priceData, 'currency', dataPrefix)
  if (!/^[a-z]{3}$/.test(currency)) {
    throw invalidRequest(`Invalid currency: ${currency}`, paramPath(dataPrefix, 'currency'))
  }
  const unitAmount = optionalInteger(priceData, 'unit_amount', dataPrefix)
  if (unitAmount === undefined) throw missingParam(paramPath(dataPrefix, 'unit_amount'))
  const productId = optionalString(priceData, 'product', dataPrefix)
  const productData = optionalObject(priceData, 'product_data', dataPrefix)
  let product: string | { name: string }
  if (productId) {
    if (!store.find(productId, 'product'))
      throw noSuch('product', productId, paramPath(dataPrefix, 'product'), 400)
    product = productId
  } else if (productData) {
    product = { name: requiredString(productData, 'name', paramPath(dataPrefix, 'product_data')) }
  } else {
    throw missingParam(paramPath(dataPrefix, 'product_data'))
  }
  const recurringData = optionalObject(priceData, 'recurring', dataPrefix)
  let recurring: { interval: Interval; interval_count?: number } | undefined
  if (recurringData) {
    const recurringPrefix = paramPath(dataPrefix, 'recurring')
    const interval = requiredString(recurringData, 'interval', recurringPrefix)
    if (!intervals.includes(interval as Interval)) {
      throw invalidRequest(
        `Invalid interval: must be one of day, month, week, or year`,
        paramPath(recurringPrefix, 'interval'),
      )
    }
    for (const key of Object.keys(recurringData)) {
      if (key !== 'interval' && key !== 'interval_count') throw unknownParam(paramPath(recurringPrefix, key))
    }
    recurring = {
      interval: interval as Interval,
      interval_count: optionalInteger(recurringData, 'interval_count', recurringPrefix, 1) ?? 1,
    }
  }
  return buildPrice(store, { currency, unit_amount: unitAmount, product, recurring })
}

export function assertUrl(value: string, param: string): void {
  try {
    const url = new URL(value)
    if (url.protocol === 'http:' || url.protocol === 'https:') return
  } catch {
    // fall through to Stripe's message
  }
  throw invalidRequest('Not a valid URL', param, 'url_invalid')
}

export function expireCheckoutSession(store: Store, id: string, request?: EventRequest) {
  const session = store.find<FakeSession>(id, 'checkout.session')
  if (!session) throw noSuch('checkout.session', id, 'session', 404)
  if (session.status !== 'open') {
    throw new StripeFault(
      400,
      'invalid_request_error',
      `Only Checkout Sessions with a status in ["open"] can be expired. This session has status "${session.status}".`,
    )
  }
  session.status = 'expired'
  session.url = null
  return { session, event: store.emit('checkout.session.expired', session, { request }) }
}

/** `line_items` as Stripe lists them (on `expand: ['line_items']` or `GET …/line_items`). */
export function sessionLineItems(store: Store, id: string) {
  const internals = store.sessionInternals.get(id)
  return list(structuredClone(internals?.lineItems ?? []), `/v1/checkout/sessions/${id}/line_items`)
}

/**
 * The fake's REST routes: one small handler per endpoint, each validating like Stripe and answering the stored
 * object (a deep copy, with `expand` applied). Unknown routes answer Stripe's 404.
 */
import type Stripe from 'stripe'
import { assertUrl, createCheckoutSession, expireCheckoutSession, sessionLineItems } from './checkout'
import { invalidRequest, missingParam, noSuch, StripeFault } from './errors'
import type { FormObject } from './form'
import { paginate } from './list'
import {
  buildCustomer,
  buildPrice,
  type FakeCharge,
  type FakePaymentIntent,
  type FakePrice,
  type FakeSession,
  type FakeSubscription,
  type Interval,
} from './objects'
import {
  expandOf,
  objectAt,
  optionalArray,
  optionalBoolean,
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
import { cancelSubscriptionNow, refundCharge, updateSubscription } from './scenarios'
import { clone, type EventRequest, type FakeObject, type Store } from './store'

export interface ApiContext {
  store: Store
  /** The form body for POST, the query string for GET and DELETE. */
  params: FormObject
  /** The `:id` segments of the path, in order. */
  ids: string[]
  /** For events caused by this request: `event.request`. */
  request: EventRequest
}

export interface ApiAnswer {
  status: number
  body: unknown
}

type Handler = (context: ApiContext) => ApiAnswer

interface Route {
  method: 'GET' | 'POST' | 'DELETE'
  pattern: RegExp
  handler: Handler
}

const id = '([^/]+)'
const ok = (body: unknown): ApiAnswer => ({ status: 200, body })

/** Retrieve-by-id endpoints the fake serves for the objects its scenarios create. */
const retrievable: [path: string, kind: string][] = [
  ['checkout/sessions', 'checkout.session'],
  ['customers', 'customer'],
  ['subscriptions', 'subscription'],
  ['invoices', 'invoice'],
  ['charges', 'charge'],
  ['payment_intents', 'payment_intent'],
  ['refunds', 'refund'],
  ['disputes', 'dispute'],
  ['prices', 'price'],
  ['products', 'product'],
  ['events', 'event'],
]

const routes: Route[] = [
  { method: 'POST', pattern: /^\/v1\/checkout\/sessions$/, handler: createSessionRoute },
  { method: 'GET', pattern: /^\/v1\/checkout\/sessions$/, handler: listSessionsRoute },
  { method: 'GET', pattern: new RegExp(`^/v1/checkout/sessions/${id}/line_items$`), handler: lineItemsRoute },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1/checkout/sessions/${id}/expire$`),
    handler: expireSessionRoute,
  },
  { method: 'POST', pattern: /^\/v1\/customers$/, handler: createCustomerRoute },
  { method: 'POST', pattern: /^\/v1\/prices$/, handler: createPriceRoute },
  { method: 'POST', pattern: new RegExp(`^/v1/subscriptions/${id}$`), handler: updateSubscriptionRoute },
  { method: 'DELETE', pattern: new RegExp(`^/v1/subscriptions/${id}$`), handler: cancelSubscriptionRoute },
  { method: 'POST', pattern: /^\/v1\/refunds$/, handler: createRefundRoute },
  { method: 'GET', pattern: /^\/v1\/events$/, handler: listEventsRoute },
  { method: 'POST', pattern: /^\/v1\/billing_portal\/sessions$/, handler: createPortalSessionRoute },
  ...retrievable.map(
    ([path, kind]): Route => ({
      method: 'GET',
      pattern: new RegExp(`^/v1/${path.replace('/', '\\/')}/${id}$`),
      handler: retrieveRoute(kind),
    }),
  ),
]

/** Finds and runs the route; throws StripeFault for Stripe's errors. */
export function routeApi(method: string, path: string, context: Omit<ApiContext, 'ids'>): ApiAnswer {
  for (const route of routes) {
    if (route.method !== method) continue
    const match = route.pattern.exec(path)
    if (match) return route.handler({ ...context, ids: match.slice(1).map(decodeURIComponent) })
  }
  throw new StripeFault(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at ` +
      'https://support.stripe.com/.',
  )
}

function pathId(context: ApiContext): string {
  return context.ids[0] as string
}

function stored<T extends FakeObject>(context: ApiContext, kind: string, objectId = pathId(context)): T {
  const found = context.store.find<T>(objectId, kind)
  if (!found) throw noSuch(kind, objectId, 'id', 404)
  return found
}

/** `expand: ['customer', 'subscription.latest_invoice', 'line_items']` on any single object. */
function expanded(store: Store, object: FakeObject, paths: string[]): unknown {
  const result: Record<string, unknown> = clone(object)
  for (const path of paths) {
    if (object.object === 'checkout.session' && path === 'line_items') {
      result.line_items = sessionLineItems(store, object.id)
      continue
    }
    let target: Record<string, unknown> = result
    const segments = path.split('.')
    for (const segment of segments) {
      let value = target[segment]
      if (typeof value === 'string') {
        const found = store.objects.get(value)
        if (!found) throw invalidRequest(`This property cannot be expanded (${path}).`, 'expand')
        value = clone(found)
        target[segment] = value
      }
      if (value === null) break
      if (typeof value !== 'object')
        throw invalidRequest(`This property cannot be expanded (${path}).`, 'expand')
      target = value as Record<string, unknown>
    }
  }
  return result
}

function answer(context: ApiContext, object: FakeObject): ApiAnswer {
  return ok(expanded(context.store, object, expandOf(context.params)))
}

function retrieveRoute(kind: string): Handler {
  return (context) => {
    rejectUnknown(context.params, ['expand'])
    return answer(context, stored(context, kind))
  }
}

function createSessionRoute(context: ApiContext): ApiAnswer {
  return answer(context, createCheckoutSession(context.store, context.params))
}

function listSessionsRoute(context: ApiContext): ApiAnswer {
  const { params } = context
  const status = optionalString(params, 'status')
  const customer = optionalString(params, 'customer')
  const paymentIntent = optionalString(params, 'payment_intent')
  const subscription = optionalString(params, 'subscription')
  const sessions = context.store.all<FakeSession>('checkout.session').reverse()
  return ok(
    paginate(sessions, params, {
      url: '/v1/checkout/sessions',
      kind: 'checkout.session',
      params: ['created', 'customer', 'payment_intent', 'status', 'subscription'],
      filter: (session) =>
        (status === undefined || session.status === status) &&
        (customer === undefined || session.customer === customer) &&
        (paymentIntent === undefined || session.payment_intent === paymentIntent) &&
        (subscription === undefined || session.subscription === subscription),
    }),
  )
}

function lineItemsRoute(context: ApiContext): ApiAnswer {
  stored(context, 'checkout.session')
  rejectUnknown(context.params, ['expand', 'limit', 'starting_after', 'ending_before'])
  return ok(sessionLineItems(context.store, pathId(context)))
}

function expireSessionRoute(context: ApiContext): ApiAnswer {
  rejectUnknown(context.params, ['expand'])
  const { session } = expireCheckoutSession(context.store, pathId(context), context.request)
  return answer(context, session)
}

const customerParams = [
  'address',
  'balance',
  'business_name',
  'cash_balance',
  'description',
  'email',
  'expand',
  'individual_name',
  'invoice_prefix',
  'invoice_settings',
  'metadata',
  'name',
  'next_invoice_sequence',
  'payment_method',
  'phone',
  'preferred_locales',
  'shipping',
  'source',
  'tax',
  'tax_exempt',
  'tax_id_data',
  'test_clock',
  'validate',
]

function createCustomerRoute(context: ApiContext): ApiAnswer {
  const { params } = context
  rejectUnknown(params, customerParams)
  const email = optionalString(params, 'email')
  if (email !== undefined && email.length > 512) throw invalidRequest('Invalid email address', 'email')
  const customer = buildCustomer(context.store, {
    email: email ?? null,
    name: optionalString(params, 'name') ?? null,
    description: optionalString(params, 'description') ?? null,
    phone: optionalString(params, 'phone') ?? null,
    preferred_locales: optionalStringArray(params, 'preferred_locales') ?? [],
    metadata: optionalMetadata(params) ?? {},
  })
  return answer(context, customer)
}

/** `POST /v1/prices` with `product` or `product_data[name]`, optionally recurring. */
function createPriceRoute(context: ApiContext): ApiAnswer {
  const { params, store } = context
  rejectUnknown(params, [
    'currency',
    'unit_amount',
    'product',
    'product_data',
    'recurring',
    'metadata',
    'expand',
  ])
  const productId = optionalString(params, 'product')
  const productData = optionalObject(params, 'product_data')
  if (!productId && !productData) throw missingParam('product')
  if (productId && !store.find(productId, 'product')) throw noSuch('product', productId, 'product', 400)
  const recurring = optionalObject(params, 'recurring')
  const interval = recurring ? requiredString(recurring, 'interval', 'recurring') : undefined
  if (interval !== undefined && !['day', 'week', 'month', 'year'].includes(interval))
    throw invalidRequest('Invalid interval: must be one of day, month, week, or year', 'recurring[interval]')
  const price = buildPrice(store, {
    currency: requiredString(params, 'currency'),
    unit_amount: requiredInteger(params, 'unit_amount'),
    product: productId ?? { name: requiredString(productData ?? {}, 'name', 'product_data') },
    recurring:
      recurring && interval
        ? {
            interval: interval as Interval,
            interval_count: optionalInteger(recurring, 'interval_count', 'recurring', 1) ?? 1,
          }
        : undefined,
    metadata: optionalMetadata(params) ?? {},
  })
  return answer(context, price)
}

/** Parameters the fake applies; other SubscriptionUpdateParams fields are refused rather than ignored. */
const modelledSubscriptionUpdate = [
  'cancel_at_period_end',
  'metadata',
  'items',
  'proration_behavior',
  'expand',
]

function updateSubscriptionRoute(context: ApiContext): ApiAnswer {
  const { params, store } = context
  for (const key of Object.keys(params)) {
    if (!modelledSubscriptionUpdate.includes(key)) {
      throw invalidRequest(
        `Received unknown parameter: ${key} (fake-stripe models only ${modelledSubscriptionUpdate.join(', ')} ` +
          'on subscription updates; extend test/fake-stripe if the code needs more)',
        key,
        'parameter_unknown',
      )
    }
  }
  const subscription = stored<FakeSubscription>(context, 'subscription')
  const cancelAtPeriodEnd = optionalBoolean(params, 'cancel_at_period_end')
  const metadata = optionalMetadata(params)
  const price = itemPrice(store, subscription, params)
  const proration = optionalString(params, 'proration_behavior')
  if (proration !== undefined && !['always_invoice', 'create_prorations', 'none'].includes(proration))
    throw invalidRequest(
      'Invalid proration_behavior: must be one of always_invoice, create_prorations, or none',
      'proration_behavior',
    )
  updateSubscription(
    store,
    subscription,
    {
      ...(price ? { price } : {}),
      ...(proration === 'always_invoice' ? { invoiceProrationNow: true } : {}),
      ...(metadata ? { metadata } : {}),
      ...(cancelAtPeriodEnd !== undefined ? { cancelAtPeriodEnd } : {}),
    },
    context.request,
  )
  return answer(context, subscription)
}

/** `items[0][id]` (optional) with `items[0][price]` or `items[0][price_data]`: the fake models one item. */
function itemPrice(store: Store, subscription: FakeSubscription, params: FormObject): FakePrice | undefined {
  const items = optionalArray(params, 'items')
  if (!items) return undefined
  if (items.length !== 1)
    throw invalidRequest('fake-stripe models subscriptions with exactly one item.', 'items')
  const item = objectAt(items, 0, 'items')
  rejectUnknown(item, ['id', 'price', 'price_data', 'quantity', 'metadata'], 'items[0]')
  const itemId = optionalString(item, 'id', 'items[0]')
  const current = subscription.items.data[0]
  if (itemId && itemId !== current?.id) throw noSuch('subscription_item', itemId, 'items[0][id]', 400)
  const priceId = optionalString(item, 'price', 'items[0]')
  if (priceId) {
    const price = store.find<FakePrice>(priceId, 'price')
    if (!price) throw noSuch('price', priceId, 'items[0][price]', 400)
    return price
  }
  const data = optionalObject(item, 'price_data', 'items[0]')
  if (!data) throw missingParam('items[0][price]')
  const prefix = 'items[0][price_data]'
  rejectUnknown(data, ['currency', 'product', 'recurring', 'tax_behavior', 'unit_amount'], prefix)
  const product = requiredString(data, 'product', prefix)
  if (!store.find(product, 'product')) throw noSuch('product', product, paramPath(prefix, 'product'), 400)
  const recurring = optionalObject(data, 'recurring', prefix)
  if (!recurring) throw missingParam(paramPath(prefix, 'recurring'))
  const interval = requiredString(recurring, 'interval', paramPath(prefix, 'recurring'))
  if (!['day', 'week', 'month', 'year'].includes(interval)) {
    throw invalidRequest(
      'Invalid interval: must be one of day, month, week, or year',
      `${prefix}[recurring][interval]`,
    )
  }
  return buildPrice(store, {
    currency: requiredString(data, 'currency', prefix),
    unit_amount: requiredInteger(data, 'unit_amount', prefix),
    product,
    recurring: {
      interval: interval as Interval,
      interval_count: optionalInteger(recurring, 'interval_count', `${prefix}[recurring]`, 1) ?? 1,
    },
  })
}

function cancelSubscriptionRoute(context: ApiContext): ApiAnswer {
  rejectUnknown(context.params, ['cancellation_details', 'expand', 'invoice_now', 'prorate'])
  const subscription = stored<FakeSubscription>(context, 'subscription')
  cancelSubscriptionNow(context.store, subscription, context.request)
  return answer(context, subscription)
}

const refundParams = [
  'amount',
  'charge',
  'currency',
  'customer',
  'expand',
  'instructions_email',
  'metadata',
  'origin',
  'payment_intent',
  'reason',
  'refund_application_fee',
  'reverse_transfer',
]

function createRefundRoute(context: ApiContext): ApiAnswer {
  const { params, store } = context
  rejectUnknown(params, refundParams)
  const chargeId = optionalString(params, 'charge')
  const paymentIntentId = optionalString(params, 'payment_intent')
  if (chargeId && paymentIntentId) {
    throw invalidRequest('You may only specify one of these parameters: charge, payment_intent.', 'charge')
  }
  let charge: FakeCharge | undefined
  if (chargeId) {
    charge = store.find<FakeCharge>(chargeId, 'charge')
    if (!charge) throw noSuch('charge', chargeId, 'charge', 400)
  } else if (paymentIntentId) {
    const paymentIntent = store.find<FakePaymentIntent>(paymentIntentId, 'payment_intent')
    if (!paymentIntent) throw noSuch('payment_intent', paymentIntentId, 'payment_intent', 400)
    charge = paymentIntent.latest_charge
      ? store.find<FakeCharge>(paymentIntent.latest_charge, 'charge')
      : undefined
    if (!charge) {
      throw invalidRequest(
        `This PaymentIntent (${paymentIntentId}) does not have a successful charge to refund.`,
        'payment_intent',
        'charge_not_refundable',
      )
    }
  } else {
    throw invalidRequest(
      'One of the following params should be provided for this request: charge or payment_intent.',
    )
  }
  const reason = optionalString(params, 'reason')
  if (reason !== undefined && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) {
    throw invalidRequest(
      'Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer',
      'reason',
    )
  }
  const { refund } = refundCharge(
    store,
    {
      charge,
      amount: optionalInteger(params, 'amount', '', 1),
      ...(reason ? { reason } : {}),
      metadata: optionalMetadata(params) ?? {},
    },
    context.request,
  )
  return answer(context, refund)
}

function listEventsRoute(context: ApiContext): ApiAnswer {
  const { params } = context
  const type = optionalString(params, 'type')
  const types = optionalStringArray(params, 'types')
  if (type && types)
    throw invalidRequest('You may only specify one of these parameters: type, types.', 'type')
  if (types && types.length > 20) throw invalidRequest('You may pass at most 20 types.', 'types')
  const matchesType = (event: Stripe.Event) => {
    if (types) return types.includes(event.type)
    if (!type) return true
    return type.endsWith('*') ? event.type.startsWith(type.slice(0, -1)) : event.type === type
  }
  return ok(
    paginate([...context.store.events].reverse(), params, {
      url: '/v1/events',
      kind: 'event',
      params: ['created', 'delivery_success', 'type', 'types'],
      filter: matchesType,
    }),
  )
}

function createPortalSessionRoute(context: ApiContext): ApiAnswer {
  const { params, store } = context
  rejectUnknown(params, [
    'after_expiration',
    'configuration',
    'customer',
    'customer_account',
    'expand',
    'flow_data',
    'locale',
    'on_behalf_of',
    'return_url',
  ])
  const customer = requiredString(params, 'customer')
  if (!store.find(customer, 'customer')) throw noSuch('customer', customer, 'customer', 400)
  const returnUrl = optionalString(params, 'return_url')
  if (returnUrl !== undefined) assertUrl(returnUrl, 'return_url')
  const portalId = store.nextId('bps', 24)
  const session = store.put({
    id: portalId,
    object: 'billing_portal.session',
    configuration: optionalString(params, 'configuration') ?? 'bpc_fake_default',
    created: store.seconds(),
    customer,
    flow: null,
    livemode: false,
    locale: optionalString(params, 'locale') ?? null,
    on_behalf_of: null,
    return_url: returnUrl ?? null,
    url: `${store.baseUrl}/billing_portal/${portalId}`,
  })
  return answer(context, session)
}

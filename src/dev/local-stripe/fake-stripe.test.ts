import Stripe from 'stripe'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeStripe, parseForm, seededRandom, startFakeStripe } from './index'

const start = Date.UTC(2026, 10, 23, 12, 0, 0)
let clock: number
let fake: FakeStripe
let stripe: Stripe

beforeEach(async () => {
  clock = start
  fake = await startFakeStripe({ now: () => clock })
  stripe = sdk()
})

afterEach(async () => {
  await fake.close()
})

function sdk(config: Stripe.StripeConfig = {}): Stripe {
  return new Stripe('sk_test_123', {
    ...fake.sdkConfig,
    httpClient: Stripe.createFetchHttpClient(),
    ...config,
  })
}

const seconds = (ms: number) => Math.floor(ms / 1000)

function paymentParams(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  return {
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'cny', unit_amount: 20000, product_data: { name: 'Annual pass' } },
      },
    ],
    success_url: 'https://quanzi.test/checkout/success?session_id={CHECKOUT_SESSION_ID}',
    client_reference_id: 'ord_1',
    metadata: { order_id: 'ord_1' },
    payment_intent_data: { metadata: { order_id: 'ord_1' } },
    ...overrides,
  } satisfies Stripe.Checkout.SessionCreateParams
}

function subscriptionParams(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  return {
    mode: 'subscription',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: 'usd',
          unit_amount: 1500,
          product_data: { name: 'Inner circle' },
          recurring: { interval: 'month' },
        },
      },
    ],
    success_url: 'https://quanzi.test/checkout/success',
    metadata: { order_id: 'ord_2' },
    subscription_data: { metadata: { order_id: 'ord_2', tier: 'gold' } },
    allowed_payment_method_types: ['card'],
    ...overrides,
  } satisfies Stripe.Checkout.SessionCreateParams
}

async function invalidRequest(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.unreachable('the request should have failed'),
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(Stripe.errors.StripeError)
  return error as Stripe.errors.StripeError
}

async function paidCharge(amount = 20000) {
  const session = await stripe.checkout.sessions.create(
    paymentParams({
      line_items: [
        { quantity: 1, price_data: { currency: 'cny', unit_amount: amount, product_data: { name: 'P' } } },
      ],
    }),
  )
  fake.completeSession(session.id)
  const paymentIntent = fake.object<{ latest_charge: string }>(
    fake.object<{ payment_intent: string }>(session.id).payment_intent,
  )
  return { session, chargeId: paymentIntent.latest_charge }
}

async function activeSubscription() {
  const session = await stripe.checkout.sessions.create(subscriptionParams())
  const events = fake.completeSession(session.id, { email: 'member@example.com' })
  const subscriptionId = fake.object<{ subscription: string }>(session.id).subscription
  return { session, events, subscriptionId }
}

describe('checkout sessions through the real SDK', () => {
  it('creates an open, unpaid session priced from the line items, and retrieves it', async () => {
    const session = await stripe.checkout.sessions.create(
      paymentParams({ customer_email: 'reader@example.com' }),
    )

    expect(session.id).toMatch(/^cs_test_\w+$/)
    expect(session).toMatchObject({
      object: 'checkout.session',
      url: `${fake.url}/pay/${session.id}`,
      status: 'open',
      payment_status: 'unpaid',
      mode: 'payment',
      metadata: { order_id: 'ord_1' },
      client_reference_id: 'ord_1',
      customer: null,
      customer_email: 'reader@example.com',
      customer_details: null,
      amount_total: 20000,
      currency: 'cny',
      payment_intent: null,
      subscription: null,
      created: seconds(start),
      expires_at: seconds(start) + 24 * 3600,
    })
    expect(await stripe.checkout.sessions.retrieve(session.id)).toEqual(session)
  })

  it('honours expires_at and refuses one outside 30 minutes to 24 hours', async () => {
    const expiresAt = seconds(start) + 30 * 60
    const session = await stripe.checkout.sessions.create(paymentParams({ expires_at: expiresAt }))
    expect(session.expires_at).toBe(expiresAt)

    const error = await invalidRequest(
      stripe.checkout.sessions.create(paymentParams({ expires_at: seconds(start) + 60 })),
    )
    expect(error.statusCode).toBe(400)
    expect(error.param).toBe('expires_at')
  })

  it('sends the parameters form-encoded in bracket notation and parses them back into objects', async () => {
    await stripe.checkout.sessions.create(
      paymentParams({
        allowed_payment_method_types: ['alipay', 'wechat_pay'],
        payment_method_options: { wechat_pay: { client: 'web' } },
      }),
    )

    const [request] = fake.requests
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request?.rawBody).toContain('line_items[0][price_data][unit_amount]=20000')
    expect(request?.rawBody).toContain('allowed_payment_method_types[1]=wechat_pay')
    expect(request?.body).toMatchObject({
      mode: 'payment',
      line_items: [{ quantity: '1', price_data: { currency: 'cny', unit_amount: '20000' } }],
      metadata: { order_id: 'ord_1' },
      allowed_payment_method_types: ['alipay', 'wechat_pay'],
    })
    expect(request?.stripeVersion).toBe('2026-10-28.endive')
    expect(request?.headers.authorization).toBe('Bearer sk_test_123')
    // With no key given, the SDK still keys every POST so that its own retries cannot double-create.
    expect(request?.idempotencyKey).toMatch(/^stripe-node-retry-[0-9a-f-]{36}$/)
  })

  it('answers an unknown session with a 404 resource_missing error', async () => {
    const error = await invalidRequest(stripe.checkout.sessions.retrieve('cs_test_missing'))
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(error.statusCode).toBe(404)
    expect(error.code).toBe('resource_missing')
    expect(error.message).toBe("No such checkout.session: 'cs_test_missing'")
  })

  it('expires an open session once, emitting checkout.session.expired tied to the request', async () => {
    const session = await stripe.checkout.sessions.create(paymentParams())

    const expired = await stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey: 'expire-1' })

    expect(expired).toMatchObject({ status: 'expired', url: null })
    const [event] = fake.events
    expect(event).toMatchObject({
      type: 'checkout.session.expired',
      request: { idempotency_key: 'expire-1' },
      data: { object: { id: session.id, status: 'expired' } },
    })
    expect(event?.request?.id).toMatch(/^req_/)
    const again = await invalidRequest(stripe.checkout.sessions.expire(session.id))
    expect(again.statusCode).toBe(400)
    expect(fake.events).toHaveLength(1)
  })

  it('refuses payment_method_types, which API 2026-09-30 and later replaced', async () => {
    const params = {
      ...paymentParams(),
      payment_method_types: ['card'],
    } as Stripe.Checkout.SessionCreateParams

    const error = await invalidRequest(stripe.checkout.sessions.create(params))

    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(error.statusCode).toBe(400)
    expect(error.param).toBe('payment_method_types')
    expect(error.message).toContain('2026-09-30')
    expect(error.message).toContain('allowed_payment_method_types')
    expect(fake.objects('checkout.session')).toEqual([])
  })

  it('refuses Alipay and WeChat Pay in subscription mode but takes them for one-time payments', async () => {
    const error = await invalidRequest(
      stripe.checkout.sessions.create(
        subscriptionParams({
          allowed_payment_method_types: ['card', 'alipay'],
          payment_method_options: { wechat_pay: { client: 'web' } },
        }),
      ),
    )
    expect(error.statusCode).toBe(400)
    expect(error.param).toBe('allowed_payment_method_types[1]')

    const wallet = await stripe.checkout.sessions.create(
      paymentParams({
        allowed_payment_method_types: ['alipay', 'wechat_pay'],
        payment_method_options: { wechat_pay: { client: 'web' } },
      }),
    )
    expect(wallet.payment_method_types).toEqual(['alipay', 'wechat_pay'])
  })

  it('names the exact parameter that is missing or unknown', async () => {
    const noQuantity = await invalidRequest(
      stripe.checkout.sessions.create({
        ...paymentParams(),
        line_items: [{ price_data: { currency: 'cny', unit_amount: 100, product_data: { name: 'x' } } }],
      }),
    )
    expect(noQuantity.param).toBe('line_items[0][quantity]')
    expect(noQuantity.code).toBe('parameter_missing')

    const recurringInPayment = await invalidRequest(
      stripe.checkout.sessions.create(paymentParams({ line_items: subscriptionParams().line_items })),
    )
    expect(recurringInPayment.param).toBe('line_items[0]')

    const unknown = await invalidRequest(
      stripe.checkout.sessions.create({
        ...paymentParams(),
        colour: 'red',
      } as Stripe.Checkout.SessionCreateParams),
    )
    expect(unknown.message).toBe('Received unknown parameter: colour')
  })
})

describe('idempotency', () => {
  it('replays the stored response for the same key and parameters', async () => {
    const first = await stripe.checkout.sessions.create(paymentParams(), { idempotencyKey: 'checkout-ord_1' })
    const second = await stripe.checkout.sessions.create(paymentParams(), {
      idempotencyKey: 'checkout-ord_1',
    })

    expect(second.id).toBe(first.id)
    expect(fake.objects('checkout.session')).toHaveLength(1)
    expect(fake.requests.map((request) => request.replayed)).toEqual([false, true])
    // With the fetch client, lastResponse is the fetch Response: its headers are a Headers object, not a record.
    const headers = second.lastResponse.headers as unknown as Headers
    expect(headers.get('idempotent-replayed')).toBe('true')
    expect(second.lastResponse.idempotencyKey).toBe('checkout-ord_1')
  })

  it('refuses the same key with different parameters', async () => {
    await stripe.checkout.sessions.create(paymentParams(), { idempotencyKey: 'checkout-ord_1' })

    const error = await invalidRequest(
      stripe.checkout.sessions.create(paymentParams({ client_reference_id: 'ord_9' }), {
        idempotencyKey: 'checkout-ord_1',
      }),
    )

    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    expect(error.type).toBe('StripeIdempotencyError')
    expect(error.statusCode).toBe(400)
    expect(fake.objects('checkout.session')).toHaveLength(1)
  })
})

describe('authentication, routing and faults', () => {
  it('answers 401 without a test secret key', async () => {
    const missing = await fetch(`${fake.url}/v1/customers/cus_x`)
    expect(missing.status).toBe(401)
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error' } })

    const publishable = new Stripe('pk_test_123', {
      ...fake.sdkConfig,
      httpClient: Stripe.createFetchHttpClient(),
    })
    const error = await invalidRequest(publishable.customers.create({ email: 'a@example.com' }))
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError)
    expect(fake.requests.map((request) => request.status)).toEqual([401, 401])
  })

  it('answers unknown routes with Stripe-shaped 404s', async () => {
    const response = await fetch(`${fake.url}/v1/payouts`, {
      headers: { authorization: 'Bearer sk_test_123' },
    })
    expect(response.status).toBe(404)
    const body = (await response.json()) as { error: { type: string; message: string } }
    expect(body.error.type).toBe('invalid_request_error')
    expect(body.error.message).toContain('Unrecognized request URL (GET: /v1/payouts)')
  })

  it('failNext makes the SDK throw a StripeAPIError, then serves normally', async () => {
    fake.failNext(1, 500, { shouldRetry: false })

    const error = await invalidRequest(stripe.customers.create({ email: 'a@example.com' }))
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError)
    expect(error.statusCode).toBe(500)

    const customer = await stripe.customers.create({ email: 'a@example.com' })
    expect(customer.id).toMatch(/^cus_/)
    expect(fake.requests.map((request) => request.status)).toEqual([500, 200])
  })

  it('lets the SDK retry an injected failure under the same idempotency key without a double create', async () => {
    fake.failNext(1, 503)
    const retrying = sdk({ maxNetworkRetries: 1 })

    const session = await retrying.checkout.sessions.create(paymentParams(), {
      idempotencyKey: 'checkout-ord_1',
    })

    expect(fake.requests.map((request) => [request.status, request.idempotencyKey])).toEqual([
      [503, 'checkout-ord_1'],
      [200, 'checkout-ord_1'],
    ])
    expect(fake.objects('checkout.session')).toEqual([expect.objectContaining({ id: session.id })])
  })

  it('setLatency delays answers', async () => {
    fake.setLatency(60)
    const before = performance.now()
    await stripe.customers.create({ email: 'a@example.com' })
    expect(performance.now() - before).toBeGreaterThanOrEqual(55)
  })
})

describe('events list', () => {
  async function sevenEvents() {
    for (let i = 0; i < 7; i++) {
      const session = await stripe.checkout.sessions.create(paymentParams())
      fake.expireSession(session.id)
    }
    return fake.events
  }

  it('pages newest first with limit and has_more, and auto-paginates in order', async () => {
    const events = await sevenEvents()
    const newestFirst = [...events].reverse().map((event) => event.id)

    const page = await stripe.events.list({ limit: 2 })
    expect(page).toMatchObject({ object: 'list', url: '/v1/events', has_more: true })
    expect(page.data.map((event) => event.id)).toEqual(newestFirst.slice(0, 2))

    const all: string[] = []
    for await (const event of stripe.events.list({ limit: 3 })) all.push(event.id)
    expect(all).toEqual(newestFirst)
    expect(fake.requests.filter((request) => request.path === '/v1/events').map((r) => r.query)).toEqual([
      { limit: '2' },
      { limit: '3' },
      { limit: '3', starting_after: newestFirst[2] },
      { limit: '3', starting_after: newestFirst[5] },
    ])
  })

  it('filters on created[gt] and walks newer events with ending_before', async () => {
    const events = await sevenEvents()
    const created = events.map((event) => event.created)
    expect(created).toEqual([...created].sort((a, b) => a - b))
    expect(new Set(created).size).toBe(7)

    const newer = await stripe.events.list({ created: { gt: created[4] as number } })
    expect(newer.data.map((event) => event.id)).toEqual([events[6]?.id, events[5]?.id])

    const oldestToNewest: string[] = []
    for await (const event of stripe.events.list({ ending_before: events[2]?.id, limit: 2 })) {
      oldestToNewest.push(event.id)
    }
    expect(oldestToNewest).toEqual(events.slice(3).map((event) => event.id))
  })

  it('retrieves one event and refuses a limit over 100', async () => {
    const [event] = await sevenEvents()
    expect(await stripe.events.retrieve(event?.id as string)).toEqual(event)
    const error = await invalidRequest(stripe.events.list({ limit: 101 }))
    expect(error.param).toBe('limit')
  })
})

describe('payments', () => {
  it('completes a paid one-time session with a PaymentIntent and a Charge carrying the order metadata', async () => {
    const session = await stripe.checkout.sessions.create(paymentParams())

    const events = fake.completeSession(session.id, { email: 'reader@example.com' })

    expect(events.map((event) => event.type)).toEqual(['checkout.session.completed'])
    const completed = events[0]?.data.object as Stripe.Checkout.Session
    expect(completed).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      customer: null,
      customer_details: { email: 'reader@example.com' },
    })
    const paymentIntent = await stripe.paymentIntents.retrieve(completed.payment_intent as string)
    expect(paymentIntent).toMatchObject({ status: 'succeeded', amount: 20000, currency: 'cny' })
    const charge = await stripe.charges.retrieve(paymentIntent.latest_charge as string)
    expect(charge).toMatchObject({
      payment_intent: paymentIntent.id,
      amount: 20000,
      amount_refunded: 0,
      metadata: { order_id: 'ord_1' },
    })
  })

  it('settles an Alipay session later, or fails it', async () => {
    const walletParams = paymentParams({ allowed_payment_method_types: ['alipay'] })
    const first = await stripe.checkout.sessions.create(walletParams)
    const second = await stripe.checkout.sessions.create(walletParams)
    fake.completeSession(first.id, { paymentStatus: 'unpaid' })
    fake.completeSession(second.id, { paymentStatus: 'unpaid' })

    const [succeeded] = fake.asyncPaymentSucceeded(first.id)
    const [failed] = fake.asyncPaymentFailed(second.id)

    expect(succeeded).toMatchObject({
      type: 'checkout.session.async_payment_succeeded',
      data: { object: { id: first.id, payment_status: 'paid' } },
    })
    expect(failed).toMatchObject({
      type: 'checkout.session.async_payment_failed',
      data: { object: { id: second.id, payment_status: 'unpaid' } },
    })
    expect(() => fake.asyncPaymentSucceeded(first.id)).toThrow(/asyncPaymentSucceeded/)
  })

  it('refunds through the SDK, emitting charge.refunded with the charge, partial then full', async () => {
    const { session, chargeId } = await paidCharge(20000)
    const paymentIntent = fake.object<{ id: string }>(
      fake.object<{ payment_intent: string }>(session.id).payment_intent,
    )

    const partial = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 5000 })
    const rest = await stripe.refunds.create({ charge: chargeId })

    expect(partial).toMatchObject({ object: 'refund', amount: 5000, charge: chargeId, status: 'succeeded' })
    expect(rest.amount).toBe(15000)
    const refunded = fake.events.filter((event) => event.type === 'charge.refunded')
    expect(refunded.map((event) => event.data.object)).toMatchObject([
      { id: chargeId, amount_refunded: 5000, refunded: false },
      { id: chargeId, amount_refunded: 20000, refunded: true },
    ])
    const error = await invalidRequest(stripe.refunds.create({ charge: chargeId }))
    expect(error.code).toBe('charge_already_refunded')
  })

  it('opens and closes disputes', async () => {
    const { chargeId } = await paidCharge()

    const [created] = fake.openDispute(chargeId)
    const dispute = created?.data.object as Stripe.Dispute
    const [closed] = fake.closeDispute(dispute.id, 'won')

    expect(created?.type).toBe('charge.dispute.created')
    expect(dispute).toMatchObject({ charge: chargeId, status: 'needs_response', amount: 20000 })
    expect(dispute.id).toMatch(/^dp_/)
    expect(closed).toMatchObject({
      type: 'charge.dispute.closed',
      data: { object: { id: dispute.id, status: 'won' } },
    })
  })
})

describe('subscriptions', () => {
  it('completes a subscription session with its subscription, first invoice and events', async () => {
    const { session, events, subscriptionId } = await activeSubscription()

    expect(events.map((event) => event.type)).toEqual([
      'customer.subscription.created',
      'invoice.paid',
      'invoice_payment.paid',
      'checkout.session.completed',
    ])
    const periodEnd = Date.UTC(2026, 11, 23, 12, 0, 0) / 1000
    const subscription = (await stripe.subscriptions.retrieve(
      subscriptionId,
    )) as unknown as Stripe.Subscription & {
      current_period_end: number
    }
    expect(subscription).toMatchObject({
      status: 'active',
      cancel_at_period_end: false,
      metadata: { order_id: 'ord_2', tier: 'gold' },
      current_period_end: periodEnd,
    })
    expect(subscription.items.data[0]).toMatchObject({
      current_period_start: seconds(start),
      current_period_end: periodEnd,
      price: { unit_amount: 1500, recurring: { interval: 'month' } },
    })
    const invoice = events[1]?.data.object as Stripe.Invoice
    // As on Stripe since 2025-03-31.basil: the invoice names its subscription under `parent`, and no longer its
    // payment (the InvoicePayment does).
    for (const legacy of ['subscription', 'paid', 'charge', 'payment_intent'])
      expect(invoice).not.toHaveProperty(legacy)
    const payment = events[2]?.data.object as Stripe.InvoicePayment
    expect(payment).toMatchObject({
      object: 'invoice_payment',
      invoice: invoice.id,
      status: 'paid',
      amount_paid: 1500,
      payment: { type: 'payment_intent', payment_intent: expect.stringMatching(/^pi_/) },
    })
    const paymentIntent = fake.object<{ latest_charge: string; amount: number }>(
      payment.payment.payment_intent as string,
    )
    expect(paymentIntent).toMatchObject({ amount: 1500, latest_charge: expect.stringMatching(/^ch_/) })
    expect(invoice).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_create',
      amount_paid: 1500,
      parent: { subscription_details: { subscription: subscriptionId } },
    })
    expect(invoice.lines.data[0]?.period).toEqual({ start: seconds(start), end: periodEnd })
    expect(fake.object(session.id)).toMatchObject({ status: 'complete', subscription: subscriptionId })
    expect(fake.object<{ customer: string }>(session.id).customer).toMatch(/^cus_/)
  })

  it('renews, fails into past_due, recovers, and ends at period end after a cancel', async () => {
    const { subscriptionId } = await activeSubscription()

    const renewed = fake.renewSubscription(subscriptionId)
    expect(renewed.map((event) => event.type)).toEqual([
      'customer.subscription.updated',
      'invoice.paid',
      'invoice_payment.paid',
    ])
    expect(renewed[0]?.data.object).toMatchObject({ current_period_end: Date.UTC(2027, 0, 23, 12) / 1000 })
    expect(renewed[0]?.data.previous_attributes).toMatchObject({
      current_period_end: Date.UTC(2026, 11, 23, 12) / 1000,
    })

    const failed = fake.failInvoice(subscriptionId)
    expect(failed.map((event) => event.type)).toEqual([
      'invoice.payment_failed',
      'customer.subscription.updated',
    ])
    expect(failed[1]?.data.object).toMatchObject({ status: 'past_due' })

    const declined = (failed[0]?.data.object as Stripe.Invoice | undefined)?.payments?.data[0]
    expect(declined).toMatchObject({ status: 'open', amount_paid: null })

    const recovered = fake.recoverSubscription(subscriptionId)
    expect(recovered.map((event) => event.type)).toEqual([
      'invoice.paid',
      'invoice_payment.paid',
      'customer.subscription.updated',
    ])
    // The retry succeeded on the declined attempt's PaymentIntent: the same InvoicePayment, now paid.
    expect(recovered[1]?.data.object).toMatchObject({
      id: declined?.id,
      status: 'paid',
      payment: declined?.payment,
    })
    expect(recovered[2]?.data.object).toMatchObject({ status: 'active' })

    const [canceling] = fake.cancelSubscription(subscriptionId, { atPeriodEnd: true })
    expect(canceling).toMatchObject({
      type: 'customer.subscription.updated',
      data: { object: { cancel_at_period_end: true, status: 'active' } },
    })
    const [ended] = fake.renewSubscription(subscriptionId)
    expect(ended).toMatchObject({
      type: 'customer.subscription.deleted',
      data: { object: { status: 'canceled', ended_at: Date.UTC(2027, 1, 23, 12) / 1000 } },
    })
  })

  it('changes the price and metadata of a subscription', async () => {
    const { subscriptionId } = await activeSubscription()

    const [updated] = fake.changeSubscriptionPrice(subscriptionId, {
      unit_amount: 3000,
      metadata: { tier: 'platinum' },
    })

    const subscription = updated?.data.object as Stripe.Subscription
    expect(subscription.items.data[0]?.price.unit_amount).toBe(3000)
    expect(subscription.metadata).toEqual({ order_id: 'ord_2', tier: 'platinum' })
    expect(updated?.data.previous_attributes).toMatchObject({ metadata: { tier: 'gold' } })

    const yearly = fake.changeSubscriptionPrice(subscriptionId, { interval: 'year' })
    expect(yearly.map((event) => event.type)).toEqual([
      'customer.subscription.updated',
      'invoice.paid',
      'invoice_payment.paid',
    ])
    expect(yearly[0]?.data.object).toMatchObject({
      current_period_start: seconds(start),
      current_period_end: Date.UTC(2027, 10, 23, 12) / 1000,
    })
  })

  it('updates and cancels through the SDK', async () => {
    const { subscriptionId } = await activeSubscription()

    const updated = await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true })
    const canceled = await stripe.subscriptions.cancel(subscriptionId)

    expect(updated.cancel_at_period_end).toBe(true)
    expect(canceled).toMatchObject({ status: 'canceled', ended_at: seconds(start) })
    expect(fake.events.slice(-2).map((event) => event.type)).toEqual([
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ])
  })

  it('creates customers and billing portal sessions', async () => {
    const customer = await stripe.customers.create({
      email: 'member@example.com',
      metadata: { buyer_id: 'buy_1' },
    })
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({
      email: 'member@example.com',
      metadata: { buyer_id: 'buy_1' },
    })

    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'https://quanzi.test/account',
    })
    expect(portal).toMatchObject({ object: 'billing_portal.session', customer: customer.id })
    expect(portal.url).toBe(`${fake.url}/billing_portal/${portal.id}`)
  })
})

describe('webhooks', () => {
  it('signs events that the SDK verifies, and a tampered payload fails', async () => {
    const session = await stripe.checkout.sessions.create(paymentParams())
    const [event] = fake.completeSession(session.id)
    const { payload, header } = fake.signEvent(event as Stripe.Event)

    expect(header).toMatch(new RegExp(`^t=${seconds(clock)},v1=[0-9a-f]{64}$`))
    const verified = await Stripe.webhooks.constructEventAsync(
      payload,
      header,
      fake.webhookSecret,
      300,
      undefined,
      clock,
    )
    expect(verified).toEqual(event)

    const tampered = payload.replace('"paid"', '"unpaid"')
    expect(tampered).not.toBe(payload)
    await expect(
      Stripe.webhooks.constructEventAsync(tampered, header, fake.webhookSecret, 300, undefined, clock),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError)
    await expect(
      Stripe.webhooks.constructEventAsync(payload, header, 'whsec_other', 300, undefined, clock),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError)
  })

  it('delivers reproducibly for a seed, with duplicates, and never delivers dropped events', async () => {
    for (let i = 0; i < 5; i++) {
      const session = await stripe.checkout.sessions.create(paymentParams())
      fake.completeSession(session.id)
    }
    const events = fake.events
    const dropped = events[2]?.id as string
    const run = async (seed: number) => {
      const received: string[] = []
      const report = await fake.deliver(
        events,
        async (payload, header) => {
          const event = await Stripe.webhooks.constructEventAsync(
            payload,
            header,
            fake.webhookSecret,
            300,
            undefined,
            clock,
          )
          received.push(event.id)
          return { status: 200 }
        },
        { seed, shuffle: true, duplicates: 1, drop: [dropped] },
      )
      return { received, report }
    }

    const first = await run(7)
    const second = await run(7)
    const other = await run(8)

    expect(second.received).toEqual(first.received)
    expect(other.received).not.toEqual(first.received)
    expect(first.received).toHaveLength(8)
    expect(first.received).not.toContain(dropped)
    expect(new Set(first.received)).toEqual(
      new Set(events.map((event) => event.id).filter((id) => id !== dropped)),
    )
    expect(first.report).toMatchObject({ dropped: [dropped], undelivered: [] })
  })

  it('retries a delivery until the endpoint answers 2xx', async () => {
    const session = await stripe.checkout.sessions.create(paymentParams())
    const [event] = fake.completeSession(session.id)
    let calls = 0

    const report = await fake.deliver(
      [event as Stripe.Event],
      async () => ({ status: ++calls < 3 ? 500 : 200 }),
      {
        retryUntil2xx: true,
      },
    )

    expect(report.statuses).toEqual({ [event?.id as string]: [500, 500, 200] })
    expect(report.attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3])
    expect(report.undelivered).toEqual([])
  })

  it('keeps up to `concurrency` deliveries in flight at once', async () => {
    for (let i = 0; i < 3; i++) {
      const session = await stripe.checkout.sessions.create(paymentParams())
      fake.completeSession(session.id)
    }
    let inFlight = 0
    let mostInFlight = 0
    const send = async () => {
      inFlight++
      mostInFlight = Math.max(mostInFlight, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inFlight--
      return { status: 204 }
    }

    const report = await fake.deliver(fake.events, send, { concurrency: 2 })

    expect(mostInFlight).toBe(2)
    expect(report.attempts).toHaveLength(3)
    expect(report.undelivered).toEqual([])
  })
})

describe('building blocks', () => {
  it('parses bracket notation into nested objects and arrays', () => {
    expect(
      parseForm(
        'a[0][b]=1&a[0][c][d]=x%20y&a[1][b]=2&m[order_id]=ord_1&t[]=alipay&t[]=wechat_pay&expand[0]=x',
      ),
    ).toEqual({
      a: [{ b: '1', c: { d: 'x y' } }, { b: '2' }],
      m: { order_id: 'ord_1' },
      t: ['alipay', 'wechat_pay'],
      expand: ['x'],
    })
    expect(() => parseForm('a=1&a[b]=2')).toThrow(/Invalid hash/)
    expect(() => parseForm('a[2]=1')).toThrow(/Invalid array/)
    expect(() => parseForm('__proto__[x]=1')).toThrow(/Invalid parameter/)
  })

  it('seededRandom repeats for a seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed)
      return [random(), random(), random()]
    }
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
    expect(draw(42)[0]).toBe(0.6011037519201636)
  })
})

/**
 * local-stripe (the "fake Stripe"): a Stripe API server of our own, on 127.0.0.1, that the real `stripe` SDK
 * (23.x, API version 2026-10-28.endive) talks to — used by the test suite and by `npm start` without a
 * STRIPE_SECRET_KEY (src/dev/local-payments.ts), never by the Worker — plus controls that play Stripe's side of a payment and deliver signed webhooks.
 * Tests never reach api.stripe.com; everything is in memory, seeded and driven by your clock.
 *
 * @example Start it, point the SDK (or the app's STRIPE_API_BASE) at it, close it.
 * ```ts
 * import Stripe from 'stripe'
 * import { startFakeStripe, type FakeStripe } from '../src/dev/local-stripe'
 *
 * let fake: FakeStripe
 * beforeEach(async () => {
 *   ctx = await createTestContext({ STRIPE_WEBHOOK_SECRET: 'whsec_test_fake' })
 *   fake = await startFakeStripe({ now: ctx.clock.now })   // share the app's clock (see "Clock")
 * })
 * afterEach(() => fake.close())
 *
 * const stripe = new Stripe('sk_test_123', { ...fake.sdkConfig, httpClient: Stripe.createFetchHttpClient() })
 * // or: createStripe('sk_test_123', fake.url) from src/billing/stripe-client
 * ```
 *
 * @example Checkout, paid, delivered to the webhook route in a hostile order.
 * ```ts
 * const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [...], success_url })
 * const events = fake.completeSession(session.id, { email: 'reader@example.com' })
 * const report = await fake.deliver(events, (payload, header) =>
 *   ctx.app.request('/webhooks/stripe', { method: 'POST', headers: { 'stripe-signature': header }, body: payload }),
 *   { seed: 7, shuffle: true, duplicates: 1, concurrency: 2 },
 * )
 * expect(report.undelivered).toEqual([])
 * ```
 *
 * ## The server
 * `startFakeStripe({ webhookSecret?, now?, seed? })` listens on 127.0.0.1 with a random port and resolves to a
 * {@link FakeStripe}: `url` (what the app's STRIPE_API_BASE takes), `sdkConfig` (`{ host, port, protocol:
 * 'http' }`), `webhookSecret` (default 'whsec_test_fake'), `requests`, `events`, `object(id)`, `objects(kind)`,
 * `close()`.
 *
 * Requests must carry `Authorization: Bearer sk_test_…` (else a Stripe-shaped 401). Bodies are parsed from
 * Stripe's bracket notation into nested objects and arrays (leaves stay strings) and every request is recorded
 * in `fake.requests` (`method`, `path`, `params`, `body`, `query`, `headers`, `idempotencyKey`,
 * `stripeVersion`, `status`, `replayed`). Errors are Stripe's: `{ error: { type, message, param?, code? } }`
 * with 400 / 401 / 404, so the SDK throws the same classes it throws in production.
 *
 * Endpoints: `POST /v1/checkout/sessions`, `GET /v1/checkout/sessions[/:id[/line_items]]`,
 * `POST /v1/checkout/sessions/:id/expire`, `POST /v1/customers`, `GET /v1/customers/:id`,
 * `GET|POST|DELETE /v1/subscriptions/:id`, `POST /v1/refunds`, `GET /v1/events[/:id]`,
 * `POST /v1/billing_portal/sessions`, and `GET` by id for invoices, charges, payment_intents, refunds,
 * disputes, prices and products. `expand` works on single objects (`['subscription', 'line_items']`). Anything
 * else is Stripe's 404 "Unrecognized request URL"; a parameter Stripe does not know is its 400
 * "Received unknown parameter".
 *
 * Checkout rules enforced, as on Stripe: `payment_method_types` is refused (API 2026-09-30+: use
 * `allowed_payment_method_types`); `alipay` / `wechat_pay` are refused in `subscription` mode; `wechat_pay`
 * needs `payment_method_options[wechat_pay][client]`; a recurring price needs `subscription` mode and vice
 * versa; `expires_at` must be 30 min – 24 h after creation (default +24 h); `customer` xor `customer_email`;
 * `subscription_data` only in subscription mode, `payment_intent_data` only in payment mode.
 *
 * Idempotency: a POST that succeeded is stored under its `Idempotency-Key`; the same key with the same
 * parameters replays the stored status and body (header `Idempotent-Replayed: true`), with other parameters it
 * is a 400 `idempotency_error`. Failed validations and injected failures are not stored (Stripe does not save
 * requests that did not execute), so a retry with the same key runs for real. Note the SDK puts a key
 * (`stripe-node-retry-<uuid>`) on every POST when you pass none.
 *
 * Faults: `failNext(count, status = 500, { shouldRetry?, message? })` answers the next `count` API requests
 * with a Stripe-shaped error (`api_error` for 5xx, `rate_limit_error` for 429). The SDK retries 5xx and 409
 * itself (`maxNetworkRetries`, default 2 on Node, waiting ≥ 0.5 s each): pass `maxNetworkRetries: 0` or
 * `shouldRetry: false` (header `Stripe-Should-Retry: false`) to see the error at once. `setLatency(ms)` delays
 * every answer (real timers).
 *
 * ## Clock and ids
 * `now()` (milliseconds, default Date.now) stamps every `created`, period and `expires_at`; pass the app's test
 * clock so both agree (the app computes `expires_at` and checks signature age against its own clock). Event
 * `created` is in seconds and strictly increasing (two events in one second get consecutive seconds; real
 * Stripe can give them the same second, so a `created[gt]` cursor must still dedupe by id). Ids look like
 * Stripe's (`cs_test_…`, `cus_…`, `pi_…`, `ch_…`, `sub_…`, `in_…`, `re_…`, `dp_…`, `evt_…`), come from a seeded
 * PRNG (`seed`, default 1) and, like Stripe's, do not sort by time.
 *
 * ## Scenario controls
 * Each mutates state, appends events to `fake.events` / `GET /v1/events`, and returns the events it created
 * (deep copies: `data.object` is a snapshot taken at that moment). Misuse (completing an expired session,
 * renewing a canceled subscription) throws an Error naming the control.
 *
 * - `completeSession(id, { email?, name?, paymentStatus?: 'paid' | 'unpaid', paymentMethod? })` →
 *   payment mode: `checkout.session.completed` (PaymentIntent `pi_…`; a Charge `ch_…` when paid, carrying
 *   `payment_intent_data.metadata`; a Customer only with `customer` or `customer_creation: 'always'`, as
 *   Stripe's guest checkout gives `customer: null`). Subscription mode: `customer.subscription.created`,
 *   `invoice.paid` (+ `invoice_payment.paid`), `checkout.session.completed` (Customer, Subscription with `subscription_data.metadata`,
 *   first Invoice `billing_reason: 'subscription_create'` and its Charge; `trial_period_days` gives `trialing`
 *   and `payment_status: 'no_payment_required'`).
 * - `asyncPaymentSucceeded(id)` / `asyncPaymentFailed(id)` → `checkout.session.async_payment_succeeded` /
 *   `_failed`, for sessions completed with `paymentStatus: 'unpaid'` (Alipay / WeChat Pay settling late).
 * - `expireSession(id)` → `checkout.session.expired`.
 * - `renewSubscription(subId)` → `customer.subscription.updated` + `invoice.paid` (next period; the paid
 *   period is `invoice.lines.data[0].period`; `invoice.period_*` is the previous period, as on Stripe). A
 *   subscription with `cancel_at_period_end` ends instead: `customer.subscription.deleted`.
 * - Every `invoice.paid` for money is followed by `invoice_payment.paid`: the InvoicePayment names the invoice
 *   and the PaymentIntent that paid it (free invoices have none).
 * - `failInvoice(subId)` → `invoice.payment_failed` + `customer.subscription.updated` (`past_due`, period
 *   advanced, open invoice); again on a past_due subscription: another `invoice.payment_failed`.
 * - `recoverSubscription(subId)` → `invoice.paid` + `customer.subscription.updated` (`active`).
 * - `changeSubscriptionPrice(subId, { unit_amount?, interval?, interval_count?, metadata? })` →
 *   `customer.subscription.updated` with `previous_attributes`; a new interval restarts the period now and
 *   adds an `invoice.paid`.
 * - `cancelSubscription(subId, { atPeriodEnd })` → `customer.subscription.updated` (`cancel_at_period_end`)
 *   or `customer.subscription.deleted` (`status: 'canceled'`, `ended_at`).
 * - `refundCharge(chargeId, amount?)` → `charge.refunded` (`amount_refunded`; `refunded` once full). Refused,
 *   as on Stripe, beyond the unrefunded amount and while a dispute is open.
 * - `openDispute(chargeId, { reason? })` → `charge.dispute.created` (`dp_…`, `needs_response`);
 *   `closeDispute(disputeId, 'won' | 'lost')` → `charge.dispute.closed`.
 *
 * Subscriptions carry `current_period_start` / `current_period_end` on `items.data[0]` (where API 2025-03-31+
 * puts them) and, for older code, at the top level too; invoices carry `parent.subscription_details` and
 * `payments` (includable on Stripe, so absent from real webhooks: read `invoice_payment.paid` instead). Like
 * Stripe since 2025-03-31.basil they have no `subscription`, `paid`, `charge` or `payment_intent`.
 *
 * Only the event types above are emitted. Real Stripe sends more around each change (customer.created,
 * payment_intent.*, invoice.finalized, refund.created, …): a webhook handler must answer 2xx to the rest.
 * Events caused by an API request (expire, refund, subscription update or cancel) carry that request's id and
 * idempotency key in `event.request`, as Stripe's do; events from controls carry nulls.
 *
 * ## Webhooks
 * - `fake.signEvent(event, { timestamp?, secret? })` → `{ payload, header }`: pretty-printed JSON (as Stripe
 *   sends it) signed by the SDK's `generateTestHeaderString`, timestamp from the clock by default.
 * - `fake.deliver(events, send, { seed?, shuffle?, duplicates?, concurrency?, drop?, retryUntil2xx?,
 *   maxAttempts?, timestamp? })` → `{ attempts, statuses, dropped, undelivered }`. `send(payload, header)`
 *   returns anything with a `status` (a fetch or `app.request` Response). Seeded: the same options give the
 *   same order, copies and drops.
 * - `seededRandom(seed)`: the mulberry32 PRNG behind it, for tests of their own.
 */
export type {
  DeliverOptions,
  DeliveryAttempt,
  DeliveryReport,
  SendWebhook,
  SignedEvent,
} from './delivery'
export { deliverEvents, signEvent } from './delivery'
export type { StripeErrorBody } from './errors'
export { type FormObject, type FormValue, parseForm } from './form'
export { seededRandom } from './random'
export type { CompleteSessionOptions, PriceChange } from './scenarios'
export type { FailNextOptions, FakeStripe, FakeStripeOptions, RecordedRequest } from './server'
export { startFakeStripe } from './server'
export { apiVersion } from './store'

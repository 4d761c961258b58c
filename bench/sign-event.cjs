/**
 * autocannon `setupRequest` for the webhook ingest scenario. It runs in autocannon's worker thread, where only a
 * CommonJS module path can be passed, so it is plain JavaScript. Each request gets a fresh event id (a duplicate
 * would be a cheap no-op and flatter the app) and a signature made by the stripe SDK's own test helper.
 *
 * The request carries `eventTemplate` (the event as JSON, its id replaced by `__EVENT_ID__`) and `webhookSecret`.
 */
const { randomUUID } = require('node:crypto')
const Stripe = require('stripe')

const run = randomUUID().slice(0, 8)
let sequence = 0

module.exports = function signEvent(request) {
  sequence++
  const payload = request.eventTemplate.replace('__EVENT_ID__', `evt_bench_${run}_${sequence}`)
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: request.webhookSecret })
  return { ...request, body: payload, headers: { ...request.headers, 'stripe-signature': header } }
}

/**
 * autocannon `setupRequest` for the webhook ingest scenario. It runs in autocannon's worker thread, where only a
 * CommonJS module path can be passed, so it is plain JavaScript. Each request gets a fresh event id (a duplicate
 * would be a cheap no-op and flatter the app) and a signature made by the stripe SDK's own test helper.
 *
 * The request carries `eventTemplates` (events as JSON, their id replaced by `__EVENT_ID__` and the period they
 * pay ending at `__PERIOD_END__`), `periodEnd` (seconds) and `webhookSecret`. Request n takes template n mod k
 * and pays a period ending later than that template's every earlier request, in this load and in any earlier
 * one (autocannon loads this module afresh per run, so the sequence restarts; the offset from the time it was
 * loaded, 1,000 s per second, keeps later runs ahead): each event is a real renewal, never one already applied.
 */
const { randomUUID } = require('node:crypto')
const Stripe = require('stripe')

const run = randomUUID().slice(0, 8)
let sequence = 0
const offset = (Math.floor(Date.now() / 1000) % 1_000_000) * 1000

module.exports = function signEvent(request) {
  const templates = request.eventTemplates
  const round = Math.floor(sequence / templates.length) + 1
  const payload = templates[sequence % templates.length]
    .replace('__EVENT_ID__', `evt_bench_${run}_${sequence}`)
    .replace('"__PERIOD_END__"', String(request.periodEnd + offset + round))
  sequence++
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: request.webhookSecret })
  return { ...request, body: payload, headers: { ...request.headers, 'stripe-signature': header } }
}

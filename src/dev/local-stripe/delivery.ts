/**
 * Webhook delivery as Stripe does it, and as it goes wrong: signed with the endpoint secret, in any order,
 * sometimes twice, sometimes concurrently, retried after a non-2xx. Seeded, so a failing order replays exactly.
 */
import Stripe from 'stripe'
import { seededRandom, shuffled } from './random'

/** What a webhook endpoint receives: the raw JSON body and its `Stripe-Signature` header. */
export interface SignedEvent {
  payload: string
  header: string
}

/** Posts one delivery to the code under test; answer its HTTP status (a `Response` fits). */
export type SendWebhook = (payload: string, header: string) => Promise<{ status: number }>

export interface DeliverOptions {
  /** Seed for shuffling and probabilistic duplicates; default 1. */
  seed?: number
  /** Deliver in a seeded random order instead of the given one. */
  shuffle?: boolean
  /**
   * Extra deliveries of each event: an integer ≥ 1 adds that many copies of every event; a fraction in (0, 1)
   * adds one copy to each event with that probability (seeded). Copies are placed after their original, or
   * anywhere when `shuffle` is on.
   */
  duplicates?: number
  /** Deliveries in flight at once (default 1: one after the other). Above 1, handlers race for real. */
  concurrency?: number
  /** Event ids never delivered (a lost webhook that only reconciliation can recover). */
  drop?: string[]
  /**
   * Redeliver an event whose delivery answered non-2xx (or threw), after the other pending deliveries, as
   * Stripe's retries arrive later and out of order; up to `maxAttempts` attempts per delivery.
   */
  retryUntil2xx?: boolean
  /** Attempts per delivery with `retryUntil2xx`; default 5. */
  maxAttempts?: number
  /** Signature timestamp in seconds for every delivery; default: the clock at each attempt. */
  timestamp?: number
}

export interface DeliveryAttempt {
  eventId: string
  type: string
  /** 1 for the first delivery of this copy, 2 for its first retry, … */
  attempt: number
  /** The endpoint's status; 0 when `send` threw (the error is in `error`). */
  status: number
  error?: string
}

export interface DeliveryReport {
  /** Every POST made, in the order it was sent. */
  attempts: DeliveryAttempt[]
  /** Per event id, the statuses of all its deliveries in order. */
  statuses: Record<string, number[]>
  /** Ids left out by `drop`. */
  dropped: string[]
  /** Ids (not dropped) that never got a 2xx. */
  undelivered: string[]
}

/**
 * Signs an event as Stripe signs a webhook: the payload is the event as pretty-printed JSON (as Stripe sends
 * it, so a receiver must verify the raw body, not a re-serialisation), the header `t=<timestamp>,v1=<hmac>`
 * from the SDK's own `generateTestHeaderString`.
 *
 * @example
 * const { payload, header } = signEvent(event, { secret: 'whsec_test_fake', timestamp: 1795000000 })
 * await app.request('/webhooks/stripe', { method: 'POST', headers: { 'stripe-signature': header }, body: payload })
 */
export function signEvent(event: Stripe.Event, options: { secret: string; timestamp: number }): SignedEvent {
  const payload = JSON.stringify(event, null, 2)
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret,
    timestamp: options.timestamp,
  })
  return { payload, header }
}

interface Delivery {
  event: Stripe.Event
  attempt: number
}

/** Delivers `events` through `send` with the faults chosen in `options`; resolves when all are done. */
export async function deliverEvents(
  events: readonly Stripe.Event[],
  send: SendWebhook,
  options: DeliverOptions & { secret: string; now: () => number },
): Promise<DeliveryReport> {
  const random = seededRandom(options.seed ?? 1)
  const drop = new Set(options.drop ?? [])
  const duplicates = options.duplicates ?? 0
  if (duplicates < 0 || (duplicates >= 1 && !Number.isInteger(duplicates))) {
    throw new Error('deliver: duplicates is a whole count ≥ 1 or a probability in [0, 1)')
  }
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1))
  const maxAttempts = options.retryUntil2xx ? Math.max(1, options.maxAttempts ?? 5) : 1

  let queue: Delivery[] = []
  for (const event of events) {
    if (drop.has(event.id)) continue
    const copies = 1 + (duplicates >= 1 ? duplicates : random() < duplicates ? 1 : 0)
    for (let copy = 0; copy < copies; copy++) queue.push({ event, attempt: 1 })
  }
  if (options.shuffle) queue = shuffled(queue, random)

  const report: DeliveryReport = {
    attempts: [],
    statuses: {},
    dropped: events.filter((event) => drop.has(event.id)).map((event) => event.id),
    undelivered: [],
  }
  const succeeded = new Set<string>()

  const deliverOne = async (delivery: Delivery, retries: Delivery[]) => {
    const { event } = delivery
    const timestamp = options.timestamp ?? Math.floor(options.now() / 1000)
    const { payload, header } = signEvent(event, { secret: options.secret, timestamp })
    const record: DeliveryAttempt = {
      eventId: event.id,
      type: event.type,
      attempt: delivery.attempt,
      status: 0,
    }
    report.attempts.push(record)
    try {
      record.status = (await send(payload, header)).status
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error)
    }
    report.statuses[event.id] = [...(report.statuses[event.id] ?? []), record.status]
    if (record.status >= 200 && record.status < 300) succeeded.add(event.id)
    else if (delivery.attempt < maxAttempts) retries.push({ event, attempt: delivery.attempt + 1 })
  }

  // Rounds: every pending delivery, then the retries they caused, until none are left.
  while (queue.length > 0) {
    const retries: Delivery[] = []
    let next = 0
    const worker = async () => {
      while (next < queue.length) {
        const delivery = queue[next++] as Delivery
        await deliverOne(delivery, retries)
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker))
    queue = retries
  }

  report.undelivered = [...new Set(events.map((event) => event.id))].filter(
    (eventId) => !drop.has(eventId) && !succeeded.has(eventId),
  )
  return report
}

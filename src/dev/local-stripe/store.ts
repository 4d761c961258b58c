/**
 * The fake's state: every object by id, the event log (oldest first), the clock, and seeded ids. Objects are
 * plain JSON; callers only ever receive deep copies, so a test cannot change the fake by editing what it got.
 */
import type Stripe from 'stripe'
import type { SessionInternals } from './objects'
import { seededRandom } from './random'

export const apiVersion = '2026-10-28.endive'

/** Any Stripe object the fake stores: an id, an `object` kind, and Stripe's fields. */
export interface FakeObject {
  id: string
  object: string
  [field: string]: unknown
}

/** `event.request`: the API request that caused the event, or nulls for dashboard/automatic changes. */
export interface EventRequest {
  id: string | null
  idempotency_key: string | null
}

export interface Store {
  /** The clock, in milliseconds. */
  now(): number
  /** The clock, in Unix seconds (Stripe's unit for every timestamp). */
  seconds(): number
  /** `http://127.0.0.1:<port>`; set once the server listens. */
  baseUrl: string
  /** A Checkout Session's `url`. */
  checkoutUrl(sessionId: string): string
  objects: Map<string, FakeObject>
  /** What each Checkout Session was created with beyond its object (line items, subscription_data, …). */
  sessionInternals: Map<string, SessionInternals>
  events: Stripe.Event[]
  nextId(prefix: string, length?: number): string
  /** The stored object (the live one: mutate it, then `emit`). */
  find<T extends FakeObject>(id: string, kind: string): T | undefined
  put<T extends FakeObject>(object: T): T
  all<T extends FakeObject>(kind: string): T[]
  /**
   * Appends an event whose `data.object` is a snapshot of `object` now; `before` (a snapshot taken before the
   * change) yields `data.previous_attributes` with the old value of every top-level field that changed.
   */
  emit(
    type: Stripe.Event.Type,
    object: FakeObject,
    options?: { before?: FakeObject; request?: EventRequest },
  ): Stripe.Event
}

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export function createStore(
  now: () => number,
  seed: number,
  hooks: {
    checkoutUrl?: ((sessionId: string) => string) | undefined
    onEvent?: ((event: Stripe.Event) => void) | undefined
  } = {},
): Store {
  const random = seededRandom(seed)
  const objects = new Map<string, FakeObject>()
  const events: Stripe.Event[] = []
  const issued = new Set<string>()
  let lastEventCreated = 0

  const store: Store = {
    now,
    seconds: () => Math.floor(now() / 1000),
    baseUrl: '',
    checkoutUrl: (sessionId) => hooks.checkoutUrl?.(sessionId) ?? `${store.baseUrl}/pay/${sessionId}`,
    objects,
    sessionInternals: new Map(),
    events,
    // Random-looking but seeded: ids never sort by creation time (neither do Stripe's), and runs repeat.
    nextId(prefix, length = 14) {
      for (;;) {
        let suffix = ''
        for (let i = 0; i < length; i++) suffix += alphabet[Math.floor(random() * alphabet.length)]
        const id = `${prefix}_${suffix}`
        if (!issued.has(id)) {
          issued.add(id)
          return id
        }
      }
    },
    find<T extends FakeObject>(id: string, kind: string) {
      const found = objects.get(id)
      return found && found.object === kind ? (found as T) : undefined
    },
    put(object) {
      objects.set(object.id, object)
      return object
    },
    all<T extends FakeObject>(kind: string) {
      return [...objects.values()].filter((object): object is T => object.object === kind)
    },
    emit(type, object, options = {}) {
      // Strictly increasing seconds: a reconciliation cursor on `created` never sees two events tie.
      const created = Math.max(store.seconds(), lastEventCreated + 1)
      lastEventCreated = created
      const previous = options.before ? previousAttributes(options.before, object) : undefined
      const event = {
        id: store.nextId('evt', 24),
        object: 'event',
        api_version: apiVersion,
        created,
        type,
        livemode: false,
        pending_webhooks: 1,
        request: options.request ?? { id: null, idempotency_key: null },
        data: { object: clone(object), ...(previous ? { previous_attributes: previous } : {}) },
      } as unknown as Stripe.Event
      events.push(event)
      // Retrievable by id (`GET /v1/events/:id`) like any other object.
      objects.set(event.id, event as unknown as FakeObject)
      hooks.onEvent?.(clone(event))
      return clone(event)
    },
  }
  return store
}

export function clone<T>(value: T): T {
  return structuredClone(value)
}

function previousAttributes(before: FakeObject, after: FakeObject): Record<string, unknown> {
  const previous: Record<string, unknown> = {}
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = clone(before[key] ?? null)
  }
  return previous
}

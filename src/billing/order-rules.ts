/**
 * Pure rules for what a Checkout Session event does to its order. Stripe may deliver these late, twice, or out of
 * order; each rule looks only at the order's current status and the event, so replays change nothing and a stale
 * event cannot undo a newer fact (a refunded order is never re-granted, a paid order never expires).
 */
import type { OrderStatus } from '../db/schema'
import { dayMs } from '../lib/time'

export type SessionEventType =
  | 'checkout.session.completed'
  | 'checkout.session.async_payment_succeeded'
  | 'checkout.session.async_payment_failed'
  | 'checkout.session.expired'

export interface OrderDecision {
  /** The order's status after the event (unchanged when the event is stale or a replay). */
  status: OrderStatus
  /** Create the entitlement (and book the slot) now. */
  grant: boolean
  /** Free the consultation slot this order was holding. */
  releaseSlot: boolean
}

export function decideOrder(
  current: OrderStatus,
  event: SessionEventType,
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required' | string,
): OrderDecision {
  const unchanged = { status: current, grant: false, releaseSlot: false }
  const paidNow =
    (event === 'checkout.session.completed' && paymentStatus !== 'unpaid') ||
    event === 'checkout.session.async_payment_succeeded'
  if (paidNow) {
    // Open, or closed by an expiry/failure that Stripe delivered first: payment is the newer fact.
    if (current === 'open' || current === 'expired' || current === 'failed')
      return { status: 'paid', grant: true, releaseSlot: false }
    return unchanged // paid already (a replay), or refunded/disputed before the purchase event arrived
  }
  if (event === 'checkout.session.async_payment_failed' && current === 'open')
    return { status: 'failed', grant: false, releaseSlot: true }
  if (event === 'checkout.session.expired' && current === 'open')
    return { status: 'expired', grant: false, releaseSlot: true }
  return unchanged
}

/**
 * When a newly bought access runs: from now, or — for a pass bought while the same offer's pass is still
 * running — from the end of that pass. `termDays` null means for good.
 */
export function accessWindow(
  now: number,
  termDays: number | null,
  currentEnds: (number | null)[],
): { startsAt: number; endsAt: number | null } {
  if (termDays === null) return { startsAt: now, endsAt: null }
  const running = currentEnds.filter((end): end is number => end !== null && end > now)
  const startsAt = running.length ? Math.max(...running) : now
  return { startsAt, endsAt: startsAt + termDays * dayMs }
}

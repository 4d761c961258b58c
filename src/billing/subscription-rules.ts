/**
 * What a card subscription's current state grants. Pure: the subscription as Stripe last described it in, the
 * entitlement's state and end out.
 *
 * Stripe facts: the billing period lives on the subscription items (`items.data[].current_period_end`); when a
 * renewal charge fails the subscription enters the new period as `past_due` while Stripe retries; `canceled` and
 * `incomplete_expired` are final; `incomplete` means the first payment never succeeded (no access yet).
 */
import type { EntitlementState } from '../db/schema'
import { dayMs } from '../lib/time'

export interface SubscriptionFacts {
  status: string
  /** Seconds. */
  currentPeriodStart: number
  currentPeriodEnd: number
  endedAt: number | null
}

export interface SubscriptionAccess {
  /** Null: grant nothing (yet). */
  state: EntitlementState | null
  endsAt: number
  graceEndsAt: number | null
}

export function subscriptionAccess(facts: SubscriptionFacts, graceDays: number): SubscriptionAccess {
  const periodEnd = facts.currentPeriodEnd * 1000
  switch (facts.status) {
    case 'active':
    case 'trialing':
      return { state: 'active', endsAt: periodEnd, graceEndsAt: null }
    case 'past_due':
    case 'unpaid': {
      // The renewal failed at the start of this period: keep access for the creator's grace days from then.
      const graceEndsAt = facts.currentPeriodStart * 1000 + graceDays * dayMs
      return { state: 'grace', endsAt: graceEndsAt, graceEndsAt }
    }
    case 'canceled':
    case 'incomplete_expired':
      return { state: 'lapsed', endsAt: (facts.endedAt ?? facts.currentPeriodEnd) * 1000, graceEndsAt: null }
    default:
      return { state: null, endsAt: periodEnd, graceEndsAt: null }
  }
}

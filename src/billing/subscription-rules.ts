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

/**
 * The tier a subscription grants now. `offer_id` in the subscription's metadata is the tier it was sold or
 * upgraded to; a downgrade is scheduled by `pending_offer_id` with `pending_from` (the period end, seconds, when
 * it was scheduled) and takes over once a period starting at or after that time has begun. Pure, and it only
 * reads the subscription as Stripe holds it, so any delivery order of its events gives the same answer.
 */
export function effectiveTier(
  metadata: Record<string, string> | null | undefined,
  currentPeriodStart: number,
): { offerId: string; pendingOfferId: string | null } {
  const offerId = metadata?.offer_id ?? ''
  const pending = metadata?.pending_offer_id ?? ''
  const from = Number(metadata?.pending_from ?? Number.NaN)
  if (!pending || !Number.isFinite(from)) return { offerId, pendingOfferId: null }
  return currentPeriodStart >= from
    ? { offerId: pending, pendingOfferId: null }
    : { offerId, pendingOfferId: pending }
}

export type TierChange = 'upgrade' | 'downgrade' | 'cancel_downgrade'

/**
 * What moving a subscription to another tier means: a higher (or equal) rank moves now and bills the
 * difference; a lower one waits for the period end; asking for the current tier while a downgrade waits
 * cancels it. Null: nothing to change.
 */
export function planTierChange(input: {
  currentOfferId: string
  currentRank: number
  pendingOfferId: string | null
  targetOfferId: string
  targetRank: number
}): TierChange | null {
  if (input.targetOfferId === input.currentOfferId) return input.pendingOfferId ? 'cancel_downgrade' : null
  return input.targetRank >= input.currentRank ? 'upgrade' : 'downgrade'
}

/** What a paid renewal invoice (`invoice.paid`, `billing_reason: 'subscription_cycle'`) says by itself. */
export interface PaidRenewal {
  subscriptionId: string
  /** The tier the invoice's subscription metadata names for the period it pays. */
  offerId: string
  /** Seconds: the period the invoice pays for. */
  periodStart: number
  periodEnd: number
}

/** How subscription, invoice and session objects name their subscription (expanded or not). */
export interface SubscriptionReference {
  object?: string
  id?: string
  /** Sessions, and invoices before API 2025-03-31. */
  subscription?: string | { id: string } | null
  /** Invoices since API 2025-03-31. */
  parent?: {
    subscription_details?: {
      subscription?: string | { id: string } | null
      metadata?: Record<string, string> | null
    } | null
  } | null
}

/** The subscription an event's object is about, for subscription, invoice and session objects. */
export function subscriptionIdOf(object: SubscriptionReference): string | null {
  if (object.object === 'subscription') return object.id ?? null
  const ref = object.subscription ?? object.parent?.subscription_details?.subscription ?? null
  return typeof ref === 'string' ? ref : (ref?.id ?? null)
}

/** The invoice's own facts, or null when it is not a plain paid renewal of a one-item subscription. */
export function paidRenewalOf(
  invoice: SubscriptionReference & {
    status?: string | null
    billing_reason?: string | null
    lines?: {
      data?: {
        period?: { start: number; end: number }
        parent?: { subscription_item_details?: { proration?: boolean } | null } | null
      }[]
      has_more?: boolean
    }
  },
): PaidRenewal | null {
  // Only the current shape: its `parent` carries the subscription's metadata, which names the tier.
  const details = invoice.parent?.subscription_details
  if (invoice.status !== 'paid' || invoice.billing_reason !== 'subscription_cycle' || !details) return null
  const subscriptionId = subscriptionIdOf(invoice)
  const lines = (invoice.lines?.data ?? []).filter((line) => line.parent?.subscription_item_details)
  const line = lines[0]
  // One subscription line, not a proration, and the whole list: anything else is for a full read to judge.
  if (!subscriptionId || !line?.period || lines.length !== 1 || invoice.lines?.has_more) return null
  if (line.parent?.subscription_item_details?.proration) return null
  const tier = effectiveTier(details.metadata, line.period.start)
  if (!tier.offerId || tier.pendingOfferId) return null
  return { subscriptionId, offerId: tier.offerId, periodStart: line.period.start, periodEnd: line.period.end }
}

/**
 * Moves a card subscription to another tier of the same creator (the creator's API today; the buyer's library
 * in /me uses the same verb). An upgrade changes the Stripe price now and invoices the prorated difference at
 * once; a downgrade changes the price without proration, so the next renewal bills it, and schedules the tier
 * for the period end in the subscription's metadata (`pending_offer_id`, `pending_from`). Access follows the
 * subscription as Stripe then holds it (`effectiveTier`), through the webhook's own handler, which this verb
 * runs at once so the member sees an upgrade without waiting for the webhook.
 */
import { and, eq, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { auditLog, offers, prices, subscriptions } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import {
  conflict,
  notFound,
  paymentProviderUnavailable,
  serviceUnavailable,
  validationFailed,
} from '../lib/problem'
import { toIso } from '../lib/time'
import { processStripeEvent } from './process-event'
import { effectiveTier, planTierChange, type TierChange } from './subscription-rules'

export interface ChangeTierInput {
  offer_id: string
  /** A month or year price of the target tier; default: the one billed at the current interval. */
  price_id?: string | undefined
}

export interface TierChangeResult {
  subscription_id: string
  change: TierChange
  /** The tier access follows now. */
  offer_id: string
  /** A downgrade waiting for the period end, if any. */
  pending_offer_id: string | null
  /** When the change takes (or took) effect. */
  effective_at: string
}

type ChangeDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'stripe' | 'config'>

export async function changeTier(
  deps: ChangeDeps,
  scope: { creatorId: string },
  stripeSubscriptionId: string,
  input: ChangeTierInput,
  actor: Actor,
): Promise<TierChangeResult> {
  const { db, clock, logger } = deps

  // One round trip: our copy of the subscription, and both tiers with the target's prices.
  const [subscriptionRows, targetRows, tierRanks] = await db.batch([
    db
      .select()
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.stripeSubscriptionId, stripeSubscriptionId),
          eq(subscriptions.creatorId, scope.creatorId),
        ),
      ),
    db.query.offers.findMany({
      where: and(eq(offers.id, input.offer_id), eq(offers.creatorId, scope.creatorId)),
      with: { prices: { where: eq(prices.active, true) } },
    }),
    db
      .select({ id: offers.id, rank: offers.rank })
      .from(offers)
      .where(and(eq(offers.creatorId, scope.creatorId), eq(offers.kind, 'tier'))),
  ])
  const local = subscriptionRows[0]
  if (!local) throw notFound('subscription', stripeSubscriptionId)
  const target = targetRows[0]
  if (target?.kind !== 'tier' || target.status !== 'live')
    throw validationFailed([{ path: 'offer_id', message: 'must be one of your live tiers' }])
  // Only now, with the request known to be about one of this creator's subscriptions and tiers.
  const stripe = deps.stripe
  if (!stripe)
    throw serviceUnavailable('Changing tiers needs Stripe, and no STRIPE_SECRET_KEY is configured.')

  let subscription: Stripe.Subscription
  try {
    subscription = await stripe.subscriptions.retrieve(stripeSubscriptionId)
  } catch (error) {
    logger.error('subscription read failed', { stripeSubscriptionId, error })
    throw paymentProviderUnavailable('Stripe could not be reached. Nothing was changed; please try again.')
  }
  const item = subscription.items.data[0]
  if (!item || !['active', 'trialing', 'past_due'].includes(subscription.status))
    throw conflict(
      `Subscription ${stripeSubscriptionId} is ${subscription.status}; only a running one can move.`,
    )
  const current = effectiveTier(subscription.metadata, item.current_period_start)
  const rank = (offerId: string | null) => tierRanks.find((tier) => tier.id === offerId)?.rank ?? 0
  const change = planTierChange({
    currentOfferId: current.offerId,
    currentRank: rank(current.offerId),
    pendingOfferId: current.pendingOfferId,
    targetOfferId: target.id,
    targetRank: target.rank ?? 0,
  })
  if (!change) throw conflict(`Subscription ${stripeSubscriptionId} is already on ${target.id}.`)

  const interval = item.price.recurring?.interval
  const price = input.price_id
    ? target.prices.find((row) => row.id === input.price_id)
    : target.prices.find((row) => row.interval === interval)
  if (!price || (price.interval !== 'month' && price.interval !== 'year'))
    throw validationFailed([
      {
        path: 'price_id',
        message: input.price_id
          ? `must be an active monthly or yearly price of ${target.id}`
          : `${target.id} has no active ${interval ?? 'recurring'} price; pass price_id`,
      },
    ])
  if (price.currency !== item.price.currency.toUpperCase() && price.currency !== item.price.currency)
    throw validationFailed([{ path: 'price_id', message: `must be in ${item.price.currency.toUpperCase()}` }])
  // Stripe bills a new interval from now, so only an upgrade may change it; a downgrade waits for the period end.
  if (change !== 'upgrade' && price.interval !== interval)
    throw validationFailed([
      { path: 'price_id', message: `a downgrade keeps the billing interval (${interval ?? 'unknown'})` },
    ])

  const periodEnd = item.current_period_end
  const metadata: Record<string, string> =
    change === 'downgrade'
      ? { pending_offer_id: target.id, pending_price_id: price.id, pending_from: String(periodEnd) }
      : {
          offer_id: target.id,
          price_id: price.id,
          pending_offer_id: '',
          pending_price_id: '',
          pending_from: '',
        }
  let stripePriceId = price.stripePriceId
  let updated: Stripe.Subscription
  try {
    if (!stripePriceId) {
      // One Stripe Price per price row, created on first use; the key makes a retried create the same Price.
      const created = await stripe.prices.create(
        {
          currency: price.currency.toLowerCase(),
          unit_amount: price.amount,
          recurring: { interval: price.interval },
          product_data: { name: target.title },
          metadata: { price_id: price.id, offer_id: target.id },
        },
        { idempotencyKey: `price-${price.id}` },
      )
      stripePriceId = created.id
    }
    updated = await stripe.subscriptions.update(
      stripeSubscriptionId,
      {
        items: [{ id: item.id, price: stripePriceId }],
        // Upgrades bill the rest of this period's difference now; the rest start at the next renewal.
        proration_behavior: change === 'upgrade' ? 'always_invoice' : 'none',
        metadata,
      },
      { idempotencyKey: `tier-${stripeSubscriptionId}-${change}-${price.id}-${periodEnd}` },
    )
  } catch (error) {
    logger.error('tier change failed', { stripeSubscriptionId, offerId: target.id, error })
    throw paymentProviderUnavailable(
      'Stripe did not accept the change. Nothing was changed; please try again.',
    )
  }

  const now = clock.now()
  const audit = auditRow({
    creatorId: scope.creatorId,
    actor,
    action: `subscription.${change}`,
    subjectType: 'subscription',
    subjectId: stripeSubscriptionId,
    detail: { from_offer_id: current.offerId, to_offer_id: target.id, price_id: price.id },
    at: now,
  })
  await db.batch([
    db.insert(auditLog).values(audit),
    db
      .update(prices)
      .set({ stripePriceId })
      .where(and(eq(prices.id, price.id), sql`${prices.stripePriceId} is null`)),
  ])
  // The same path as the webhook, at once: Stripe's own customer.subscription.updated then changes nothing.
  await processStripeEvent(
    deps,
    {
      id: `evt_tier_${audit.id}`,
      object: 'event',
      type: 'customer.subscription.updated',
      created: Math.floor(now / 1000),
      data: { object: updated },
    } as Stripe.Event,
    'api',
  )
  const after = effectiveTier(updated.metadata, updated.items.data[0]?.current_period_start ?? 0)
  return {
    subscription_id: stripeSubscriptionId,
    change,
    offer_id: after.offerId,
    pending_offer_id: after.pendingOfferId,
    effective_at: toIso(change === 'downgrade' ? periodEnd * 1000 : now) ?? '',
  }
}

/**
 * The buyer's library (`/me`, `GET /api/v1/me`): everything they hold or held, across creators, with its state
 * now, its end or renewal date, where it came from, and what they can do next (open it, manage the card
 * subscription in Stripe's billing portal, renew a pass). One round trip: viewer, entitlements with their offers
 * and orders, subscriptions and booked consultations, all keyed by the session hash.
 */
import { and, desc, eq, gte, inArray } from 'drizzle-orm'
import { endedReason, entitlementCounts } from '../access/access-rules'
import { toViewer, type Viewer, viewerBuyerId, viewerQuery } from '../accounts/sessions'
import { changeTier, type TierChangeResult } from '../billing/change-tier'
import { accessPath } from '../billing/receipts'
import { planTierChange } from '../billing/subscription-rules'
import {
  buyers,
  consultationSlots,
  creators,
  type EntitlementState,
  entitlements,
  offers,
  orders,
  subscriptions,
} from '../db/schema'
import type { Deps } from '../deps'
import {
  conflict,
  notFound,
  paymentProviderUnavailable,
  serviceUnavailable,
  unauthorized,
} from '../lib/problem'
import { dayMs } from '../lib/time'
import type { SessionHash } from './content'

export interface LibraryItem {
  entitlementId: string
  offer: { id: string; title: string; kind: string; slug: string }
  creator: { slug: string; name: string }
  /** The state now: an `active` row whose end has passed reads `expired`. */
  state: EntitlementState | 'expired'
  source: 'order' | 'subscription' | 'admin'
  startsAt: number
  endsAt: number | null
  /** Card subscriptions: renews at `endsAt` unless set to cancel; a scheduled downgrade's tier. */
  subscription: {
    id: string
    status: string
    cancelAtPeriodEnd: boolean
    pendingOfferId: string | null
    /** The creator's other live tiers it can move to: up now, down at the period end. */
    moves: { offerId: string; title: string; when: 'now' | 'period_end' }[]
  } | null
  openPath: string
  /** Passes (a once-paid term): buy another term, which extends from this one's end. */
  renewPath: string | null
}

export interface Booking {
  slotId: string
  offerTitle: string
  creatorName: string
  startsAt: number
  endsAt: number
  timeZone: string
  meetingDetails: string
}

export interface Library {
  viewer: Viewer & { role: 'buyer' }
  items: LibraryItem[]
  bookings: Booking[]
  /** A Stripe customer exists, so the billing portal can open. */
  canManageBilling: boolean
}

/** The other live tiers of a creator, each with when a move there would take effect (billing/change-tier.ts). */
function tierMoves(
  tiers: { id: string; title: string; rank: number | null; creatorId: string }[],
  creatorId: string,
  currentOfferId: string,
): { offerId: string; title: string; when: 'now' | 'period_end' }[] {
  const currentRank = tiers.find((tier) => tier.id === currentOfferId)?.rank ?? 0
  return tiers
    .filter((tier) => tier.creatorId === creatorId && tier.id !== currentOfferId)
    .map((tier) => {
      const change = planTierChange({
        currentOfferId,
        currentRank,
        pendingOfferId: null,
        targetOfferId: tier.id,
        targetRank: tier.rank ?? 0,
      })
      return { offerId: tier.id, title: tier.title, when: change === 'downgrade' ? 'period_end' : 'now' }
    })
}

/** Signed out, or signed in as a creator: no library. */
export class NoBuyerSession extends Error {}

export async function readLibrary(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  session: SessionHash,
): Promise<Library> {
  const now = clock.now()
  const buyerId = viewerBuyerId(session, now)
  const [viewerRows, heldRows, subscriptionRows, bookingRows, customerRows, tierRows] = await db.batch([
    viewerQuery(db, session, now),
    db
      .select({
        entitlement: entitlements,
        offer: { id: offers.id, title: offers.title, kind: offers.kind, slug: offers.slug },
        creator: { slug: creators.slug, name: creators.name },
        priceId: orders.priceId,
        termDays: orders.termDays,
      })
      .from(entitlements)
      .innerJoin(offers, eq(offers.id, entitlements.offerId))
      .innerJoin(creators, eq(creators.id, entitlements.creatorId))
      .leftJoin(orders, and(eq(entitlements.source, 'order'), eq(orders.id, entitlements.sourceId)))
      .where(eq(entitlements.buyerId, buyerId))
      .orderBy(desc(entitlements.startsAt)),
    db
      .select({
        stripeSubscriptionId: subscriptions.stripeSubscriptionId,
        status: subscriptions.status,
        cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
        pendingOfferId: subscriptions.pendingOfferId,
      })
      .from(subscriptions)
      .where(eq(subscriptions.buyerId, buyerId)),
    db
      .select({
        slotId: consultationSlots.id,
        offerTitle: offers.title,
        creatorName: creators.name,
        startsAt: consultationSlots.startsAt,
        endsAt: consultationSlots.endsAt,
        offerTimeZone: offers.timeZone,
        creatorTimeZone: creators.timeZone,
        meetingDetails: consultationSlots.meetingDetails,
      })
      .from(consultationSlots)
      .innerJoin(offers, eq(offers.id, consultationSlots.offerId))
      .innerJoin(creators, eq(creators.id, consultationSlots.creatorId))
      .where(
        and(
          eq(consultationSlots.buyerId, buyerId),
          eq(consultationSlots.status, 'booked'),
          // Upcoming, and yesterday's (so a buyer can still find the details of a call that just ran late).
          gte(consultationSlots.endsAt, now - dayMs),
        ),
      )
      .orderBy(consultationSlots.startsAt),
    db.select({ customer: buyers.stripeCustomerId }).from(buyers).where(eq(buyers.id, buyerId)),
    // The live tiers of the creators this buyer subscribes to, for "change level".
    db
      .select({ id: offers.id, title: offers.title, rank: offers.rank, creatorId: offers.creatorId })
      .from(offers)
      .where(
        and(
          eq(offers.kind, 'tier'),
          eq(offers.status, 'live'),
          inArray(
            offers.creatorId,
            db
              .select({ id: subscriptions.creatorId })
              .from(subscriptions)
              .where(eq(subscriptions.buyerId, buyerId)),
          ),
        ),
      ),
  ])
  const viewer = toViewer(viewerRows)
  if (viewer?.role !== 'buyer') throw new NoBuyerSession()
  const bySubscription = new Map(subscriptionRows.map((row) => [row.stripeSubscriptionId, row]))
  return {
    viewer,
    canManageBilling: Boolean(customerRows[0]?.customer),
    bookings: bookingRows.map((row) => ({
      slotId: row.slotId,
      offerTitle: row.offerTitle,
      creatorName: row.creatorName,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      timeZone: row.offerTimeZone ?? row.creatorTimeZone,
      meetingDetails: row.meetingDetails,
    })),
    items: heldRows.map(({ entitlement, offer, creator, priceId, termDays }) => {
      const subscription =
        entitlement.source === 'subscription' ? (bySubscription.get(entitlement.sourceId) ?? null) : null
      const counts = entitlementCounts(entitlement, now)
      const ended = counts ? null : endedReason(entitlement, now)
      const isPass = offer.kind === 'tier' && entitlement.source === 'order' && termDays !== null
      return {
        entitlementId: entitlement.id,
        offer,
        creator,
        state: counts ? entitlement.state : ended === 'expired' ? 'expired' : entitlement.state,
        source: entitlement.source,
        startsAt: entitlement.startsAt,
        endsAt: entitlement.endsAt,
        subscription: subscription
          ? {
              id: entitlement.sourceId,
              status: subscription.status,
              cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
              pendingOfferId: subscription.pendingOfferId,
              moves: tierMoves(tierRows, entitlement.creatorId, offer.id),
            }
          : null,
        openPath: offer.kind === 'tier' ? `/c/${creator.slug}` : accessPath(offer.kind, offer.id),
        renewPath:
          isPass && priceId && entitlement.state !== 'revoked'
            ? `/buy/${offer.id}?price=${priceId}&rail=wallet`
            : null,
      }
    }),
  }
}

/**
 * A Stripe billing portal session for the signed-in buyer's customer, where they update their card, see
 * invoices and cancel. Answers its URL; the caller redirects.
 */
export async function openBillingPortal(
  { db, clock, stripe, config, logger }: Pick<Deps, 'db' | 'clock' | 'stripe' | 'config' | 'logger'>,
  session: SessionHash,
): Promise<string> {
  const now = clock.now()
  const [row] = await db
    .select({ customer: buyers.stripeCustomerId })
    .from(buyers)
    .where(eq(buyers.id, viewerBuyerId(session, now)))
  if (!row) throw unauthorized('Sign in first.', 'Cookie realm="quanzi"')
  if (!row.customer) throw conflict('You have no card subscription to manage yet.')
  if (!stripe) throw serviceUnavailable('Payments are not configured on this server.')
  try {
    const portal = await stripe.billingPortal.sessions.create({
      customer: row.customer,
      return_url: `${config.PUBLIC_URL ?? ''}/me`,
    })
    return portal.url
  } catch (error) {
    logger.error('billing portal failed', { error })
    throw paymentProviderUnavailable(
      'Stripe could not open the billing portal. Please try again in a moment.',
    )
  }
}

/**
 * The buyer moves their own card subscription to another tier of the same creator: the same verb as the
 * creator's API (billing/change-tier.ts: up now, prorated; down at the period end), after checking that the
 * subscription is theirs. Another buyer's subscription id answers 404, like an unknown one.
 */
export async function changeOwnTier(
  deps: Pick<Deps, 'db' | 'clock' | 'stripe' | 'config' | 'logger'>,
  session: SessionHash,
  stripeSubscriptionId: string,
  offerId: string,
): Promise<TierChangeResult> {
  const now = deps.clock.now()
  const [own] = await deps.db
    .select({ creatorId: subscriptions.creatorId, buyerId: subscriptions.buyerId })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.stripeSubscriptionId, stripeSubscriptionId),
        eq(subscriptions.buyerId, viewerBuyerId(session, now)),
      ),
    )
  if (!own) throw notFound('subscription', stripeSubscriptionId)
  return changeTier(
    deps,
    { creatorId: own.creatorId },
    stripeSubscriptionId,
    { offer_id: offerId },
    { type: 'buyer', id: own.buyerId },
  )
}

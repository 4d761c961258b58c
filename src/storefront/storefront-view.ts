/**
 * What a storefront shows, assembled from the rows of `queries.ts`. Plain data and pure functions: the JSON
 * route and the pages both render from these types.
 */
import { benefitsByTier } from '../catalog/tier-rules'
import type { GroupPlatform, OfferKind, PriceInterval } from '../db/schema'
import type {
  selectActivePrices,
  selectFreeSlotCounts,
  selectGroupFacts,
  selectLiveOffers,
  selectPublicCreator,
  selectTierBenefits,
} from './queries'

type Rows<T extends (...args: never[]) => PromiseLike<unknown[]>> = Awaited<ReturnType<T>>

export type PublicCreator = Rows<typeof selectPublicCreator>[number]
export type PriceRow = Rows<typeof selectActivePrices>[number]

/** How a price can be paid. Stripe Checkout takes Alipay and WeChat Pay only in payment mode (one-time). */
export type Rail = 'card' | 'wallet'

export interface StorefrontPrice {
  id: string
  amount: number
  currency: string
  interval: PriceInterval
  /** `once` prices: days of access bought (a pass); null = for good. */
  termDays: number | null
  rails: Rail[]
}

export interface StorefrontOffer {
  id: string
  kind: OfferKind
  slug: string
  title: string
  description: string
  prices: StorefrontPrice[]
  /** Tiers. */
  rank: number | null
  includes: { kind: OfferKind; slug: string; title: string }[]
  /** Consultations. */
  durationMinutes: number | null
  freeSlots: number
  /** Groups. */
  platform: GroupPlatform | null
  capacity: number | null
}

export function railsFor(interval: PriceInterval): Rail[] {
  // Subscriptions are card-only; one-time payments (passes, courses, sessions) offer the wallets first.
  return interval === 'once' ? ['wallet', 'card'] : ['card']
}

const intervalOrder: Record<PriceInterval, number> = { month: 0, year: 1, once: 2 }

/** Joins each offer with its prices and kind-specific facts, keeping the offers' order. */
export function assembleOffers(rows: {
  offers: Rows<typeof selectLiveOffers>
  prices: PriceRow[]
  benefits: Rows<typeof selectTierBenefits>
  slotCounts: Rows<typeof selectFreeSlotCounts>
  groups: Rows<typeof selectGroupFacts>
}): StorefrontOffer[] {
  // The ladder needs every live tier's rank, also of tiers not on this page; benefit rows carry them.
  const tiers = [
    ...rows.offers.filter((offer) => offer.kind === 'tier'),
    ...rows.benefits.map((benefit) => ({ id: benefit.tierOfferId, rank: benefit.tierRank })),
  ]
  const included = benefitsByTier(
    tiers,
    rows.benefits.map((benefit) => ({ ...benefit, includedOfferId: benefit.slug })),
  )
  return rows.offers.map((offer) => {
    const group = rows.groups.find((row) => row.offerId === offer.id)
    return {
      id: offer.id,
      kind: offer.kind,
      slug: offer.slug,
      title: offer.title,
      description: offer.description,
      prices: rows.prices
        .filter((price) => price.offerId === offer.id)
        .sort((a, b) => intervalOrder[a.interval] - intervalOrder[b.interval] || a.amount - b.amount)
        .map((price) => ({
          id: price.id,
          amount: price.amount,
          currency: price.currency,
          interval: price.interval,
          termDays: price.termDays,
          rails: railsFor(price.interval),
        })),
      rank: offer.kind === 'tier' ? offer.rank : null,
      // A tier includes its own benefits and every lower-ranked live tier's (catalog/tier-rules.ts).
      includes: (included.get(offer.id) ?? []).map(({ kind, slug, title }) => ({ kind, slug, title })),
      durationMinutes: offer.kind === 'consultation' ? offer.durationMinutes : null,
      freeSlots: rows.slotCounts.find((row) => row.offerId === offer.id)?.free ?? 0,
      platform: group?.platform ?? null,
      capacity: group?.capacity ?? null,
    }
  })
}

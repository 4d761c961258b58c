import type { Deps } from '../deps'
import { notFound } from '../lib/problem'
import {
  selectActivePrices,
  selectFreeSlotCounts,
  selectGroupFacts,
  selectLiveOffers,
  selectPostTeasers,
  selectPublicCreator,
  selectTierBenefits,
} from './queries'
import { assembleOffers, type PublicCreator, type StorefrontOffer } from './storefront-view'

/** How many of the newest live posts a storefront teases. */
export const postTeaserCount = 10

export interface Storefront {
  creator: PublicCreator
  offers: StorefrontOffer[]
  posts: { slug: string; title: string; excerpt: string; publishedAt: number | null }[]
}

/**
 * A creator's public storefront: its live offers with their active prices, and its newest live posts.
 * One round trip: every read is keyed by the slug, so they all go in one batch.
 */
export async function loadStorefront(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  creatorSlug: string,
): Promise<Storefront> {
  const scope = { creatorSlug }
  const [creatorRows, offerRows, priceRows, benefitRows, slotRows, groupRows, postRows] = await db.batch([
    selectPublicCreator(db, creatorSlug),
    selectLiveOffers(db, scope),
    selectActivePrices(db, scope),
    selectTierBenefits(db, creatorSlug),
    selectFreeSlotCounts(db, scope, clock.now()),
    selectGroupFacts(db, scope),
    selectPostTeasers(db, creatorSlug, postTeaserCount),
  ])
  const [creator] = creatorRows
  if (!creator) throw notFound('creator', creatorSlug)
  return {
    creator,
    offers: assembleOffers({
      offers: offerRows,
      prices: priceRows,
      benefits: benefitRows,
      slotCounts: slotRows,
      groups: groupRows,
    }),
    posts: postRows,
  }
}

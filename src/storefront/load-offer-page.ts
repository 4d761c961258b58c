import type { Deps } from '../deps'
import { notFound } from '../lib/problem'
import {
  selectActivePrices,
  selectFreeSlotCounts,
  selectFreeSlots,
  selectGroupFacts,
  selectLessonOutline,
  selectLiveOffers,
  selectPublicCreator,
  selectTierBenefits,
} from './queries'
import { assembleOffers, type PublicCreator, type StorefrontOffer } from './storefront-view'

export interface OfferPage {
  creator: PublicCreator
  offer: StorefrontOffer
  /** Courses: the outline, in order. */
  lessons: { position: number; title: string; freePreview: boolean }[]
  /** Consultations: the next open slots, each booked through its own checkout link. */
  slots: { id: string; startsAt: number; endsAt: number; timeZone: string }[]
}

/**
 * One live offer of a creator, by slug, with what its page shows. A draft, archived or unknown offer is a 404.
 * One round trip: the same reads as the storefront, narrowed to the offer's slug, in one batch.
 */
export async function loadOfferPage(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  creatorSlug: string,
  offerSlug: string,
): Promise<OfferPage> {
  const scope = { creatorSlug, offerSlug }
  const now = clock.now()
  const [creatorRows, offerRows, priceRows, benefitRows, slotRows, groupRows, lessonRows, freeSlots] =
    await db.batch([
      selectPublicCreator(db, creatorSlug),
      selectLiveOffers(db, scope),
      selectActivePrices(db, scope),
      selectTierBenefits(db, creatorSlug),
      selectFreeSlotCounts(db, scope, now),
      selectGroupFacts(db, scope),
      selectLessonOutline(db, scope),
      selectFreeSlots(db, scope, now),
    ])
  const [creator] = creatorRows
  if (!creator) throw notFound('creator', creatorSlug)
  const [offer] = assembleOffers({
    offers: offerRows,
    prices: priceRows,
    benefits: benefitRows,
    slotCounts: slotRows,
    groups: groupRows,
  })
  if (!offer) throw notFound('offer', offerSlug)
  return {
    creator,
    offer,
    lessons: lessonRows.map(({ position, title, freePreview }) => ({ position, title, freePreview })),
    slots: freeSlots.map((slot) => ({ ...slot, timeZone: slot.timeZone ?? creator.timeZone })),
  }
}

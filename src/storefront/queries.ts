/**
 * The storefront's reads. Each one is keyed by the creator's slug (joined through `creators`), never by a
 * value another read returns, so a page can send them all in one `db.batch`: one round trip to the database.
 *
 * Only public columns are selected: never a creator's email, a group's invite URL or instructions, a slot's
 * meeting details, or a draft's title.
 */
import { and, asc, count, desc, eq, gt, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { Db } from '../db/client'
import {
  consultationSlots,
  creators,
  groups,
  lessons,
  offers,
  posts,
  prices,
  tierBenefits,
} from '../db/schema'

/** The live offers a read covers: all of a creator's, or the one with `offerSlug`. */
export interface OfferScope {
  creatorSlug: string
  offerSlug?: string
}

function liveOffers(scope: OfferScope): SQL | undefined {
  return and(
    eq(creators.slug, scope.creatorSlug),
    eq(offers.status, 'live'),
    scope.offerSlug === undefined ? undefined : eq(offers.slug, scope.offerSlug),
  )
}

const offerCreator = eq(creators.id, offers.creatorId)

export function selectPublicCreator(db: Db, creatorSlug: string) {
  return db
    .select({
      slug: creators.slug,
      name: creators.name,
      bio: creators.bio,
      locale: creators.locale,
      defaultCurrency: creators.defaultCurrency,
      timeZone: creators.timeZone,
    })
    .from(creators)
    .where(eq(creators.slug, creatorSlug))
    .limit(1)
}

export function selectLiveOffers(db: Db, scope: OfferScope) {
  return db
    .select({
      id: offers.id,
      kind: offers.kind,
      slug: offers.slug,
      title: offers.title,
      description: offers.description,
      rank: offers.rank,
      durationMinutes: offers.durationMinutes,
    })
    .from(offers)
    .innerJoin(creators, offerCreator)
    .where(liveOffers(scope))
    .orderBy(asc(offers.position), asc(offers.createdAt), asc(offers.id))
}

export function selectActivePrices(db: Db, scope: OfferScope) {
  return db
    .select({
      id: prices.id,
      offerId: prices.offerId,
      amount: prices.amount,
      currency: prices.currency,
      interval: prices.interval,
      termDays: prices.termDays,
    })
    .from(prices)
    .innerJoin(offers, and(eq(offers.id, prices.offerId), eq(offers.creatorId, prices.creatorId)))
    .innerJoin(creators, offerCreator)
    .where(and(liveOffers(scope), eq(prices.active, true)))
    .orderBy(asc(prices.createdAt), asc(prices.id))
}

const included = alias(offers, 'included')

/**
 * What each of the creator's live tiers includes, with the tier's rank: a tier also grants lower tiers'
 * benefits, so even a single tier's page reads the whole ladder. Only live included offers are named: a draft's
 * title is not public yet.
 */
export function selectTierBenefits(db: Db, creatorSlug: string) {
  return db
    .select({
      tierOfferId: tierBenefits.tierOfferId,
      tierRank: offers.rank,
      kind: included.kind,
      slug: included.slug,
      title: included.title,
    })
    .from(tierBenefits)
    .innerJoin(offers, eq(offers.id, tierBenefits.tierOfferId))
    .innerJoin(creators, offerCreator)
    .innerJoin(
      included,
      and(
        eq(included.id, tierBenefits.includedOfferId),
        eq(included.creatorId, offers.creatorId),
        eq(included.status, 'live'),
      ),
    )
    .where(and(liveOffers({ creatorSlug }), eq(offers.kind, 'tier')))
    .orderBy(asc(included.position), asc(included.createdAt), asc(included.id))
}

/** Bookable slots per live consultation: free and starting after `now`. */
export function selectFreeSlotCounts(db: Db, scope: OfferScope, now: number) {
  return db
    .select({ offerId: consultationSlots.offerId, free: count() })
    .from(consultationSlots)
    .innerJoin(
      offers,
      and(eq(offers.id, consultationSlots.offerId), eq(offers.creatorId, consultationSlots.creatorId)),
    )
    .innerJoin(creators, offerCreator)
    .where(
      and(
        liveOffers(scope),
        eq(offers.kind, 'consultation'),
        eq(consultationSlots.status, 'free'),
        gt(consultationSlots.startsAt, now),
      ),
    )
    .groupBy(consultationSlots.offerId)
}

/** A consultation's next open slots (soonest first), each bookable on its own checkout link. */
export function selectFreeSlots(db: Db, scope: OfferScope, now: number, limit = 60) {
  return db
    .select({
      id: consultationSlots.id,
      startsAt: consultationSlots.startsAt,
      endsAt: consultationSlots.endsAt,
      timeZone: offers.timeZone,
    })
    .from(consultationSlots)
    .innerJoin(
      offers,
      and(eq(offers.id, consultationSlots.offerId), eq(offers.creatorId, consultationSlots.creatorId)),
    )
    .innerJoin(creators, offerCreator)
    .where(
      and(
        liveOffers(scope),
        eq(offers.kind, 'consultation'),
        eq(consultationSlots.status, 'free'),
        gt(consultationSlots.startsAt, now),
      ),
    )
    .orderBy(asc(consultationSlots.startsAt), asc(consultationSlots.id))
    .limit(limit)
}

/** Platform and capacity only: the invite URL, QR code and instructions are for members. */
export function selectGroupFacts(db: Db, scope: OfferScope) {
  return db
    .select({ offerId: groups.offerId, platform: groups.platform, capacity: groups.capacity })
    .from(groups)
    .innerJoin(offers, and(eq(offers.id, groups.offerId), eq(offers.creatorId, groups.creatorId)))
    .innerJoin(creators, offerCreator)
    .where(and(liveOffers(scope), eq(offers.kind, 'group')))
}

/** A course's outline: titles and which lessons are free previews, never the lesson bodies. */
export function selectLessonOutline(db: Db, scope: OfferScope) {
  return db
    .select({
      offerId: lessons.offerId,
      position: lessons.position,
      title: lessons.title,
      freePreview: lessons.freePreview,
    })
    .from(lessons)
    .innerJoin(offers, and(eq(offers.id, lessons.offerId), eq(offers.creatorId, lessons.creatorId)))
    .innerJoin(creators, offerCreator)
    .where(and(liveOffers(scope), eq(offers.kind, 'course')))
    .orderBy(asc(lessons.position), asc(lessons.id))
}

/** The newest live posts' public parts (title and excerpt; the body may be for members only). */
export function selectPostTeasers(db: Db, creatorSlug: string, limit: number) {
  return db
    .select({ slug: posts.slug, title: posts.title, excerpt: posts.excerpt, publishedAt: posts.publishedAt })
    .from(posts)
    .innerJoin(creators, eq(creators.id, posts.creatorId))
    .where(and(eq(creators.slug, creatorSlug), eq(posts.status, 'live')))
    .orderBy(desc(posts.publishedAt), desc(posts.id))
    .limit(limit)
}

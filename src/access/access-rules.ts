/**
 * The access rules: who may use what, now. Pure (data in, decision out, no I/O, no clock) and the one place
 * that decides access, so the gated pages and the creator's access explainer can never disagree.
 *
 * - An entitlement counts while it is `active` or `grace` and has not ended (`entitlementCounts`).
 * - A counted entitlement grants its own offer (`direct`); a counted tier also grants what the tier ladder gives
 *   it (`tier`): its benefits, every lower-ranked tier's benefits, and the lower-ranked tiers themselves
 *   (`benefitsByTier` is the ladder rule; this file only applies it).
 * - Posts, lessons and groups are decided on top of that (`postDecision`, `lessonDecision`, `groupDecision`):
 *   audiences, free previews, drip and group capacity.
 *
 * @example
 * const access = resolveAccess({ buyerId, held, offers, benefits, now })
 * const decision = lessonDecision(lesson, access)
 * if (!decision.allowed) showTeaser(decision.reason, decision.buy, decision.opensAt)
 */
import { type Benefit, benefitsByTier } from '../catalog/tier-rules'
import type { EntitlementState, OfferKind, OfferStatus, PostAudience } from '../db/schema'
import { dayMs } from '../lib/time'

/** One of the buyer's entitlements with this creator, as stored (times in ms). */
export interface HeldEntitlement {
  id: string
  offerId: string
  state: EntitlementState
  startsAt: number
  /** Null = for good. */
  endsAt: number | null
  graceEndsAt: number | null
  source: 'order' | 'subscription' | 'admin'
}

/** What the rules need to know of each of the creator's offers; rows may carry more (titles, prices). */
export interface RuleOffer {
  id: string
  kind: OfferKind
  status: OfferStatus
  /** Tiers only. */
  rank: number | null
}

/** Why the buyer can use something: which entitlement, on which offer, and whether through a tier. */
export interface Via {
  entitlementId: string
  heldOfferId: string
  through: 'direct' | 'tier'
}

/** An offer the buyer can use now. */
export interface OfferAccess {
  offerId: string
  via: Via
  /**
   * When the buyer's access to this offer started: the earliest start among the entitlements that grant it now,
   * reaching back over earlier entitlements it follows without a gap (a renewed pass, a tier upgrade), so drip
   * counts from the buyer's first day, not from the latest renewal.
   */
  startedAt: number
}

/** Everything the decisions need about one buyer and one creator, from `resolveAccess`. */
export interface Access<O extends RuleOffer = RuleOffer> {
  /** The moment this answer is for, ms: every decision on it is a decision at this moment. */
  now: number
  /** Null when signed out. */
  buyerId: string | null
  /** Offer id → how the buyer can use it now. Offers the buyer cannot use are absent. */
  granted: ReadonlyMap<string, OfferAccess>
  /** Highest rank among the tiers the buyer holds now; 0 if none. */
  topRank: number
  /** The held tier that gives `topRank`, for tier-audience posts. */
  topTier: Via | null
  /** All of the buyer's entitlements with this creator, counted or not: the reasons for a refusal. */
  held: readonly HeldEntitlement[]
  /** All of the creator's offers, in the order given (the page's display order): the `buy` lists. */
  offers: readonly O[]
  /** The offer ids an entitlement on `offerId` grants besides `offerId` itself (empty unless a tier). */
  ladder(offerId: string): readonly string[]
}

export type DenyReason =
  /** Signed out: sign in first (the buy list is still given). */
  | 'sign_in'
  /** Never held anything that grants it. */
  | 'no_entitlement'
  /** A subscription ended (cancelled, or its grace days ran out), or a tier moved away. */
  | 'lapsed'
  /** Refunded, disputed or revoked by the creator. */
  | 'revoked'
  /** A fixed term (a pass, a dated grant) ran out. */
  | 'expired'
  /** The course is accessible but this lesson opens later (`opensAt`). */
  | 'drip'
  /** The group is accessible but full, and the buyer is not in it yet. */
  | 'full'

export type Decision =
  /** `via` is null for what is open to everyone (public posts, free previews without the course). */
  | { allowed: true; via: Via | null }
  | {
      allowed: false
      reason: DenyReason
      /** Live offers that would grant it, best first (the thing itself, then tiers from the lowest rank). */
      buy: string[]
      /** `drip` only: when the lesson opens, ms. */
      opensAt?: number
    }

/**
 * True when the entitlement grants access at `now`: `active` or `grace`, started (a second pass bought early
 * starts where the first ends), not ended (`endsAt` null or after `now`), and for grace, not past
 * `graceEndsAt`. An entitlement ending exactly at `now` no longer counts. `countsAtSql` (access-query.ts) is
 * the same rule for SQL aggregates; keep the two together.
 */
export function entitlementCounts(
  e: Pick<HeldEntitlement, 'state' | 'startsAt' | 'endsAt' | 'graceEndsAt'>,
  now: number,
): boolean {
  if (e.state !== 'active' && e.state !== 'grace') return false
  if (e.startsAt > now) return false
  if (e.endsAt !== null && e.endsAt <= now) return false
  if (e.state === 'grace' && e.graceEndsAt !== null && e.graceEndsAt <= now) return false
  return true
}

/** Why an entitlement that does not count no longer does; null while it counts. */
export function endedReason(
  e: Pick<HeldEntitlement, 'state' | 'startsAt' | 'endsAt' | 'graceEndsAt'>,
  now: number,
): 'lapsed' | 'revoked' | 'expired' | null {
  if (entitlementCounts(e, now)) return null
  if (e.state === 'revoked') return 'revoked'
  // A grace period that ran out is a lapse the webhook has not recorded yet.
  if (e.state === 'lapsed' || e.state === 'grace') return 'lapsed'
  return 'expired'
}

const rankOf = (offer: { rank: number | null }) => offer.rank ?? 0

/**
 * The ladder as buyers see it: the creator's live tiers (the storefront shows the same). A tier the buyer holds
 * that is no longer live (archived after they bought it) still gives its own benefits and the live lower tiers',
 * so archiving a tier takes nothing from the people who hold it; a draft or archived tier lends its benefits to
 * no other tier.
 */
function ladderRule(
  offers: readonly RuleOffer[],
  benefits: readonly Benefit[],
): (offerId: string) => string[] {
  const tiers = offers.filter((offer) => offer.kind === 'tier')
  const live = tiers.filter((tier) => tier.status === 'live')
  const liveLadder = benefitsByTier(live, [...benefits])
  const cache = new Map<string, string[]>()
  return (offerId) => {
    const cached = cache.get(offerId)
    if (cached) return cached
    const tier = tiers.find((candidate) => candidate.id === offerId)
    let granted: string[] = []
    if (tier) {
      const ladder = tier.status === 'live' ? liveLadder : benefitsByTier([...live, tier], [...benefits])
      const included = (ladder.get(tier.id) ?? []).map((benefit) => benefit.includedOfferId)
      const lowerTiers = live.filter((other) => rankOf(other) < rankOf(tier)).map((other) => other.id)
      granted = [...new Set([...included, ...lowerTiers])].filter((id) => id !== tier.id)
    }
    cache.set(offerId, granted)
    return granted
  }
}

/** When an entitlement stops covering time, for chaining renewals: null = never. */
function coveredUntil(e: HeldEntitlement): number | null {
  if (e.state === 'grace') return e.graceEndsAt ?? e.endsAt
  return e.endsAt
}

/**
 * The start of the unbroken stretch of access to `offerId` that `from` belongs to: walks back over earlier
 * entitlements granting the same offer whose coverage reaches the current start. Revoked ones are skipped: a
 * refunded purchase never counted as access.
 */
function stretchStart(
  from: HeldEntitlement,
  offerId: string,
  held: readonly HeldEntitlement[],
  grants: (e: HeldEntitlement) => readonly string[],
): number {
  let start = from.startsAt
  // Each step moves `start` strictly earlier to another entitlement's start, so held.length steps suffice.
  for (let step = 0; step < held.length; step++) {
    let earlier: number | null = null
    for (const e of held) {
      if (e.state === 'revoked' || e.startsAt >= start || !grants(e).includes(offerId)) continue
      const until = coveredUntil(e)
      if (until !== null && until < start) continue
      if (earlier === null || e.startsAt < earlier) earlier = e.startsAt
    }
    if (earlier === null) break
    start = earlier
  }
  return start
}

/**
 * Resolves what one buyer can use now at one creator. `held` are the buyer's entitlements with this creator
 * (ignored when `buyerId` is null), `offers` all of the creator's offers (any kind and status), `benefits` the
 * creator's tier_benefits rows.
 *
 * When several entitlements grant an offer, `via` prefers a direct one, then the earliest started;
 * `startedAt` is the earliest start of them all (see `OfferAccess.startedAt`).
 */
export function resolveAccess<O extends RuleOffer>(input: {
  buyerId: string | null
  held: readonly HeldEntitlement[]
  offers: readonly O[]
  benefits: readonly Benefit[]
  now: number
}): Access<O> {
  const { buyerId, offers, now } = input
  const held = buyerId === null ? [] : input.held
  const ladder = ladderRule(offers, input.benefits)
  const grants = (e: HeldEntitlement) => [e.offerId, ...ladder(e.offerId)]
  const rankById = new Map(
    offers.filter((offer) => offer.kind === 'tier').map((tier) => [tier.id, rankOf(tier)]),
  )

  const granted = new Map<string, OfferAccess>()
  let topRank = 0
  let topTier: Via | null = null
  const counted = held.filter((e) => entitlementCounts(e, now)).sort((a, b) => a.startsAt - b.startsAt)
  for (const e of counted) {
    const rank = rankById.get(e.offerId)
    if (rank !== undefined && (topTier === null || rank > topRank)) {
      topRank = rank
      topTier = { entitlementId: e.id, heldOfferId: e.offerId, through: 'tier' }
    }
    for (const offerId of grants(e)) {
      const via: Via = {
        entitlementId: e.id,
        heldOfferId: e.offerId,
        through: offerId === e.offerId ? 'direct' : 'tier',
      }
      const startedAt = stretchStart(e, offerId, held, grants)
      const before = granted.get(offerId)
      if (!before) {
        granted.set(offerId, { offerId, via, startedAt })
        continue
      }
      // `counted` is in start order, so the first via of each kind is the earliest started.
      const betterVia = before.via.through === 'tier' && via.through === 'direct' ? via : before.via
      granted.set(offerId, { offerId, via: betterVia, startedAt: Math.min(before.startedAt, startedAt) })
    }
  }
  return { now, buyerId, granted, topRank, topTier, held, offers, ladder }
}

/** Why the buyer cannot use something: signed out, never held it, or how the latest one that would have ended. */
function refusal(access: Access, wouldGrant: (e: HeldEntitlement) => boolean): DenyReason {
  if (access.buyerId === null) return 'sign_in'
  const latest = access.held
    .filter(wouldGrant)
    .reduce<HeldEntitlement | null>(
      (best, e) => (best === null || e.startsAt >= best.startsAt ? e : best),
      null,
    )
  return (latest && endedReason(latest, access.now)) ?? 'no_entitlement'
}

/** Live tiers at rank ≥ minRank, lowest rank first (input order within a rank). */
function liveTiersFrom(access: Access, minRank: number): string[] {
  return access.offers
    .filter((offer) => offer.kind === 'tier' && offer.status === 'live' && rankOf(offer) >= minRank)
    .sort((a, b) => rankOf(a) - rankOf(b))
    .map((tier) => tier.id)
}

/** What would grant `offerId`: the offer itself if live, then live tiers whose ladder includes it. */
function buyListFor(access: Access, offerId: string): string[] {
  const self = access.offers.find((offer) => offer.id === offerId && offer.status === 'live')
  const tiers = liveTiersFrom(access, 0).filter((tierId) => access.ladder(tierId).includes(offerId))
  return [...(self ? [offerId] : []), ...tiers]
}

/** May the buyer use this offer now (a course, a group without its capacity, a consultation, a tier)? */
export function offerDecision(offerId: string, access: Access): Decision {
  const found = access.granted.get(offerId)
  if (found) return { allowed: true, via: found.via }
  const wouldGrant = (e: HeldEntitlement) =>
    e.offerId === offerId || access.ladder(e.offerId).includes(offerId)
  return { allowed: false, reason: refusal(access, wouldGrant), buy: buyListFor(access, offerId) }
}

/** The columns of a post that decide who reads its body. */
export interface PostGate {
  audience: PostAudience
  /** audience = tier. */
  minRank: number | null
  /** audience = course. */
  courseOfferId: string | null
}

/**
 * May the buyer read this post's body? `everyone`: anyone, signed out too. `tier`: a held tier of rank ≥
 * `minRank` (only rank matters). `course`: the course, directly or through a tier.
 */
export function postDecision(post: PostGate, access: Access): Decision {
  if (post.audience === 'everyone') return { allowed: true, via: null }
  if (post.audience === 'course') {
    if (post.courseOfferId === null) return { allowed: false, reason: 'no_entitlement', buy: [] }
    return offerDecision(post.courseOfferId, access)
  }
  const minRank = post.minRank ?? 1
  if (access.topTier !== null && access.topRank >= minRank) return { allowed: true, via: access.topTier }
  const tierRank = new Map(access.offers.filter((o) => o.kind === 'tier').map((o) => [o.id, rankOf(o)]))
  const wouldGrant = (e: HeldEntitlement) => (tierRank.get(e.offerId) ?? -1) >= minRank
  return { allowed: false, reason: refusal(access, wouldGrant), buy: liveTiersFrom(access, minRank) }
}

/** The columns of a lesson that decide who reads it. */
export interface LessonGate {
  /** The course. */
  offerId: string
  freePreview: boolean
  dripDays: number
}

/** When a lesson opens for this buyer, or null without access to its course. */
export function lessonOpensAt(lesson: LessonGate, access: Access): number | null {
  const course = access.granted.get(lesson.offerId)
  return course ? course.startedAt + lesson.dripDays * dayMs : null
}

/**
 * May the buyer read this lesson now? A free preview: anyone, signed out too. Otherwise the course (directly or
 * through a tier), and then drip: the lesson opens `dripDays` after the buyer's access to the course started,
 * and is open from that very millisecond.
 */
export function lessonDecision(lesson: LessonGate, access: Access): Decision {
  if (lesson.freePreview) return { allowed: true, via: access.granted.get(lesson.offerId)?.via ?? null }
  const course = offerDecision(lesson.offerId, access)
  if (!course.allowed) return course
  const opensAt = lessonOpensAt(lesson, access) ?? access.now
  if (access.now < opensAt) return { allowed: false, reason: 'drip', buy: [], opensAt }
  return course
}

/** A group's seats as the page reads them (see `groupSeatsQuery`). */
export interface GroupSeats {
  /** Null = unlimited. */
  capacity: number | null
  /** Buyers whose group_members row has status `member`. */
  memberCount: number
  /** This buyer has a `member` row: they were let in before. */
  alreadyMember: boolean
}

/**
 * May the buyer see the group's invite now? Needs the group (directly or through a tier). A buyer already in the
 * group may always see it again; a new one is refused (`full`) once the members reach the capacity.
 */
export function groupDecision(groupOfferId: string, access: Access, seats: GroupSeats): Decision {
  const group = offerDecision(groupOfferId, access)
  if (!group.allowed || seats.alreadyMember) return group
  if (seats.capacity !== null && seats.memberCount >= seats.capacity)
    return { allowed: false, reason: 'full', buy: [] }
  return group
}

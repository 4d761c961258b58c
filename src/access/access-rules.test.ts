import { describe, expect, it } from 'vitest'
import { dayMs } from '../lib/time'
import {
  type Access,
  entitlementCounts,
  groupDecision,
  type HeldEntitlement,
  lessonDecision,
  offerDecision,
  postDecision,
  type RuleOffer,
  resolveAccess,
} from './access-rules'

const now = Date.UTC(2026, 10, 23, 12)

let sequence = 0
const held = (overrides: Partial<HeldEntitlement> & { offerId: string }): HeldEntitlement => ({
  id: `ent_${++sequence}`,
  state: 'active',
  startsAt: now - 10 * dayMs,
  endsAt: null,
  graceEndsAt: null,
  source: 'order',
  ...overrides,
})

const offer = (id: string, kind: RuleOffer['kind'], overrides: Partial<RuleOffer> = {}): RuleOffer => ({
  id,
  kind,
  status: 'live',
  rank: null,
  ...overrides,
})

// A ladder: member (1) includes the group, inner (2) the course and a retired (archived) course, patron (3)
// nothing of its own; peer (2) includes the workshop, which inner does not get (same rank, not lower). Listed
// out of rank order, as a creator's display order may be.
const catalog = [
  offer('patron', 'tier', { rank: 3 }),
  offer('member', 'tier', { rank: 1 }),
  offer('inner', 'tier', { rank: 2 }),
  offer('peer', 'tier', { rank: 2 }),
  offer('old', 'tier', { rank: 1, status: 'archived' }),
  offer('course', 'course'),
  offer('workshop', 'course'),
  offer('group', 'group'),
  offer('solo', 'course'),
  offer('retired', 'course', { status: 'archived' }),
]
const benefits = [
  { tierOfferId: 'member', includedOfferId: 'group' },
  { tierOfferId: 'inner', includedOfferId: 'course' },
  { tierOfferId: 'inner', includedOfferId: 'retired' },
  { tierOfferId: 'peer', includedOfferId: 'workshop' },
  { tierOfferId: 'old', includedOfferId: 'solo' },
]

const accessOf = (entitlements: HeldEntitlement[], options: { buyerId?: string | null; at?: number } = {}) =>
  resolveAccess({
    buyerId: options.buyerId === undefined ? 'buy_1' : options.buyerId,
    held: entitlements,
    offers: catalog,
    benefits,
    now: options.at ?? now,
  })

const grantedIds = (access: Access) => [...access.granted.keys()].sort()

describe('entitlementCounts', () => {
  it('counts an active entitlement for good or until a future end', () => {
    expect(entitlementCounts({ startsAt: 0, state: 'active', endsAt: null, graceEndsAt: null }, now)).toBe(
      true,
    )
    expect(entitlementCounts({ startsAt: 0, state: 'active', endsAt: now + 1, graceEndsAt: null }, now)).toBe(
      true,
    )
  })

  it('does not count an entitlement that has not started (a second pass bought early)', () => {
    const queued = { startsAt: now + 1, state: 'active' as const, endsAt: now + dayMs, graceEndsAt: null }
    expect(entitlementCounts(queued, now)).toBe(false)
    expect(entitlementCounts(queued, now + 1)).toBe(true)
  })

  it('stops counting an expired entitlement at the very millisecond it ends', () => {
    expect(entitlementCounts({ startsAt: 0, state: 'active', endsAt: now, graceEndsAt: null }, now)).toBe(
      false,
    )
    expect(
      entitlementCounts({ startsAt: 0, state: 'active', endsAt: now - dayMs, graceEndsAt: null }, now),
    ).toBe(false)
  })

  it('counts grace until its grace end, not after', () => {
    expect(
      entitlementCounts({ startsAt: 0, state: 'grace', endsAt: now + dayMs, graceEndsAt: now + dayMs }, now),
    ).toBe(true)
    expect(
      entitlementCounts({ startsAt: 0, state: 'grace', endsAt: now + dayMs, graceEndsAt: now }, now),
    ).toBe(false)
    expect(entitlementCounts({ startsAt: 0, state: 'grace', endsAt: now, graceEndsAt: null }, now)).toBe(
      false,
    )
  })

  it('never counts lapsed or revoked entitlements, whatever their end', () => {
    expect(entitlementCounts({ startsAt: 0, state: 'lapsed', endsAt: null, graceEndsAt: null }, now)).toBe(
      false,
    )
    expect(
      entitlementCounts({ startsAt: 0, state: 'revoked', endsAt: now + dayMs, graceEndsAt: null }, now),
    ).toBe(false)
  })
})

describe('resolveAccess', () => {
  it('grants a held offer directly, from its start', () => {
    const course = held({ offerId: 'course', startsAt: now - 3 * dayMs })
    const access = accessOf([course])
    expect(grantedIds(access)).toEqual(['course'])
    expect(access.granted.get('course')).toEqual({
      offerId: 'course',
      via: { entitlementId: course.id, heldOfferId: 'course', through: 'direct' },
      startedAt: now - 3 * dayMs,
    })
    expect(access.topRank).toBe(0)
  })

  it('gives a tier its benefits, lower tiers’ benefits and the lower tiers themselves, not same-rank ones', () => {
    const inner = held({ offerId: 'inner' })
    const access = accessOf([inner])
    expect(grantedIds(access)).toEqual(['course', 'group', 'inner', 'member', 'retired'])
    expect(access.granted.get('group')?.via).toEqual({
      entitlementId: inner.id,
      heldOfferId: 'inner',
      through: 'tier',
    })
    expect(access.topRank).toBe(2)
    expect(access.topTier).toEqual({ entitlementId: inner.id, heldOfferId: 'inner', through: 'tier' })
  })

  it('keeps an archived tier’s own benefits for its holders but lends them to no other tier', () => {
    expect(grantedIds(accessOf([held({ offerId: 'old' })]))).toEqual(['old', 'solo'])
    expect(grantedIds(accessOf([held({ offerId: 'patron' })]))).not.toContain('solo')
  })

  it('takes the highest counted tier as topRank, ignoring lapsed and revoked tiers', () => {
    const access = accessOf([
      held({ offerId: 'member' }),
      held({ offerId: 'patron', state: 'lapsed', endsAt: now - dayMs }),
      held({ offerId: 'inner', state: 'revoked' }),
    ])
    expect(access.topRank).toBe(1)
    expect(grantedIds(access)).toEqual(['group', 'member'])
  })

  it('prefers a direct via and counts drip from the earliest entitlement that grants the offer', () => {
    const tier = held({ offerId: 'inner', startsAt: now - 30 * dayMs })
    const course = held({ offerId: 'course', startsAt: now - 2 * dayMs })
    const access = accessOf([tier, course])
    expect(access.granted.get('course')).toEqual({
      offerId: 'course',
      via: { entitlementId: course.id, heldOfferId: 'course', through: 'direct' },
      startedAt: now - 30 * dayMs,
    })
  })

  it('reaches back over a renewed pass with no gap, but not over a gap or a refunded one', () => {
    const first = held({ offerId: 'inner', startsAt: now - 40 * dayMs, endsAt: now - 10 * dayMs })
    const second = held({ offerId: 'inner', startsAt: now - 10 * dayMs, endsAt: now + 20 * dayMs })
    expect(accessOf([first, second]).granted.get('course')?.startedAt).toBe(now - 40 * dayMs)

    const gap = { ...first, endsAt: now - 11 * dayMs }
    expect(accessOf([gap, second]).granted.get('course')?.startedAt).toBe(now - 10 * dayMs)

    const refunded = { ...first, state: 'revoked' as const }
    expect(accessOf([refunded, second]).granted.get('course')?.startedAt).toBe(now - 10 * dayMs)
  })

  it('follows a tier upgrade: the lapsed lower tier’s benefit started the stretch', () => {
    const moved = held({
      offerId: 'member',
      state: 'lapsed',
      startsAt: now - 50 * dayMs,
      endsAt: now - dayMs,
    })
    const upgraded = held({ offerId: 'inner', source: 'subscription', startsAt: now - dayMs })
    expect(accessOf([moved, upgraded]).granted.get('group')?.startedAt).toBe(now - 50 * dayMs)
  })

  it('ignores held entitlements when signed out', () => {
    const access = accessOf([held({ offerId: 'patron' })], { buyerId: null })
    expect(access.granted.size).toBe(0)
    expect(access.topRank).toBe(0)
  })
})

describe('offerDecision', () => {
  it('says why an offer is refused: expired, lapsed, revoked or never held', () => {
    const expired = accessOf([held({ offerId: 'course', endsAt: now })])
    expect(offerDecision('course', expired)).toMatchObject({ allowed: false, reason: 'expired' })
    const lapsed = accessOf([held({ offerId: 'inner', state: 'lapsed', endsAt: now - dayMs })])
    expect(offerDecision('course', lapsed)).toMatchObject({ allowed: false, reason: 'lapsed' })
    const graceOver = accessOf([held({ offerId: 'inner', state: 'grace', endsAt: now, graceEndsAt: now })])
    expect(offerDecision('course', graceOver)).toMatchObject({ allowed: false, reason: 'lapsed' })
    const revoked = accessOf([held({ offerId: 'course', state: 'revoked' })])
    expect(offerDecision('course', revoked)).toMatchObject({ allowed: false, reason: 'revoked' })
    const never = accessOf([held({ offerId: 'solo' })])
    expect(offerDecision('course', never)).toMatchObject({ allowed: false, reason: 'no_entitlement' })
  })

  it('gives the reason of the latest entitlement that would have granted it', () => {
    const access = accessOf([
      held({ offerId: 'course', state: 'revoked', startsAt: now - 20 * dayMs }),
      held({ offerId: 'inner', startsAt: now - 10 * dayMs, endsAt: now - dayMs }),
    ])
    expect(offerDecision('course', access)).toMatchObject({ reason: 'expired' })
  })

  it('lists the live offer itself, then live tiers that include it, lowest rank first', () => {
    expect(offerDecision('group', accessOf([]))).toEqual({
      allowed: false,
      reason: 'no_entitlement',
      buy: ['group', 'member', 'inner', 'peer', 'patron'],
    })
    // Only the archived tier includes `solo`: it cannot be bought, so only the course is listed.
    expect(offerDecision('solo', accessOf([]))).toMatchObject({ buy: ['solo'] })
    // An archived course is no longer sold, but the tiers that include it still are.
    expect(offerDecision('retired', accessOf([]))).toMatchObject({ buy: ['inner', 'patron'] })
  })
})

describe('postDecision', () => {
  const tierPost = (minRank: number) => ({ audience: 'tier' as const, minRank, courseOfferId: null })
  const coursePost = { audience: 'course' as const, minRank: null, courseOfferId: 'course' }

  it('opens a post for everyone to anyone, signed out too', () => {
    const post = { audience: 'everyone' as const, minRank: null, courseOfferId: null }
    expect(postDecision(post, accessOf([], { buyerId: null }))).toEqual({ allowed: true, via: null })
  })

  it('opens a tier post to any held tier of at least that rank, through the top tier', () => {
    const patron = held({ offerId: 'patron' })
    expect(postDecision(tierPost(2), accessOf([patron]))).toEqual({
      allowed: true,
      via: { entitlementId: patron.id, heldOfferId: 'patron', through: 'tier' },
    })
    expect(postDecision(tierPost(2), accessOf([held({ offerId: 'peer' })])).allowed).toBe(true)
  })

  it('refuses a tier post to a lower tier, listing live tiers of that rank or more, lowest first', () => {
    expect(postDecision(tierPost(2), accessOf([held({ offerId: 'member' })]))).toEqual({
      allowed: false,
      reason: 'no_entitlement',
      buy: ['inner', 'peer', 'patron'],
    })
  })

  it('says a tier post is refused because the qualifying tier lapsed', () => {
    const access = accessOf([
      held({ offerId: 'member' }),
      held({ offerId: 'inner', state: 'lapsed', endsAt: now - dayMs }),
    ])
    expect(postDecision(tierPost(2), access)).toMatchObject({ allowed: false, reason: 'lapsed' })
  })

  it('opens a course post to buyers of the course, directly or through a tier', () => {
    expect(postDecision(coursePost, accessOf([held({ offerId: 'course' })])).allowed).toBe(true)
    const viaTier = postDecision(coursePost, accessOf([held({ offerId: 'patron' })]))
    expect(viaTier).toMatchObject({ allowed: true, via: { heldOfferId: 'patron', through: 'tier' } })
  })

  it('refuses a course post with the course and the tiers that include it to buy', () => {
    const revoked = accessOf([held({ offerId: 'course', state: 'revoked' })])
    expect(postDecision(coursePost, revoked)).toEqual({
      allowed: false,
      reason: 'revoked',
      buy: ['course', 'inner', 'patron'],
    })
  })

  it('asks a signed-out visitor to sign in, still listing what to buy', () => {
    expect(postDecision(tierPost(3), accessOf([], { buyerId: null }))).toEqual({
      allowed: false,
      reason: 'sign_in',
      buy: ['patron'],
    })
    expect(postDecision(coursePost, accessOf([], { buyerId: null }))).toMatchObject({ reason: 'sign_in' })
  })
})

describe('lessonDecision', () => {
  const lesson = (overrides: { freePreview?: boolean; dripDays?: number } = {}) => ({
    offerId: 'course',
    freePreview: false,
    dripDays: 0,
    ...overrides,
  })

  it('opens a free preview to anyone, signed out too', () => {
    const signedOut = accessOf([], { buyerId: null })
    expect(lessonDecision(lesson({ freePreview: true, dripDays: 30 }), signedOut)).toEqual({
      allowed: true,
      via: null,
    })
  })

  it('needs the course, directly or through a tier', () => {
    expect(lessonDecision(lesson(), accessOf([held({ offerId: 'inner' })]))).toMatchObject({
      allowed: true,
      via: { heldOfferId: 'inner', through: 'tier' },
    })
    expect(lessonDecision(lesson(), accessOf([held({ offerId: 'member' })]))).toEqual({
      allowed: false,
      reason: 'no_entitlement',
      buy: ['course', 'inner', 'patron'],
    })
    expect(lessonDecision(lesson(), accessOf([], { buyerId: null }))).toMatchObject({ reason: 'sign_in' })
  })

  it('keeps a drip lesson shut until drip days after the access start, and opens it exactly then', () => {
    const startsAt = now - 3 * dayMs
    const opensAt = startsAt + 7 * dayMs
    const course = [held({ offerId: 'course', startsAt })]
    expect(lessonDecision(lesson({ dripDays: 7 }), accessOf(course))).toEqual({
      allowed: false,
      reason: 'drip',
      buy: [],
      opensAt,
    })
    expect(lessonDecision(lesson({ dripDays: 7 }), accessOf(course, { at: opensAt - 1 })).allowed).toBe(false)
    expect(lessonDecision(lesson({ dripDays: 7 }), accessOf(course, { at: opensAt })).allowed).toBe(true)
    expect(lessonDecision(lesson({ dripDays: 3 }), accessOf(course)).allowed).toBe(true)
  })

  it('counts drip from the earliest grant, here the tier held before the course was bought', () => {
    const access = accessOf([
      held({ offerId: 'inner', startsAt: now - 8 * dayMs }),
      held({ offerId: 'course', startsAt: now - dayMs }),
    ])
    expect(lessonDecision(lesson({ dripDays: 7 }), access).allowed).toBe(true)
  })
})

describe('groupDecision', () => {
  const seats = (overrides: Partial<Parameters<typeof groupDecision>[2]> = {}) => ({
    capacity: 2,
    memberCount: 0,
    alreadyMember: false,
    ...overrides,
  })
  const withGroup = accessOf([held({ offerId: 'member' })])

  it('lets a buyer with the group in while there is room, directly or through a tier', () => {
    expect(groupDecision('group', withGroup, seats({ memberCount: 1 }))).toMatchObject({
      allowed: true,
      via: { heldOfferId: 'member', through: 'tier' },
    })
    const direct = accessOf([held({ offerId: 'group' })])
    expect(groupDecision('group', direct, seats())).toMatchObject({ via: { through: 'direct' } })
  })

  it('refuses a new member when full, but always lets an existing member back in', () => {
    expect(groupDecision('group', withGroup, seats({ memberCount: 2 }))).toEqual({
      allowed: false,
      reason: 'full',
      buy: [],
    })
    expect(groupDecision('group', withGroup, seats({ memberCount: 2, alreadyMember: true })).allowed).toBe(
      true,
    )
  })

  it('has no limit without a capacity', () => {
    expect(groupDecision('group', withGroup, seats({ capacity: null, memberCount: 10_000 })).allowed).toBe(
      true,
    )
  })

  it('refuses without the group, even with a seat record, and asks a signed-out visitor to sign in', () => {
    const lapsed = accessOf([held({ offerId: 'group', state: 'lapsed', endsAt: now - dayMs })])
    expect(groupDecision('group', lapsed, seats({ alreadyMember: true }))).toEqual({
      allowed: false,
      reason: 'lapsed',
      buy: ['group', 'member', 'inner', 'peer', 'patron'],
    })
    expect(groupDecision('group', accessOf([], { buyerId: null }), seats())).toMatchObject({
      allowed: false,
      reason: 'sign_in',
    })
  })
})

/**
 * What makes an offer well-formed for its kind. Pure: the complete intended state in, field errors out.
 * Used by create and update alike (update passes the current offer merged with the patch), so one rule lives
 * in one place.
 *
 * Why the price rules: Stripe Checkout takes Alipay and WeChat Pay only in `payment` mode, never in
 * `subscription` mode, so a tier sells as a card subscription (month/year) and, optionally, as a fixed-term pass
 * (`once` + `term_days`) that wallets can pay. Courses, groups and consultations are one-time payments.
 *
 * Also the one list of business-rule refusals (code, params, English text) that the catalog and post verbs
 * raise, so every surface names a rule the same way.
 */
import type { GroupPlatform, OfferKind, PriceInterval } from '../db/schema'
import { conflict, type FieldError, notFound } from '../lib/problem'

export type { FieldError }

export interface PriceShape {
  amount: number
  currency: string
  interval: PriceInterval
  term_days?: number | null | undefined
}

export interface OfferShape {
  kind: OfferKind
  prices: PriceShape[]
  rank?: number | null | undefined
  trial_days?: number | null | undefined
  included_offer_ids?: string[] | undefined
  duration_minutes?: number | null | undefined
  group?:
    | {
        platform?: GroupPlatform | undefined
        invite_url?: string | null | undefined
        instructions?: string | undefined
        qr_image_url?: string | null | undefined
      }
    | null
    | undefined
}

type NoParams = Record<string, never>

/**
 * Every refusal of a business rule the catalog and post verbs raise (beyond what the zod schemas check): its
 * stable code and the parameters it is said with. The API answers `ruleMessages`' English; the dashboard says
 * the same by code in its page's language (`rules` in dashboard/editor-messages.ts, typed `RuleTexts`, so a
 * code added here does not compile until each language has its text).
 */
export interface RuleParams {
  prices_one_currency: NoParams
  tier_needs_rank: NoParams
  pass_needs_term: NoParams
  subscription_no_term: NoParams
  duplicate_price: NoParams
  one_price: { kind: OfferKind }
  one_time_payment: { kind: OfferKind }
  rank_only_tiers: NoParams
  trial_only_tiers: NoParams
  includes_only_tiers: NoParams
  consultation_needs_duration: NoParams
  consultation_no_term: NoParams
  duration_only_consultations: NoParams
  group_needs_platform: NoParams
  group_needs_joining: NoParams
  group_only_groups: NoParams
  included_unknown: { id: string }
  included_kind: { kind: OfferKind }
  included_twice: NoParams
  offer_slug_taken: { slug: string }
  slot_ends_before_start: NoParams
  slot_in_past: NoParams
  slot_overlaps_existing: NoParams
  slot_overlaps_request: NoParams
  lessons_order_incomplete: { count: number }
  audience_not_yours: NoParams
  audience_not_course: { kind: OfferKind }
  post_slug_taken: { slug: string }
  post_slug_underivable: NoParams
}

export type RuleCode = keyof RuleParams

/** One text per rule, said from its parameters. */
export type RuleTexts = { [C in RuleCode]: (params: RuleParams[C]) => string }

/** The rules' English: what the API answers as each field error's `message` (or a 409's `detail`). */
export const ruleMessages: RuleTexts = {
  prices_one_currency: () => 'all prices of one offer must use the same currency',
  tier_needs_rank: () => 'a tier needs a rank (1 = lowest)',
  pass_needs_term: () => 'a tier pass (interval once) needs term_days, e.g. 365',
  subscription_no_term: () => 'only passes (interval once) have term_days; subscriptions renew',
  duplicate_price: () => 'duplicate price for the same interval and term',
  one_price: ({ kind }) => `a ${kind} has exactly one price`,
  one_time_payment: ({ kind }) => `a ${kind} is a one-time payment: use interval once`,
  rank_only_tiers: () => 'only tiers have a rank',
  trial_only_tiers: () => 'only tiers have trial days',
  includes_only_tiers: () => 'only tiers include other offers',
  consultation_needs_duration: () => 'a consultation needs a slot length in minutes',
  consultation_no_term: () => 'a consultation is paid per slot, not per term',
  duration_only_consultations: () => 'only consultations have a duration',
  group_needs_platform: () => 'a group needs its platform: wechat, telegram, discord or other',
  group_needs_joining: () => 'a group needs an invite_url, a qr_image_url or joining instructions',
  group_only_groups: () => 'only groups have group details',
  included_unknown: ({ id }) => `no offer ${id} exists`,
  included_kind: ({ kind }) => `a tier includes courses and groups, not a ${kind}`,
  included_twice: () => 'lists an offer twice',
  offer_slug_taken: ({ slug }) => `You already have an offer with the slug "${slug}".`,
  slot_ends_before_start: () => 'must be after starts_at',
  slot_in_past: () => 'must be in the future',
  slot_overlaps_existing: () => 'overlaps an existing slot of this consultation',
  slot_overlaps_request: () => 'overlaps another slot in this request',
  lessons_order_incomplete: ({ count }) => `must list each of the course's ${count} lessons exactly once`,
  audience_not_yours: () => 'is not one of your offers',
  audience_not_course: ({ kind }) => `must be a course offer, not a ${kind}`,
  post_slug_taken: ({ slug }) => `You already have a post with the slug "${slug}"; choose another.`,
  post_slug_underivable: () => 'Could not derive a free slug from the title; send a slug.',
}

/** Every rule code, for tests that check each has its texts. */
export const ruleCodes = Object.keys(ruleMessages) as RuleCode[]

export const isRuleCode = (code: unknown): code is RuleCode =>
  typeof code === 'string' && Object.hasOwn(ruleMessages, code)

/** Rule `code` refusing the field at `path`: its English message, with the code and params alongside. */
export function ruleError<C extends RuleCode>(path: string, code: C, params: RuleParams[C]): FieldError {
  return { path, message: ruleMessages[code](params), code, params }
}

/** Says a rule's refusal with `texts` (one language's table), from a code and params a `ruleError` made. */
export function sayRule<C extends RuleCode>(texts: RuleTexts, code: C, params: RuleParams[C]): string {
  return texts[code](params)
}

export function offerShapeErrors(offer: OfferShape): FieldError[] {
  const errors: FieldError[] = []
  const add = <C extends RuleCode>(path: string, code: C, params: RuleParams[C]) =>
    errors.push(ruleError(path, code, params))
  const { kind, prices } = offer

  const currencies = new Set(prices.map((price) => price.currency))
  if (currencies.size > 1) add('prices', 'prices_one_currency', {})

  if (kind === 'tier') {
    if (offer.rank === undefined || offer.rank === null) add('rank', 'tier_needs_rank', {})
    const seen = new Set<string>()
    prices.forEach((price, index) => {
      if (price.interval === 'once' && !price.term_days)
        add(`prices.${index}.term_days`, 'pass_needs_term', {})
      if (price.interval !== 'once' && price.term_days)
        add(`prices.${index}.term_days`, 'subscription_no_term', {})
      const key = price.interval === 'once' ? `once:${price.term_days}` : price.interval
      if (seen.has(key)) add(`prices.${index}`, 'duplicate_price', {})
      seen.add(key)
    })
  } else {
    if (prices.length !== 1) add('prices', 'one_price', { kind })
    prices.forEach((price, index) => {
      if (price.interval !== 'once') add(`prices.${index}.interval`, 'one_time_payment', { kind })
    })
    if (offer.rank !== undefined && offer.rank !== null) add('rank', 'rank_only_tiers', {})
    if (offer.trial_days) add('trial_days', 'trial_only_tiers', {})
    if (offer.included_offer_ids?.length) add('included_offer_ids', 'includes_only_tiers', {})
  }

  if (kind === 'consultation') {
    if (!offer.duration_minutes) add('duration_minutes', 'consultation_needs_duration', {})
    prices.forEach((price, index) => {
      if (price.term_days) add(`prices.${index}.term_days`, 'consultation_no_term', {})
    })
  } else if (offer.duration_minutes) {
    add('duration_minutes', 'duration_only_consultations', {})
  }

  if (kind === 'group') {
    const group = offer.group
    if (!group?.platform) add('group.platform', 'group_needs_platform', {})
    if (group && !group.invite_url && !group.instructions?.trim() && !group.qr_image_url)
      add('group', 'group_needs_joining', {})
  } else if (offer.group) {
    add('group', 'group_only_groups', {})
  }

  return errors
}

/** Kinds a tier may include as benefits. */
export const includableKinds: readonly OfferKind[] = ['course', 'group']

/**
 * The offer a lesson or slot verb works on: 404 unless it was found (another creator's reads as not found),
 * 409 unless it is of `kind` (only courses have lessons, only consultations have slots).
 */
export function offerOfKind<O extends { kind: OfferKind }>(
  offer: O | undefined,
  offerId: string,
  kind: 'course' | 'consultation',
): O {
  if (!offer) throw notFound('offer', offerId)
  if (offer.kind !== kind)
    throw conflict(
      `Offer ${offerId} is a ${offer.kind}; only ${kind}s have ${kind === 'course' ? 'lessons' : 'slots'}.`,
    )
  return offer
}

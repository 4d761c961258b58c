/**
 * What makes an offer well-formed for its kind. Pure: the complete intended state in, field errors out.
 * Used by create and update alike (update passes the current offer merged with the patch), so one rule lives
 * in one place.
 *
 * Why the price rules: Stripe Checkout takes Alipay and WeChat Pay only in `payment` mode, never in
 * `subscription` mode, so a tier sells as a card subscription (month/year) and, optionally, as a fixed-term pass
 * (`once` + `term_days`) that wallets can pay. Courses, groups and consultations are one-time payments.
 */
import type { GroupPlatform, OfferKind, PriceInterval } from '../db/schema'

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

export interface FieldError {
  path: string
  message: string
}

export function offerShapeErrors(offer: OfferShape): FieldError[] {
  const errors: FieldError[] = []
  const add = (path: string, message: string) => errors.push({ path, message })
  const { kind, prices } = offer

  const currencies = new Set(prices.map((price) => price.currency))
  if (currencies.size > 1) add('prices', 'all prices of one offer must use the same currency')

  if (kind === 'tier') {
    if (offer.rank === undefined || offer.rank === null) add('rank', 'a tier needs a rank (1 = lowest)')
    const seen = new Set<string>()
    prices.forEach((price, index) => {
      if (price.interval === 'once' && !price.term_days)
        add(`prices.${index}.term_days`, 'a tier pass (interval once) needs term_days, e.g. 365')
      if (price.interval !== 'once' && price.term_days)
        add(`prices.${index}.term_days`, 'only passes (interval once) have term_days; subscriptions renew')
      const key = price.interval === 'once' ? `once:${price.term_days}` : price.interval
      if (seen.has(key)) add(`prices.${index}`, 'duplicate price for the same interval and term')
      seen.add(key)
    })
  } else {
    if (prices.length !== 1) add('prices', `a ${kind} has exactly one price`)
    prices.forEach((price, index) => {
      if (price.interval !== 'once')
        add(`prices.${index}.interval`, `a ${kind} is a one-time payment: use interval once`)
    })
    if (offer.rank !== undefined && offer.rank !== null) add('rank', 'only tiers have a rank')
    if (offer.trial_days) add('trial_days', 'only tiers have trial days')
    if (offer.included_offer_ids?.length) add('included_offer_ids', 'only tiers include other offers')
  }

  if (kind === 'consultation') {
    if (!offer.duration_minutes) add('duration_minutes', 'a consultation needs a slot length in minutes')
    prices.forEach((price, index) => {
      if (price.term_days) add(`prices.${index}.term_days`, 'a consultation is paid per slot, not per term')
    })
  } else if (offer.duration_minutes) {
    add('duration_minutes', 'only consultations have a duration')
  }

  if (kind === 'group') {
    const group = offer.group
    if (!group?.platform)
      add('group.platform', 'a group needs its platform: wechat, telegram, discord or other')
    if (group && !group.invite_url && !group.instructions?.trim() && !group.qr_image_url)
      add('group', 'a group needs an invite_url, a qr_image_url or joining instructions')
  } else if (offer.group) {
    add('group', 'only groups have group details')
  }

  return errors
}

/** Kinds a tier may include as benefits. */
export const includableKinds: readonly OfferKind[] = ['course', 'group']

/** The public storefront as JSON: snake_case, ISO times, money as {amount, currency, formatted}. */
import { groupPlatforms, locales, offerKinds, priceIntervals } from '../db/schema'
import { formatMoney } from '../lib/money'
import { documented, named } from '../lib/openapi'
import { toIso } from '../lib/time'
import * as z from '../lib/zod'
import type { Storefront } from './load-storefront'
import type { StorefrontOffer } from './storefront-view'

export const moneySchema = named(
  z.object({
    amount: documented(z.int(), { description: 'Minor units', example: 20000 }),
    currency: documented(z.string(), { example: 'CNY' }),
    formatted: documented(z.string(), { description: "For the creator's locale", example: '¥200.00' }),
  }),
  'Money',
)

const priceSchema = named(
  z.object({
    id: z.string(),
    interval: z.enum(priceIntervals),
    term_days: z.nullable(
      documented(z.int(), { description: '`once` prices: days of access; null = for good' }),
    ),
    rails: documented(z.array(z.enum(['card', 'wallet'])), { description: '`wallet` = Alipay / WeChat Pay' }),
    money: moneySchema,
  }),
  'StorefrontPrice',
)

const offerSchema = named(
  z.object({
    id: z.string(),
    kind: z.enum(offerKinds),
    slug: z.string(),
    title: z.string(),
    description: documented(z.string(), { description: 'Markdown, unescaped: escape it before showing it' }),
    prices: z.array(priceSchema),
    rank: z.nullish(documented(z.int(), { description: 'Tiers only' })),
    includes: z.optional(
      documented(z.array(z.object({ kind: z.enum(offerKinds), slug: z.string(), title: z.string() })), {
        description: 'Tiers only: the live offers a membership includes',
      }),
    ),
    duration_minutes: z.nullish(documented(z.int(), { description: 'Consultations only' })),
    free_slots: z.optional(documented(z.int(), { description: 'Consultations only: bookable future slots' })),
    platform: z.nullish(documented(z.enum(groupPlatforms), { description: 'Groups only' })),
    capacity: z.nullish(documented(z.int(), { description: 'Groups only; null = unlimited' })),
  }),
  'StorefrontOffer',
)

export const storefrontSchema = named(
  z.object({
    creator: named(
      z.object({
        slug: z.string(),
        name: z.string(),
        bio: z.string(),
        locale: z.enum(locales),
        default_currency: z.string(),
        time_zone: z.string(),
      }),
      'PublicCreator',
    ),
    offers: z.array(offerSchema),
    posts: documented(
      z.array(
        z.object({
          slug: z.string(),
          title: z.string(),
          excerpt: z.string(),
          published_at: z.nullable(z.string()),
        }),
      ),
      { description: 'The newest live posts, newest first' },
    ),
  }),
  'Storefront',
)

export type StorefrontJson = z.infer<typeof storefrontSchema>
type OfferJson = z.infer<typeof offerSchema>

export function storefrontJson(storefront: Storefront): StorefrontJson {
  const { creator } = storefront
  return {
    creator: {
      slug: creator.slug,
      name: creator.name,
      bio: creator.bio,
      locale: creator.locale,
      default_currency: creator.defaultCurrency,
      time_zone: creator.timeZone,
    },
    offers: storefront.offers.map((offer) => offerJson(offer, creator.locale)),
    posts: storefront.posts.map((post) => ({
      slug: post.slug,
      title: post.title,
      excerpt: post.excerpt,
      published_at: toIso(post.publishedAt),
    })),
  }
}

function offerJson(offer: StorefrontOffer, locale: string): OfferJson {
  return {
    id: offer.id,
    kind: offer.kind,
    slug: offer.slug,
    title: offer.title,
    description: offer.description,
    prices: offer.prices.map((price) => ({
      id: price.id,
      interval: price.interval,
      term_days: price.termDays,
      rails: price.rails,
      money: {
        amount: price.amount,
        currency: price.currency,
        formatted: formatMoney(price.amount, price.currency, locale),
      },
    })),
    ...(offer.kind === 'tier' && { rank: offer.rank, includes: offer.includes }),
    ...(offer.kind === 'consultation' && {
      duration_minutes: offer.durationMinutes,
      free_slots: offer.freeSlots,
    }),
    ...(offer.kind === 'group' && { platform: offer.platform, capacity: offer.capacity }),
  }
}

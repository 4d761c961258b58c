/** The public storefront as JSON: snake_case, ISO times, money as {amount, currency, formatted}. */
import { z } from '@hono/zod-openapi'
import { groupPlatforms, locales, offerKinds, priceIntervals } from '../db/schema'
import { formatMoney } from '../lib/money'
import { toIso } from '../lib/time'
import type { Storefront } from './load-storefront'
import type { StorefrontOffer } from './storefront-view'

export const moneySchema = z
  .object({
    amount: z.number().int().openapi({ description: 'Minor units', example: 20000 }),
    currency: z.string().openapi({ example: 'CNY' }),
    formatted: z.string().openapi({ description: "For the creator's locale", example: '¥200.00' }),
  })
  .openapi('Money')

const priceSchema = z
  .object({
    id: z.string(),
    interval: z.enum(priceIntervals),
    term_days: z
      .number()
      .int()
      .nullable()
      .openapi({ description: '`once` prices: days of access; null = for good' }),
    rails: z.array(z.enum(['card', 'wallet'])).openapi({ description: '`wallet` = Alipay / WeChat Pay' }),
    money: moneySchema,
  })
  .openapi('StorefrontPrice')

const offerSchema = z
  .object({
    id: z.string(),
    kind: z.enum(offerKinds),
    slug: z.string(),
    title: z.string(),
    description: z.string().openapi({ description: 'Markdown, unescaped: escape it before showing it' }),
    prices: z.array(priceSchema),
    rank: z.number().int().nullable().optional().openapi({ description: 'Tiers only' }),
    includes: z
      .array(z.object({ kind: z.enum(offerKinds), slug: z.string(), title: z.string() }))
      .optional()
      .openapi({ description: 'Tiers only: the live offers a membership includes' }),
    duration_minutes: z.number().int().nullable().optional().openapi({ description: 'Consultations only' }),
    free_slots: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Consultations only: bookable future slots' }),
    platform: z.enum(groupPlatforms).nullable().optional().openapi({ description: 'Groups only' }),
    capacity: z
      .number()
      .int()
      .nullable()
      .optional()
      .openapi({ description: 'Groups only; null = unlimited' }),
  })
  .openapi('StorefrontOffer')

export const storefrontSchema = z
  .object({
    creator: z
      .object({
        slug: z.string(),
        name: z.string(),
        bio: z.string(),
        locale: z.enum(locales),
        default_currency: z.string(),
        time_zone: z.string(),
      })
      .openapi('PublicCreator'),
    offers: z.array(offerSchema),
    posts: z
      .array(
        z.object({
          slug: z.string(),
          title: z.string(),
          excerpt: z.string(),
          published_at: z.string().nullable(),
        }),
      )
      .openapi({ description: 'The newest live posts, newest first' }),
  })
  .openapi('Storefront')

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

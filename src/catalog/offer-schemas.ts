/**
 * The offer API's shapes: what a creator sends (validated by zod, documented by OpenAPI from the same
 * schemas) and what the API answers. Kind-specific rules that span fields live in offer-rules.ts.
 */
import { z } from '@hono/zod-openapi'
import { groupPlatforms, offerKinds, priceIntervals } from '../db/schema'
import {
  currencyCode,
  isoDateTime,
  listQuery,
  moneyAmount,
  pageSchema,
  slugSchema,
  timeZoneSchema,
} from '../lib/openapi'

const httpsUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000)
  .openapi({ example: 'https://t.me/+AbCdEf' })

export const priceInputSchema = z
  .object({
    amount: moneyAmount.min(1, 'must be at least 1 minor unit').openapi({ example: 20000 }),
    currency: currencyCode.openapi({ example: 'CNY' }),
    interval: z.enum(priceIntervals).openapi({
      description: '`month` / `year`: card subscription (tiers only). `once`: one-time payment.',
    }),
    term_days: z.number().int().min(1).max(3650).nullish().openapi({
      description: '`once` prices: days of access bought (a tier pass needs it); null = for good.',
    }),
  })
  .openapi('PriceInput')

export const groupInputSchema = z
  .object({
    platform: z.enum(groupPlatforms),
    invite_url: httpsUrl.nullish(),
    instructions: z.string().max(5000).optional(),
    qr_image_url: httpsUrl.nullish(),
    capacity: z.number().int().min(1).max(1_000_000).nullish(),
  })
  .openapi('GroupInput')

const offerFields = {
  slug: slugSchema,
  title: z.string().trim().min(1).max(200),
  description: z.string().max(50_000).optional().openapi({ description: 'Markdown.' }),
  status: z
    .enum(['draft', 'live'])
    .optional()
    .openapi({ description: 'Default `draft`. Archive with POST …/archive.' }),
  position: z.number().int().min(0).max(10_000).optional(),
  prices: z.array(priceInputSchema).min(1).max(10),
  rank: z.number().int().min(1).max(100).optional().openapi({ description: 'Tiers: higher includes lower.' }),
  trial_days: z.number().int().min(0).max(365).optional(),
  included_offer_ids: z
    .array(z.string().max(64))
    .max(100)
    .optional()
    .openapi({ description: 'Tiers: courses and groups this tier includes.' }),
  duration_minutes: z.number().int().min(5).max(720).optional(),
  time_zone: timeZoneSchema.optional(),
  group: groupInputSchema.optional(),
}

export const createOfferSchema = z
  .object({ kind: z.enum(offerKinds), ...offerFields })
  .openapi('CreateOffer', {
    example: {
      kind: 'tier',
      slug: 'inner-circle',
      title: '核心圈 Inner circle',
      rank: 2,
      prices: [
        { amount: 120000, currency: 'CNY', interval: 'year' },
        { amount: 120000, currency: 'CNY', interval: 'once', term_days: 365 },
      ],
    },
  })
export type CreateOfferInput = z.infer<typeof createOfferSchema>

export const updateOfferSchema = z
  .object({
    ...offerFields,
    status: z.enum(['draft', 'live']).optional().openapi({
      description: 'Publish (`live`), unpublish or restore an archived offer (`draft`).',
    }),
    group: groupInputSchema.partial().optional(),
  })
  .partial()
  .openapi('UpdateOffer')
export type UpdateOfferInput = z.infer<typeof updateOfferSchema>

export const priceSchema = z
  .object({
    id: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    interval: z.enum(priceIntervals),
    term_days: z.number().int().nullable(),
  })
  .openapi('Price')

export const groupSchema = z
  .object({
    platform: z.enum(groupPlatforms),
    invite_url: z.string().nullable(),
    instructions: z.string(),
    qr_image_url: z.string().nullable(),
    capacity: z.number().int().nullable(),
    rotated_at: z.string().nullable(),
  })
  .openapi('Group')

export const offerSchema = z
  .object({
    id: z.string().openapi({ example: 'off_01m84d7bvcq981y6dza0ec' }),
    kind: z.enum(offerKinds),
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    status: z.enum(['draft', 'live', 'archived']),
    position: z.number().int(),
    prices: z.array(priceSchema),
    rank: z.number().int().nullable(),
    trial_days: z.number().int(),
    included_offer_ids: z.array(z.string()),
    duration_minutes: z.number().int().nullable(),
    time_zone: z.string().nullable(),
    group: groupSchema.nullable(),
    published_at: z.string().nullable(),
    archived_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Offer')
export type OfferJson = z.infer<typeof offerSchema>

export const offerPageSchema = pageSchema(offerSchema, 'OfferPage')

export const listOffersQuery = listQuery.extend({
  kind: z.enum(offerKinds).optional(),
  status: z.enum(['draft', 'live', 'archived']).optional(),
})

export const idParam = (name: string, example: string) =>
  z.object({
    id: z
      .string()
      .max(64)
      .openapi({ param: { name: 'id', in: 'path' }, example, description: name }),
  })

// Lessons

export const lessonInputSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().max(200_000).optional().openapi({ description: 'Markdown.' }),
    position: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .openapi({ description: '1-based place in the course; default last. Others shift to make room.' }),
    free_preview: z.boolean().optional(),
    drip_days: z.number().int().min(0).max(3650).optional(),
  })
  .openapi('LessonInput')
export const lessonUpdateSchema = lessonInputSchema.partial().openapi('LessonUpdate')

export const lessonSchema = z
  .object({
    id: z.string(),
    offer_id: z.string(),
    position: z.number().int(),
    title: z.string(),
    body: z.string(),
    free_preview: z.boolean(),
    drip_days: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Lesson')
export type LessonJson = z.infer<typeof lessonSchema>

export const lessonListSchema = z.object({ data: z.array(lessonSchema) }).openapi('LessonList')

export const lessonOrderSchema = z
  .object({ lesson_ids: z.array(z.string().max(64)).min(1).max(1000) })
  .openapi('LessonOrder')

// Consultation slots

export const slotInputSchema = z.object({
  starts_at: isoDateTime.openapi({ example: '2026-12-01T02:00:00Z' }),
  ends_at: isoDateTime.optional().openapi({ description: 'Default: starts_at + the offer’s duration.' }),
  meeting_details: z
    .string()
    .max(2000)
    .optional()
    .openapi({ description: 'Shown to the buyer once booked.' }),
})
export const createSlotsSchema = z
  .object({ slots: z.array(slotInputSchema).min(1).max(100) })
  .openapi('CreateSlots')
export const updateSlotSchema = slotInputSchema.partial().openapi('UpdateSlot')

export const slotSchema = z
  .object({
    id: z.string(),
    offer_id: z.string(),
    starts_at: z.string(),
    ends_at: z.string(),
    status: z.enum(['free', 'held', 'booked', 'cancelled']),
    meeting_details: z.string(),
    created_at: z.string(),
  })
  .openapi('Slot')
export type SlotJson = z.infer<typeof slotSchema>
export const slotListSchema = z.object({ data: z.array(slotSchema) }).openapi('SlotList')

export const listSlotsQuery = z.object({
  from: isoDateTime
    .optional()
    .openapi({ description: 'Only slots starting at or after this time; default now.' }),
  status: z.enum(['free', 'held', 'booked', 'cancelled']).optional(),
})

/**
 * The offer API's shapes: what a creator sends (validated by zod, documented by OpenAPI from the same
 * schemas) and what the API answers. Kind-specific rules that span fields live in offer-rules.ts.
 */
import { groupPlatforms, offerKinds, priceIntervals } from '../db/schema'
import {
  currencyCode,
  documented,
  isoDateTime,
  listQuery,
  moneyAmount,
  named,
  pageSchema,
  pathId,
  slugSchema,
  timeZoneSchema,
} from '../lib/openapi'
import * as z from '../lib/zod'

const httpsUrl = documented(
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).check(z.maxLength(2000)),
  { example: 'https://t.me/+AbCdEf' },
)

export const priceInputSchema = named(
  z.object({
    amount: documented(moneyAmount.check(z.minimum(1, 'must be at least 1 minor unit')), { example: 20000 }),
    currency: documented(currencyCode, { example: 'CNY' }),
    interval: documented(z.enum(priceIntervals), {
      description: '`month` / `year`: card subscription (tiers only). `once`: one-time payment.',
    }),
    term_days: z.nullish(
      documented(z.int().check(z.minimum(1), z.maximum(3650)), {
        description: '`once` prices: days of access bought (a tier pass needs it); null = for good.',
      }),
    ),
  }),
  'PriceInput',
)

/** The group fields, unnamed: `GroupInput` in a create, every field optional in an update. */
const groupInput = z.object({
  platform: z.enum(groupPlatforms),
  invite_url: z.nullish(httpsUrl),
  instructions: z.optional(z.string().check(z.maxLength(5000))),
  qr_image_url: z.nullish(httpsUrl),
  capacity: z.nullish(z.int().check(z.minimum(1), z.maximum(1_000_000))),
})

export const groupInputSchema = named(groupInput, 'GroupInput')

const offerFields = {
  slug: slugSchema,
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  description: z.optional(documented(z.string().check(z.maxLength(50_000)), { description: 'Markdown.' })),
  status: z.optional(
    documented(z.enum(['draft', 'live']), { description: 'Default `draft`. Archive with POST …/archive.' }),
  ),
  position: z.optional(z.int().check(z.minimum(0), z.maximum(10_000))),
  prices: z.array(priceInputSchema).check(z.minLength(1), z.maxLength(10)),
  rank: z.optional(
    documented(z.int().check(z.minimum(1), z.maximum(100)), { description: 'Tiers: higher includes lower.' }),
  ),
  trial_days: z.optional(z.int().check(z.minimum(0), z.maximum(365))),
  included_offer_ids: z.optional(
    documented(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(100)), {
      description: 'Tiers: courses and groups this tier includes.',
    }),
  ),
  duration_minutes: z.optional(z.int().check(z.minimum(5), z.maximum(720))),
  time_zone: z.optional(timeZoneSchema),
  group: z.optional(groupInputSchema),
}

export const createOfferSchema = named(
  documented(z.object({ kind: z.enum(offerKinds), ...offerFields }), {
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
  }),
  'CreateOffer',
)
export type CreateOfferInput = z.infer<typeof createOfferSchema>

export const updateOfferSchema = named(
  z.partial(
    z.object({
      ...offerFields,
      status: z.optional(
        documented(z.enum(['draft', 'live']), {
          description: 'Publish (`live`), unpublish or restore an archived offer (`draft`).',
        }),
      ),
      group: z.optional(z.partial(groupInput)),
    }),
  ),
  'UpdateOffer',
)
export type UpdateOfferInput = z.infer<typeof updateOfferSchema>

export const priceSchema = named(
  z.object({
    id: z.string(),
    amount: z.int(),
    currency: z.string(),
    interval: z.enum(priceIntervals),
    term_days: z.nullable(z.int()),
  }),
  'Price',
)

export const groupSchema = named(
  z.object({
    platform: z.enum(groupPlatforms),
    invite_url: z.nullable(z.string()),
    instructions: z.string(),
    qr_image_url: z.nullable(z.string()),
    capacity: z.nullable(z.int()),
    rotated_at: z.nullable(z.string()),
  }),
  'Group',
)

export const offerSchema = named(
  z.object({
    id: documented(z.string(), { example: 'off_01m84d7bvcq981y6dza0ec' }),
    kind: z.enum(offerKinds),
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    status: z.enum(['draft', 'live', 'archived']),
    position: z.int(),
    prices: z.array(priceSchema),
    rank: z.nullable(z.int()),
    trial_days: z.int(),
    included_offer_ids: z.array(z.string()),
    duration_minutes: z.nullable(z.int()),
    time_zone: z.nullable(z.string()),
    group: z.nullable(groupSchema),
    published_at: z.nullable(z.string()),
    archived_at: z.nullable(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  }),
  'Offer',
)
export type OfferJson = z.infer<typeof offerSchema>

export const offerPageSchema = pageSchema(offerSchema, 'OfferPage')

export const listOffersQuery = z.extend(listQuery, {
  kind: z.optional(z.enum(offerKinds)),
  status: z.optional(z.enum(['draft', 'live', 'archived'])),
})

export const idParam = (name: string, example: string) => z.object({ id: pathId(name, example) })

// Lessons

/** The lesson fields, unnamed: `LessonInput` as they are, `LessonUpdate` with every field optional. */
const lessonInput = z.object({
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  body: z.optional(documented(z.string().check(z.maxLength(200_000)), { description: 'Markdown.' })),
  position: z.optional(
    documented(z.int().check(z.minimum(1), z.maximum(10_000)), {
      description: '1-based place in the course; default last. Others shift to make room.',
    }),
  ),
  free_preview: z.optional(z.boolean()),
  drip_days: z.optional(z.int().check(z.minimum(0), z.maximum(3650))),
})
export const lessonInputSchema = named(lessonInput, 'LessonInput')
export const lessonUpdateSchema = named(z.partial(lessonInput), 'LessonUpdate')

export const lessonSchema = named(
  z.object({
    id: z.string(),
    offer_id: z.string(),
    position: z.int(),
    title: z.string(),
    body: z.string(),
    free_preview: z.boolean(),
    drip_days: z.int(),
    created_at: z.string(),
    updated_at: z.string(),
  }),
  'Lesson',
)
export type LessonJson = z.infer<typeof lessonSchema>

export const lessonListSchema = named(z.object({ data: z.array(lessonSchema) }), 'LessonList')

export const lessonOrderSchema = named(
  z.object({
    lesson_ids: z.array(z.string().check(z.maxLength(64))).check(z.minLength(1), z.maxLength(1000)),
  }),
  'LessonOrder',
)

// Consultation slots

export const slotInputSchema = z.object({
  starts_at: documented(isoDateTime, { example: '2026-12-01T02:00:00Z' }),
  ends_at: z.optional(documented(isoDateTime, { description: 'Default: starts_at + the offer’s duration.' })),
  meeting_details: z.optional(
    documented(z.string().check(z.maxLength(2000)), { description: 'Shown to the buyer once booked.' }),
  ),
})
export const createSlotsSchema = named(
  z.object({ slots: z.array(slotInputSchema).check(z.minLength(1), z.maxLength(100)) }),
  'CreateSlots',
)
export const updateSlotSchema = named(z.partial(slotInputSchema), 'UpdateSlot')

export const slotSchema = named(
  z.object({
    id: z.string(),
    offer_id: z.string(),
    starts_at: z.string(),
    ends_at: z.string(),
    status: z.enum(['free', 'held', 'booked', 'cancelled']),
    meeting_details: z.string(),
    created_at: z.string(),
  }),
  'Slot',
)
export type SlotJson = z.infer<typeof slotSchema>
export const slotListSchema = named(z.object({ data: z.array(slotSchema) }), 'SlotList')

export const listSlotsQuery = z.object({
  from: z.optional(
    documented(isoDateTime, { description: 'Only slots starting at or after this time; default now.' }),
  ),
  status: z.optional(z.enum(['free', 'held', 'booked', 'cancelled'])),
})

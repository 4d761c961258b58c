/**
 * The access explainer's answer: for each of a creator's offers, whether one member can use it now and why,
 * with the entitlements behind it and their history. Validated and documented from the same zod schemas.
 */
import { z } from '@hono/zod-openapi'
import {
  entitlementChangeKinds,
  entitlementSources,
  entitlementStates,
  offerKinds,
  offerStatuses,
} from '../db/schema'

const accessReasons = [
  'direct',
  'tier',
  'sign_in',
  'no_entitlement',
  'lapsed',
  'revoked',
  'expired',
  'drip',
  'full',
] as const

const reasonDescription =
  '`direct`: an entitlement to this offer; `tier`: a tier that includes it (its benefits, a lower tier’s, or ' +
  'the lower tier itself). Refused: `no_entitlement` (never held), `lapsed` (subscription ended or moved), ' +
  '`revoked` (refunded, disputed or revoked by you), `expired` (a fixed term ran out), `full` (a group at ' +
  'capacity the member has not joined yet), `drip` (lessons: not open yet).'

const viaSchema = z
  .object({
    entitlement_id: z.string(),
    offer_id: z.string().openapi({ description: 'The offer the entitlement is for.' }),
    through: z.enum(['direct', 'tier']),
  })
  .openapi('AccessVia')

const causeSchema = z
  .union([
    z.object({
      type: z.literal('stripe_event'),
      id: z.string(),
      event_type: z.string().nullable().openapi({ example: 'charge.refunded' }),
      object_id: z.string().nullable().openapi({ description: 'The event’s object: cs_…, sub_…, ch_…' }),
    }),
    z.object({
      type: z.literal('admin'),
      id: z.string().openapi({ description: 'The audit log row.' }),
      action: z.string().nullable().openapi({ example: 'entitlement.grant' }),
      actor_type: z.string().nullable().openapi({ example: 'api_key' }),
    }),
    z.object({
      type: z.string().openapi({ description: 'Another cause, e.g. `checkout_success` or `schedule`.' }),
      id: z.string(),
    }),
  ])
  .openapi('AccessChangeCause')
export type CauseJson = z.infer<typeof causeSchema>

const historySchema = z
  .object({
    at: z.string(),
    change: z.enum(entitlementChangeKinds),
    state_after: z.enum(entitlementStates),
    ends_at_after: z.string().nullable(),
    cause: causeSchema,
  })
  .openapi('EntitlementChange')
export type HistoryJson = z.infer<typeof historySchema>

const explainedEntitlementSchema = z
  .object({
    id: z.string(),
    offer_id: z.string(),
    state: z.enum(entitlementStates),
    source: z.enum(entitlementSources),
    source_id: z.string(),
    starts_at: z.string(),
    ends_at: z.string().nullable(),
    grace_ends_at: z.string().nullable(),
    counts: z.boolean().openapi({ description: 'Whether it grants access now.' }),
    history: z.array(historySchema).openapi({ description: 'Every change, oldest first.' }),
  })
  .openapi('ExplainedEntitlement')
export type ExplainedEntitlementJson = z.infer<typeof explainedEntitlementSchema>

const lessonAccessSchema = z
  .object({
    id: z.string(),
    position: z.number().int(),
    title: z.string(),
    free_preview: z.boolean(),
    drip_days: z.number().int(),
    open: z.boolean(),
    opens_at: z.string().nullable().openapi({
      description: 'When it opens for this member (access start + drip days); null without the course.',
    }),
    reason: z.enum(accessReasons).nullable().openapi({ description: 'Why it is shut; null when open.' }),
  })
  .openapi('LessonAccess')

const groupSeatsSchema = z
  .object({
    capacity: z.number().int().nullable(),
    member_count: z.number().int(),
    member: z
      .boolean()
      .openapi({ description: 'This member was let in before and may always see it again.' }),
  })
  .openapi('GroupSeats')

const offerAccessSchema = z
  .object({
    offer_id: z.string(),
    kind: z.enum(offerKinds),
    title: z.string(),
    status: z.enum(offerStatuses),
    rank: z.number().int().nullable(),
    access: z.boolean(),
    reason: z.enum(accessReasons).openapi({ description: reasonDescription }),
    via: viaSchema.nullable(),
    started_at: z.string().nullable().openapi({
      description: 'When this stretch of access began (drip counts from it); null without access.',
    }),
    entitlements: z.array(explainedEntitlementSchema).openapi({
      description:
        'Every entitlement, current or past, that grants or granted this offer: its own and tiers’.',
    }),
    lessons: z.array(lessonAccessSchema).optional().openapi({ description: 'Courses only, in order.' }),
    group: groupSeatsSchema.optional().openapi({ description: 'Groups only.' }),
  })
  .openapi('OfferAccess')
export type OfferAccessJson = z.infer<typeof offerAccessSchema>

export const accessExplanationSchema = z
  .object({
    member_id: z.string(),
    now: z.string().openapi({ description: 'The moment the answer is for.' }),
    top_rank: z.number().int().openapi({ description: 'Highest rank among tiers held now; 0 if none.' }),
    offers: z.array(offerAccessSchema).openapi({
      description:
        'Your live offers, and any other one the member holds, held, or can use, in display order.',
    }),
  })
  .openapi('AccessExplanation')
export type AccessExplanationJson = z.infer<typeof accessExplanationSchema>

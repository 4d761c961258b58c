/**
 * The access explainer's answer: for each of a creator's offers, whether one member can use it now and why,
 * with the entitlements behind it and their history. Validated and documented from the same zod schemas.
 */
import {
  entitlementChangeKinds,
  entitlementSources,
  entitlementStates,
  offerKinds,
  offerStatuses,
} from '../db/schema'
import { documented, named } from '../lib/openapi'
import * as z from '../lib/zod'

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

const viaSchema = named(
  z.object({
    entitlement_id: z.string(),
    offer_id: documented(z.string(), { description: 'The offer the entitlement is for.' }),
    through: z.enum(['direct', 'tier']),
  }),
  'AccessVia',
)

const causeSchema = named(
  z.union([
    z.object({
      type: z.literal('stripe_event'),
      id: z.string(),
      event_type: z.nullable(documented(z.string(), { example: 'charge.refunded' })),
      object_id: z.nullable(documented(z.string(), { description: 'The event’s object: cs_…, sub_…, ch_…' })),
    }),
    z.object({
      type: z.literal('admin'),
      id: documented(z.string(), { description: 'The audit log row.' }),
      action: z.nullable(documented(z.string(), { example: 'entitlement.grant' })),
      actor_type: z.nullable(documented(z.string(), { example: 'api_key' })),
    }),
    z.object({
      type: documented(z.string(), { description: 'Another cause, e.g. `checkout_success` or `schedule`.' }),
      id: z.string(),
    }),
  ]),
  'AccessChangeCause',
)
export type CauseJson = z.infer<typeof causeSchema>

const historySchema = named(
  z.object({
    at: z.string(),
    change: z.enum(entitlementChangeKinds),
    state_after: z.enum(entitlementStates),
    ends_at_after: z.nullable(z.string()),
    cause: causeSchema,
  }),
  'EntitlementChange',
)
export type HistoryJson = z.infer<typeof historySchema>

const explainedEntitlementSchema = named(
  z.object({
    id: z.string(),
    offer_id: z.string(),
    state: z.enum(entitlementStates),
    source: z.enum(entitlementSources),
    source_id: z.string(),
    starts_at: z.string(),
    ends_at: z.nullable(z.string()),
    grace_ends_at: z.nullable(z.string()),
    counts: documented(z.boolean(), { description: 'Whether it grants access now.' }),
    history: documented(z.array(historySchema), { description: 'Every change, oldest first.' }),
  }),
  'ExplainedEntitlement',
)
export type ExplainedEntitlementJson = z.infer<typeof explainedEntitlementSchema>

const lessonAccessSchema = named(
  z.object({
    id: z.string(),
    position: z.int(),
    title: z.string(),
    free_preview: z.boolean(),
    drip_days: z.int(),
    open: z.boolean(),
    opens_at: z.nullable(
      documented(z.string(), {
        description: 'When it opens for this member (access start + drip days); null without the course.',
      }),
    ),
    reason: z.nullable(documented(z.enum(accessReasons), { description: 'Why it is shut; null when open.' })),
  }),
  'LessonAccess',
)

const groupSeatsSchema = named(
  z.object({
    capacity: z.nullable(z.int()),
    member_count: z.int(),
    member: documented(z.boolean(), {
      description: 'This member was let in before and may always see it again.',
    }),
  }),
  'GroupSeats',
)

const offerAccessSchema = named(
  z.object({
    offer_id: z.string(),
    kind: z.enum(offerKinds),
    title: z.string(),
    status: z.enum(offerStatuses),
    rank: z.nullable(z.int()),
    access: z.boolean(),
    reason: documented(z.enum(accessReasons), { description: reasonDescription }),
    via: z.nullable(viaSchema),
    started_at: z.nullable(
      documented(z.string(), {
        description: 'When this stretch of access began (drip counts from it); null without access.',
      }),
    ),
    entitlements: documented(z.array(explainedEntitlementSchema), {
      description:
        'Every entitlement, current or past, that grants or granted this offer: its own and tiers’.',
    }),
    lessons: z.optional(documented(z.array(lessonAccessSchema), { description: 'Courses only, in order.' })),
    group: documented(z.optional(groupSeatsSchema), { description: 'Groups only.' }),
  }),
  'OfferAccess',
)
export type OfferAccessJson = z.infer<typeof offerAccessSchema>

export const accessExplanationSchema = named(
  z.object({
    member_id: z.string(),
    now: documented(z.string(), { description: 'The moment the answer is for.' }),
    top_rank: documented(z.int(), { description: 'Highest rank among tiers held now; 0 if none.' }),
    offers: documented(z.array(offerAccessSchema), {
      description:
        'Your live offers, and any other one the member holds, held, or can use, in display order.',
    }),
  }),
  'AccessExplanation',
)
export type AccessExplanationJson = z.infer<typeof accessExplanationSchema>

/**
 * The members API's shapes: orders, members with their entitlements, manual grants and refunds. Validated by
 * zod and documented by OpenAPI from the same schemas.
 */

import { entitlementSources, entitlementStates, orderStatuses } from '../db/schema'
import { normaliseEmail } from '../lib/email'
import { documented, isoDateTime, listQuery, named, pageSchema, pathId } from '../lib/openapi'
import * as z from '../lib/zod'

export const orderIdParam = z.object({ id: pathId('Order id', 'ord_01m84d7bvcq981y6dza0ec') })
export const memberIdParam = z.object({ id: pathId('Member (buyer) id', 'buy_01m84d7bvcq981y6dza0ec') })
export const subscriptionIdParam = z.object({
  id: pathId(
    "Stripe subscription id (an entitlement's `source_id` when its source is `subscription`)",
    'sub_1QxYz',
  ),
})
export const memberEntitlementParams = z.object({
  id: pathId('Member (buyer) id', 'buy_01m84d7bvcq981y6dza0ec'),
  entitlement_id: pathId('Entitlement id', 'ent_01m84d7bvcq981y6dza0ec'),
})

// Orders

export const orderSchema = named(
  z.object({
    id: z.string(),
    offer_id: z.string(),
    price_id: z.string(),
    buyer_id: z.nullable(z.string()),
    email: z.nullable(z.string()),
    status: z.enum(orderStatuses),
    mode: z.enum(['payment', 'subscription']),
    rail: z.enum(['card', 'wallet']),
    amount: documented(z.int(), { description: 'Minor units.' }),
    currency: z.string(),
    term_days: z.nullable(z.int()),
    refunded_amount: z.int(),
    ref_code: z.nullable(z.string()),
    slot_id: z.nullable(z.string()),
    paid_at: z.nullable(z.string()),
    created_at: z.string(),
  }),
  'Order',
)
export type OrderJson = z.infer<typeof orderSchema>

export const orderPageSchema = pageSchema(orderSchema, 'OrderPage')

export const listOrdersQuery = z.extend(listQuery, {
  status: z.optional(z.enum(orderStatuses)),
  offer_id: z.optional(z.string().check(z.maxLength(64))),
})
export type ListOrdersQuery = z.infer<typeof listOrdersQuery>

export const refundInputSchema = named(
  z.object({
    amount: z.optional(
      documented(z.int().check(z.minimum(1)), {
        description: 'Minor units to refund; default all that is not yet refunded.',
      }),
    ),
  }),
  'RefundInput',
)
export type RefundInput = z.infer<typeof refundInputSchema>

export const refundSchema = named(
  z.object({
    order_id: z.string(),
    refund_id: z.string(),
    status: z.nullable(documented(z.string(), { description: "Stripe's refund status, e.g. `succeeded`." })),
  }),
  'Refund',
)
export type RefundJson = z.infer<typeof refundSchema>

// Members

export const memberEntitlementSchema = named(
  z.object({
    id: z.string(),
    offer_id: z.string(),
    state: z.enum(entitlementStates),
    source: z.enum(entitlementSources),
    source_id: documented(z.string(), {
      description:
        'The order id, Stripe subscription id, or audit log id (admin grants) the access comes from.',
    }),
    starts_at: z.string(),
    ends_at: z.nullable(z.string()),
    grace_ends_at: z.nullable(z.string()),
  }),
  'MemberEntitlement',
)
export type MemberEntitlementJson = z.infer<typeof memberEntitlementSchema>

export const memberSchema = named(
  z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    entitlements: z.array(memberEntitlementSchema),
  }),
  'Member',
)
export type MemberJson = z.infer<typeof memberSchema>

export const memberPageSchema = pageSchema(memberSchema, 'MemberPage')

export const listMembersQuery = z.extend(listQuery, {
  email: z.optional(
    z.pipe(
      documented(z.string().check(z.maxLength(320)), {
        description: 'Exact email; trimmed and lower-cased before matching.',
      }),
      z.transform(normaliseEmail),
    ),
  ),
  offer_id: z.optional(
    documented(z.string().check(z.maxLength(64)), {
      description: 'Only members holding an entitlement to this offer (with `state`: one in that state).',
    }),
  ),
  state: z.optional(
    documented(z.enum(entitlementStates), {
      description:
        'Only members holding an entitlement in this stored state (with `offer_id`: to that offer). The ' +
        'listed entitlements are still all of the member’s.',
    }),
  ),
})
export type ListMembersQuery = z.infer<typeof listMembersQuery>

export const grantInputSchema = named(
  z.object({
    offer_id: z.string().check(z.maxLength(64)),
    ends_at: z.nullish(
      documented(isoDateTime, { description: 'When access ends; null or absent = for good.' }),
    ),
    note: z.optional(
      documented(z.string().check(z.maxLength(1000)), { description: 'Kept in the audit log.' }),
    ),
  }),
  'GrantInput',
)
export type GrantInput = z.infer<typeof grantInputSchema>

// Subscriptions

export const changeTierInputSchema = named(
  z.object({
    offer_id: documented(z.string().check(z.maxLength(64)), { description: 'The live tier to move to.' }),
    price_id: z.optional(
      documented(z.string().check(z.maxLength(64)), {
        description:
          "A monthly or yearly price of that tier; default: the one at the subscription's interval.",
      }),
    ),
  }),
  'ChangeTierInput',
)

export const tierChangeSchema = named(
  z.object({
    subscription_id: z.string(),
    change: documented(z.enum(['upgrade', 'downgrade', 'cancel_downgrade']), {
      description:
        'upgrade (or a same-rank move): now, the prorated difference invoiced at once; downgrade: at the period ' +
        'end, billed from the next renewal; cancel_downgrade: the waiting downgrade is dropped.',
    }),
    offer_id: documented(z.string(), { description: 'The tier access follows now.' }),
    pending_offer_id: z.nullable(
      documented(z.string(), { description: 'A downgrade waiting for the period end.' }),
    ),
    effective_at: z.string(),
  }),
  'TierChange',
)

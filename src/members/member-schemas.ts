/**
 * The members API's shapes: orders, members with their entitlements, manual grants and refunds. Validated by
 * zod and documented by OpenAPI from the same schemas.
 */

import { z } from '@hono/zod-openapi'
import { entitlementSources, entitlementStates, orderStatuses } from '../db/schema'
import { normaliseEmail } from '../lib/email'
import { isoDateTime, listQuery, pageSchema } from '../lib/openapi'

const pathId = (name: string, description: string, example: string) =>
  z
    .string()
    .max(64)
    .openapi({ param: { name, in: 'path' }, example, description })

export const orderIdParam = z.object({ id: pathId('id', 'Order id', 'ord_01m84d7bvcq981y6dza0ec') })
export const memberIdParam = z.object({ id: pathId('id', 'Member (buyer) id', 'buy_01m84d7bvcq981y6dza0ec') })
export const subscriptionIdParam = z.object({
  id: pathId(
    'id',
    "Stripe subscription id (an entitlement's `source_id` when its source is `subscription`)",
    'sub_1QxYz',
  ),
})
export const memberEntitlementParams = z.object({
  id: pathId('id', 'Member (buyer) id', 'buy_01m84d7bvcq981y6dza0ec'),
  entitlement_id: pathId('entitlement_id', 'Entitlement id', 'ent_01m84d7bvcq981y6dza0ec'),
})

// Orders

export const orderSchema = z
  .object({
    id: z.string(),
    offer_id: z.string(),
    price_id: z.string(),
    buyer_id: z.string().nullable(),
    email: z.string().nullable(),
    status: z.enum(orderStatuses),
    mode: z.enum(['payment', 'subscription']),
    rail: z.enum(['card', 'wallet']),
    amount: z.number().int().openapi({ description: 'Minor units.' }),
    currency: z.string(),
    term_days: z.number().int().nullable(),
    refunded_amount: z.number().int(),
    ref_code: z.string().nullable(),
    slot_id: z.string().nullable(),
    paid_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('Order')
export type OrderJson = z.infer<typeof orderSchema>

export const orderPageSchema = pageSchema(orderSchema, 'OrderPage')

export const listOrdersQuery = listQuery.extend({
  status: z.enum(orderStatuses).optional(),
  offer_id: z.string().max(64).optional(),
})
export type ListOrdersQuery = z.infer<typeof listOrdersQuery>

export const refundInputSchema = z
  .object({
    amount: z.number().int().min(1).optional().openapi({
      description: 'Minor units to refund; default all that is not yet refunded.',
    }),
  })
  .openapi('RefundInput')
export type RefundInput = z.infer<typeof refundInputSchema>

export const refundSchema = z
  .object({
    order_id: z.string(),
    refund_id: z.string(),
    status: z.string().nullable().openapi({ description: "Stripe's refund status, e.g. `succeeded`." }),
  })
  .openapi('Refund')
export type RefundJson = z.infer<typeof refundSchema>

// Members

export const memberEntitlementSchema = z
  .object({
    id: z.string(),
    offer_id: z.string(),
    state: z.enum(entitlementStates),
    source: z.enum(entitlementSources),
    source_id: z.string().openapi({
      description:
        'The order id, Stripe subscription id, or audit log id (admin grants) the access comes from.',
    }),
    starts_at: z.string(),
    ends_at: z.string().nullable(),
    grace_ends_at: z.string().nullable(),
  })
  .openapi('MemberEntitlement')
export type MemberEntitlementJson = z.infer<typeof memberEntitlementSchema>

export const memberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    entitlements: z.array(memberEntitlementSchema),
  })
  .openapi('Member')
export type MemberJson = z.infer<typeof memberSchema>

export const memberPageSchema = pageSchema(memberSchema, 'MemberPage')

export const listMembersQuery = listQuery.extend({
  email: z
    .string()
    .max(320)
    .transform(normaliseEmail)
    .optional()
    .openapi({ description: 'Exact email; trimmed and lower-cased before matching.' }),
  offer_id: z.string().max(64).optional().openapi({
    description: 'Only members holding an entitlement to this offer (with `state`: one in that state).',
  }),
  state: z
    .enum(entitlementStates)
    .optional()
    .openapi({
      description:
        'Only members holding an entitlement in this stored state (with `offer_id`: to that offer). The ' +
        'listed entitlements are still all of the member’s.',
    }),
})
export type ListMembersQuery = z.infer<typeof listMembersQuery>

export const grantInputSchema = z
  .object({
    offer_id: z.string().max(64),
    ends_at: isoDateTime.nullish().openapi({ description: 'When access ends; null or absent = for good.' }),
    note: z.string().max(1000).optional().openapi({ description: 'Kept in the audit log.' }),
  })
  .openapi('GrantInput')
export type GrantInput = z.infer<typeof grantInputSchema>

// Subscriptions

export const changeTierInputSchema = z
  .object({
    offer_id: z.string().max(64).openapi({ description: 'The live tier to move to.' }),
    price_id: z.string().max(64).optional().openapi({
      description: "A monthly or yearly price of that tier; default: the one at the subscription's interval.",
    }),
  })
  .openapi('ChangeTierInput')

export const tierChangeSchema = z
  .object({
    subscription_id: z.string(),
    change: z.enum(['upgrade', 'downgrade', 'cancel_downgrade']).openapi({
      description:
        'upgrade (or a same-rank move): now, the prorated difference invoiced at once; downgrade: at the period ' +
        'end, billed from the next renewal; cancel_downgrade: the waiting downgrade is dropped.',
    }),
    offer_id: z.string().openapi({ description: 'The tier access follows now.' }),
    pending_offer_id: z
      .string()
      .nullable()
      .openapi({ description: 'A downgrade waiting for the period end.' }),
    effective_at: z.string(),
  })
  .openapi('TierChange')

/**
 * The dashboard API's shapes: revenue by month, the overview, the audit log and the CSV exports. Validated by
 * zod and documented by OpenAPI from the same schemas.
 */

import { z } from '@hono/zod-openapi'
import { listQuery, pageSchema } from '../lib/openapi'
import { monthPattern } from './calendar-months'

/** The widest revenue report, so one request cannot ask the database for decades of months. */
export const maxRevenueMonths = 60

const month = z.string().regex(monthPattern, 'must be a month as YYYY-MM')

export const revenueQuery = z.object({
  from: month.optional().openapi({
    example: '2026-01',
    description: 'First month, YYYY-MM, in your time zone; default 11 months before `to`.',
  }),
  to: month.optional().openapi({
    example: '2026-12',
    description: 'Last month (included); default 11 months after `from`, or the current month.',
  }),
})
export type RevenueQuery = z.infer<typeof revenueQuery>

const moneyFigures = {
  gross: z.number().int().openapi({ description: 'Minor units paid: one-time orders and paid invoices.' }),
  refunds: z.number().int().openapi({ description: 'Minor units refunded in this period.' }),
  net: z.number().int().openapi({ description: '`gross - refunds`; negative when refunds exceed payments.' }),
  count: z.number().int().openapi({ description: 'Payments of more than zero counted in `gross`.' }),
}

export const revenueRowSchema = z
  .object({
    month: z.string().openapi({ example: '2026-11' }),
    offer_id: z.string(),
    offer_title: z.string().nullable(),
    currency: z.string().openapi({ example: 'CNY' }),
    ...moneyFigures,
  })
  .openapi('RevenueRow')
export type RevenueRowJson = z.infer<typeof revenueRowSchema>

export const currencyRevenueSchema = z
  .object({ currency: z.string().openapi({ example: 'CNY' }), ...moneyFigures })
  .openapi('CurrencyRevenue')
export type CurrencyRevenueJson = z.infer<typeof currencyRevenueSchema>

export const revenueSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    time_zone: z.string().openapi({ description: 'Your time zone; months are its calendar months.' }),
    data: z.array(revenueRowSchema).openapi({
      description:
        'One row per month, offer and currency that had a payment or a refund; oldest month first.',
    }),
    totals: z.array(currencyRevenueSchema).openapi({ description: 'The whole range, per currency.' }),
  })
  .openapi('Revenue')
export type RevenueJson = z.infer<typeof revenueSchema>

export const renewalSchema = z
  .object({
    kind: z.enum(['subscription', 'pass']),
    member_id: z.string(),
    email: z.string(),
    offer_id: z.string(),
    offer_title: z.string().nullable(),
    source_id: z.string().openapi({ description: 'The Stripe subscription id, or the order id of a pass.' }),
    due_at: z.string().openapi({ description: 'Period end (subscription) or the end of the pass.' }),
  })
  .openapi('Renewal')
export type RenewalJson = z.infer<typeof renewalSchema>

export const overviewSchema = z
  .object({
    as_of: z.string(),
    time_zone: z.string(),
    active_members: z.number().int().openapi({
      description: 'Members with at least one entitlement active or in grace now.',
    }),
    renewals_due_30d: z.object({
      count: z.number().int(),
      subscriptions: z.number().int(),
      passes: z.number().int(),
      next: z.array(renewalSchema).openapi({ description: 'The five soonest.' }),
    }),
    churn_30d: z.object({
      members_30d_ago: z.number().int().openapi({ description: 'Members who had access 30 days ago.' }),
      lost: z.number().int().openapi({ description: 'Of those, members without access now.' }),
      rate: z.number().nullable().openapi({ description: '`lost / members_30d_ago`; null when none.' }),
    }),
    revenue_this_month: z.object({
      month: z.string(),
      data: z.array(currencyRevenueSchema),
    }),
  })
  .openapi('Overview')
export type OverviewJson = z.infer<typeof overviewSchema>

export const auditEntrySchema = z
  .object({
    id: z.string(),
    actor_type: z.string().openapi({ description: '`api_key`, `creator`, `admin` or `system`.' }),
    actor_id: z.string().nullable(),
    action: z.string().openapi({ example: 'entitlement.grant' }),
    subject_type: z.string(),
    subject_id: z.string(),
    detail: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .openapi('AuditEntry')
export type AuditEntryJson = z.infer<typeof auditEntrySchema>

export const auditPageSchema = pageSchema(auditEntrySchema, 'AuditPage')

export const auditLogQuery = listQuery.extend({
  action: z.string().max(100).optional().openapi({ example: 'entitlement.grant' }),
  subject_type: z.string().max(64).optional().openapi({ example: 'entitlement' }),
  subject_id: z.string().max(64).optional(),
})
export type AuditLogQuery = z.infer<typeof auditLogQuery>

export const exportKinds = ['members', 'orders', 'entitlements'] as const
export type ExportKind = (typeof exportKinds)[number]

/** The documented body of an export: CSV text. */
export const csvBodySchema = z.string().openapi({
  description:
    'UTF-8 CSV with a byte order mark, a header row and CRLF line ends (RFC 4180). ' +
    "Text cells starting with =, +, -, @, tab or CR are prefixed with ' so spreadsheets do not run them.",
})

/**
 * The dashboard API's shapes: revenue by month, the overview, the audit log and the CSV exports. Validated by
 * zod and documented by OpenAPI from the same schemas.
 */

import { documented, listQuery, named, pageSchema } from '../lib/openapi'
import * as z from '../lib/zod'
import { monthPattern } from './calendar-months'

/** The widest revenue report, so one request cannot ask the database for decades of months. */
export const maxRevenueMonths = 60

const month = z.string().check(z.regex(monthPattern, 'must be a month as YYYY-MM'))

export const revenueQuery = z.object({
  from: z.optional(
    documented(month, {
      example: '2026-01',
      description: 'First month, YYYY-MM, in your time zone; default 11 months before `to`.',
    }),
  ),
  to: z.optional(
    documented(month, {
      example: '2026-12',
      description: 'Last month (included); default 11 months after `from`, or the current month.',
    }),
  ),
})
export type RevenueQuery = z.infer<typeof revenueQuery>

const moneyFigures = {
  gross: documented(z.int(), { description: 'Minor units paid: one-time orders and paid invoices.' }),
  refunds: documented(z.int(), { description: 'Minor units refunded in this period.' }),
  net: documented(z.int(), { description: '`gross - refunds`; negative when refunds exceed payments.' }),
  count: documented(z.int(), { description: 'Payments of more than zero counted in `gross`.' }),
}

export const revenueRowSchema = named(
  z.object({
    month: documented(z.string(), { example: '2026-11' }),
    offer_id: z.string(),
    offer_title: z.nullable(z.string()),
    currency: documented(z.string(), { example: 'CNY' }),
    ...moneyFigures,
  }),
  'RevenueRow',
)
export type RevenueRowJson = z.infer<typeof revenueRowSchema>

export const currencyRevenueSchema = named(
  z.object({ currency: documented(z.string(), { example: 'CNY' }), ...moneyFigures }),
  'CurrencyRevenue',
)
export type CurrencyRevenueJson = z.infer<typeof currencyRevenueSchema>

export const revenueSchema = named(
  z.object({
    from: z.string(),
    to: z.string(),
    time_zone: documented(z.string(), { description: 'Your time zone; months are its calendar months.' }),
    data: documented(z.array(revenueRowSchema), {
      description:
        'One row per month, offer and currency that had a payment or a refund; oldest month first.',
    }),
    totals: documented(z.array(currencyRevenueSchema), { description: 'The whole range, per currency.' }),
  }),
  'Revenue',
)
export type RevenueJson = z.infer<typeof revenueSchema>

export const renewalSchema = named(
  z.object({
    kind: z.enum(['subscription', 'pass']),
    member_id: z.string(),
    email: z.string(),
    offer_id: z.string(),
    offer_title: z.nullable(z.string()),
    source_id: documented(z.string(), {
      description: 'The Stripe subscription id, or the order id of a pass.',
    }),
    due_at: documented(z.string(), { description: 'Period end (subscription) or the end of the pass.' }),
  }),
  'Renewal',
)
export type RenewalJson = z.infer<typeof renewalSchema>

export const overviewSchema = named(
  z.object({
    as_of: z.string(),
    time_zone: z.string(),
    active_members: documented(z.int(), {
      description: 'Members with at least one entitlement active or in grace now.',
    }),
    renewals_due_30d: z.object({
      count: z.int(),
      subscriptions: z.int(),
      passes: z.int(),
      next: documented(z.array(renewalSchema), { description: 'The five soonest.' }),
    }),
    churn_30d: z.object({
      members_30d_ago: documented(z.int(), { description: 'Members who had access 30 days ago.' }),
      lost: documented(z.int(), { description: 'Of those, members without access now.' }),
      rate: z.nullable(documented(z.number(), { description: '`lost / members_30d_ago`; null when none.' })),
    }),
    revenue_this_month: z.object({
      month: z.string(),
      data: z.array(currencyRevenueSchema),
    }),
  }),
  'Overview',
)
export type OverviewJson = z.infer<typeof overviewSchema>

export const auditEntrySchema = named(
  z.object({
    id: z.string(),
    actor_type: documented(z.string(), { description: '`api_key`, `creator`, `admin` or `system`.' }),
    actor_id: z.nullable(z.string()),
    action: documented(z.string(), { example: 'entitlement.grant' }),
    subject_type: z.string(),
    subject_id: z.string(),
    detail: z.record(z.string(), z.unknown()),
    at: z.string(),
  }),
  'AuditEntry',
)
export type AuditEntryJson = z.infer<typeof auditEntrySchema>

export const auditPageSchema = pageSchema(auditEntrySchema, 'AuditPage')

export const auditLogQuery = z.extend(listQuery, {
  action: z.optional(documented(z.string().check(z.maxLength(100)), { example: 'entitlement.grant' })),
  subject_type: z.optional(documented(z.string().check(z.maxLength(64)), { example: 'entitlement' })),
  subject_id: z.optional(z.string().check(z.maxLength(64))),
})
export type AuditLogQuery = z.infer<typeof auditLogQuery>

export const exportKinds = ['members', 'orders', 'entitlements'] as const
export type ExportKind = (typeof exportKinds)[number]

/** The documented body of an export: CSV text. */
export const csvBodySchema = documented(z.string(), {
  description:
    'UTF-8 CSV with a byte order mark, a header row and CRLF line ends (RFC 4180). ' +
    "Text cells starting with =, +, -, @, tab or CR are prefixed with ' so spreadsheets do not run them.",
})

/**
 * Revenue as one SQL statement, shared by the revenue report and the overview. What each figure includes:
 *
 * - gross: money that was paid, in the month it was paid.
 *   - One-time orders (courses, groups, consultations, tier passes): `orders` in `payment` mode that were
 *     paid (status paid, refunded or disputed), their `amount` at `paid_at`.
 *   - Card subscriptions: every `invoice.paid` event in the ledger, its `amount_paid` at the event's time —
 *     the first invoice (`subscription_create`), renewals, and the prorated invoice of an upgrade.
 *     Subscription-mode orders are not counted: the first invoice is that order's payment, and it says what
 *     was really charged (0 during a trial, less with a coupon), where the order only holds the list price.
 * - refunds: money given back, in the month Stripe refunded it: each `charge.refunded` event adds its
 *   charge's `amount_refunded` minus the largest amount an earlier event about that charge reported (the
 *   field is cumulative), attributed to the order or invoice the charge paid for. A refund can fall in a
 *   later month than its payment, so a month's `net` can be negative.
 * - net: gross − refunds. Disputes are not subtracted: the money is withheld, not returned, and may come back
 *   when the dispute is won (the order's status shows it).
 * - count: payments of more than zero in `gross`.
 *
 * Offers: an invoice belongs to the tier its subscription's metadata names when it was paid (a downgrade
 * waiting in `pending_offer_id` counts from the period it takes effect), as access does (billing's
 * `effectiveTier`); a tier that is not this creator's falls back to the order's offer. Currencies are never
 * summed together. Every part is scoped to the creator through `orders.creator_id`: invoices via their
 * subscription's `order_id` metadata, refunds via the order or invoice their PaymentIntent paid.
 *
 * A refund of a subscription charge is found through its PaymentIntent: the `invoice_payment.paid` event names
 * the invoice that PaymentIntent paid (Stripe's link since API 2025-03-31.basil, where invoices lost their
 * `payment_intent`), and an invoice from an older API version names it itself. Either way the refund counts
 * once, for the invoice's tier. Until the `invoice_payment.paid` event has arrived, a subscription refund is not
 * yet counted (it cannot be placed); the report is right again once it is in the ledger.
 */
import { type SQL, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import { type MonthBounds, monthPattern } from './calendar-months'

export type RevenueGrouping = 'month-offer' | 'currency'

export interface RevenueSqlRow {
  month: string | null
  offer_id: string | null
  offer_title: string | null
  currency: string
  gross: number
  refunds: number
  count: number
}

/** An invoice's subscription metadata: where API 2025-03-31+ puts it, else the legacy place, else a line's. */
const invoiceMetadata = sql`coalesce(
  json_extract(e.payload, '$.data.object.parent.subscription_details.metadata'),
  json_extract(e.payload, '$.data.object.subscription_details.metadata'),
  json_extract(e.payload, '$.data.object.lines.data[0].metadata'))`

/**
 * `invoice.paid` facts of this creator's subscriptions matching `where` (on ledger row `e`), each with its
 * tier (see above). One row per invoice, even if Stripe's event was stored under two ids.
 */
function paidInvoices(creatorId: string, where: SQL) {
  return sql`select i.at, i.invoice_id, i.currency, i.amount,
      coalesce((select f.id from offers f where f.creator_id = ${creatorId} and f.kind = 'tier' and f.id =
        case when coalesce(json_extract(i.md, '$.pending_offer_id'), '') != ''
            and cast(json_extract(i.md, '$.pending_from') as integer) <= i.period_start
          then json_extract(i.md, '$.pending_offer_id')
          else json_extract(i.md, '$.offer_id') end), o.offer_id) as offer_id
    from (
      select e.created_at as at, e.object_id as invoice_id,
        upper(json_extract(e.payload, '$.data.object.currency')) as currency,
        coalesce(json_extract(e.payload, '$.data.object.amount_paid'), 0) as amount,
        json_extract(e.payload, '$.data.object.lines.data[0].period.start') as period_start,
        ${invoiceMetadata} as md
      from stripe_events e
      where e.type = 'invoice.paid' and ${where}
        and not exists (select 1 from stripe_events d
          where d.object_id = e.object_id and d.type = 'invoice.paid' and d.id < e.id)
    ) i
    join orders o on o.id = json_extract(i.md, '$.order_id')
      and o.creator_id = ${creatorId} and o.mode = 'subscription'`
}

/**
 * Gross, refunds and count per month, offer and currency (`month-offer`), or per currency over the whole
 * range (`currency`), for `months` (contiguous, oldest first). Rows with neither payments nor refunds are
 * left out.
 */
export function revenueStatement(
  db: Deps['db'],
  creatorId: string,
  months: MonthBounds[],
  grouping: RevenueGrouping,
) {
  return db.all<RevenueSqlRow>(revenueSql(creatorId, months, grouping))
}

/** The statement `revenueStatement` runs (exported so tests can count its bound parameters). */
export function revenueSql(creatorId: string, months: MonthBounds[], grouping: RevenueGrouping): SQL {
  const first = months[0]
  const last = months.at(-1)
  if (!first || !last) throw new Error('revenueStatement needs at least one month')
  const startAt = first.startAt
  const endAt = last.endAt
  // Written into the statement rather than bound: D1 allows 100 bound parameters per statement, and 60 months
  // would need 180. Safe to inline: checked here to be YYYY-MM and integers computed by calendar-months.ts.
  const monthValues = sql.raw(
    months
      .map((bounds) => {
        if (!monthPattern.test(bounds.month) || ![bounds.startAt, bounds.endAt].every(Number.isSafeInteger))
          throw new Error(`not a month: ${JSON.stringify(bounds)}`)
        return `('${bounds.month}', ${bounds.startAt}, ${bounds.endAt})`
      })
      .join(', '),
  )
  const inRange = sql`e.created_at >= ${startAt} and e.created_at < ${endAt}`
  const refundedInvoices = sql`e.object_id in (select invoice_id from invoice_refunds)`
  const select =
    grouping === 'month-offer'
      ? sql`select m.month, p.offer_id, f.title as offer_title, p.currency,
            sum(p.gross) as gross, sum(p.refunds) as refunds, sum(p.n) as count
          from payments p
          join months m on p.at >= m.start_at and p.at < m.end_at
          left join offers f on f.id = p.offer_id and f.creator_id = ${creatorId}
          group by m.month, p.offer_id, f.title, p.currency
          having sum(p.gross) != 0 or sum(p.refunds) != 0
          order by m.month, p.offer_id, p.currency`
      : sql`select null as month, null as offer_id, null as offer_title, p.currency,
            sum(p.gross) as gross, sum(p.refunds) as refunds, sum(p.n) as count
          from payments p
          group by p.currency
          having sum(p.gross) != 0 or sum(p.refunds) != 0
          order by p.currency`
  return sql`with months(month, start_at, end_at) as (values ${monthValues}),
    refund_events as (
      select e.id as event_id, e.created_at as at, e.payment_intent_id,
        max(0, coalesce(json_extract(e.payload, '$.data.object.amount_refunded'), 0) - coalesce((
          select max(json_extract(prior.payload, '$.data.object.amount_refunded')) from stripe_events prior
          where prior.object_id = e.object_id and prior.type = 'charge.refunded'
            and (prior.created_at < e.created_at or (prior.created_at = e.created_at and prior.id < e.id))
        ), 0)) as amount
      from stripe_events e
      where e.type = 'charge.refunded' and ${inRange}
    ),
    -- Refunds of subscription charges, by invoice: through the invoice payment that names the PaymentIntent, or
    -- through a pre-2025-03-31 invoice that names it itself. A union keeps one row per refund event and invoice.
    invoice_refunds(event_id, at, invoice_id, amount) as (
      select r.event_id, r.at, json_extract(p.payload, '$.data.object.invoice'), r.amount
      from refund_events r
      join stripe_events p on p.payment_intent_id = r.payment_intent_id and p.type = 'invoice_payment.paid'
      where r.amount > 0
      union
      select r.event_id, r.at, v.object_id, r.amount
      from refund_events r
      join stripe_events v on v.payment_intent_id = r.payment_intent_id and v.type = 'invoice.paid'
      where r.amount > 0
    ),
    payments(at, offer_id, currency, gross, refunds, n) as (
      select o.paid_at, o.offer_id, o.currency, o.amount, 0, o.amount > 0
      from orders o
      where o.creator_id = ${creatorId} and o.mode = 'payment'
        and o.status in ('paid', 'refunded', 'disputed') and o.paid_at >= ${startAt} and o.paid_at < ${endAt}
      union all
      select i.at, i.offer_id, i.currency, i.amount, 0, i.amount > 0
      from (${paidInvoices(creatorId, inRange)}) i
      union all
      select r.at, o.offer_id, o.currency, 0, r.amount, 0
      from refund_events r
      join orders o on o.payment_intent_id = r.payment_intent_id
        and o.creator_id = ${creatorId} and o.mode = 'payment'
      where r.amount > 0
      union all
      select r.at, i.offer_id, i.currency, 0, r.amount, 0
      from invoice_refunds r
      join (${paidInvoices(creatorId, refundedInvoices)}) i on i.invoice_id = r.invoice_id
    )
    ${select}`
}

/** Numbers from the database as integers (SQLite sums of integers are integers; be strict anyway). */
export function revenueFigures(row: Pick<RevenueSqlRow, 'gross' | 'refunds' | 'count'>) {
  const gross = Number(row.gross)
  const refunds = Number(row.refunds)
  return { gross, refunds, net: gross - refunds, count: Number(row.count) }
}

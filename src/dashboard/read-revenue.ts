/**
 * The revenue report: per calendar month (in the creator's time zone), offer and currency, what was paid,
 * refunded and kept. What each figure includes is written down in revenue-query.ts. One round trip.
 */
import type { Deps } from '../deps'
import { validationFailed } from '../lib/problem'
import { addMonths, type MonthKey, monthOf, monthRange, monthSpan } from './calendar-months'
import type { CurrencyRevenueJson, RevenueJson, RevenueQuery, RevenueRowJson } from './dashboard-schemas'
import { maxRevenueMonths } from './dashboard-schemas'
import { revenueFigures, revenueStatement } from './revenue-query'

export interface DashboardScope {
  creatorId: string
  /** IANA zone whose calendar months the figures use (the creator's `time_zone`). */
  timeZone: string
}

/** The months asked for: default the last 12 including the current one; refuses reversed or huge ranges. */
export function revenueRange(
  query: RevenueQuery,
  now: number,
  timeZone: string,
): { from: MonthKey; to: MonthKey } {
  const to = query.to ?? (query.from ? addMonths(query.from, 11) : monthOf(now, timeZone))
  const from = query.from ?? addMonths(to, -11)
  const span = monthSpan(from, to)
  if (span < 1) throw validationFailed([{ path: 'from', message: 'must not be after `to`' }])
  if (span > maxRevenueMonths)
    throw validationFailed([
      { path: 'from', message: `the range may span at most ${maxRevenueMonths} months` },
    ])
  return { from, to }
}

/** Sums rows of one currency; currencies are kept apart, never added together. */
export function totalsByCurrency(rows: Omit<RevenueRowJson, 'month' | 'offer_id' | 'offer_title'>[]) {
  const totals = new Map<string, CurrencyRevenueJson>()
  for (const row of rows) {
    const total = totals.get(row.currency) ?? {
      currency: row.currency,
      gross: 0,
      refunds: 0,
      net: 0,
      count: 0,
    }
    total.gross += row.gross
    total.refunds += row.refunds
    total.net += row.net
    total.count += row.count
    totals.set(row.currency, total)
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency))
}

export async function readRevenue(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: DashboardScope,
  query: RevenueQuery,
): Promise<RevenueJson> {
  const { from, to } = revenueRange(query, clock.now(), scope.timeZone)
  const rows = await revenueStatement(
    db,
    scope.creatorId,
    monthRange(from, to, scope.timeZone),
    'month-offer',
  )
  const data = rows.map(
    (row): RevenueRowJson => ({
      month: row.month ?? '',
      offer_id: row.offer_id ?? '',
      offer_title: row.offer_title,
      currency: row.currency,
      ...revenueFigures(row),
    }),
  )
  return { from, to, time_zone: scope.timeZone, data, totals: totalsByCurrency(data) }
}

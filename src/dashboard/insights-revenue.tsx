/**
 * The revenue page (`/dashboard/revenue`): the same report as `GET /api/v1/stats/revenue` (one verb,
 * read-revenue.ts), summed per month and currency, drawn as one SVG bar chart per currency with the exact
 * figures in a table beneath it, a from/to month form, and the CSV exports. Currencies are never added together.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { formatMoney } from '../lib/money'
import { validationProblem } from '../lib/openapi'
import { addMonths, monthSpan } from './calendar-months'
import { type CurrencyRevenueJson, type RevenueJson, revenueQuery } from './dashboard-schemas'
import { BarChart, type BarPoint } from './insights-chart'
import { insightMessagesFor } from './insights-messages'
import { readRevenue } from './read-revenue'
import { type CreatorPage, creatorPage, DashboardShell, signInPath } from './shell'

export interface MonthFigures {
  month: string
  gross: number
  refunds: number
  net: number
  count: number
}

/**
 * Pure: the report's rows (per month, offer and currency) as one series per currency with every month of the
 * range, oldest first; a month without payments or refunds has zeros.
 */
export function monthlySeries(
  report: Pick<RevenueJson, 'from' | 'to' | 'data'>,
): Map<string, MonthFigures[]> {
  const months = Array.from({ length: Math.max(0, monthSpan(report.from, report.to)) }, (_, index) =>
    addMonths(report.from, index),
  )
  const series = new Map<string, MonthFigures[]>()
  for (const row of report.data) {
    let list = series.get(row.currency)
    if (!list) {
      list = months.map((month) => ({ month, gross: 0, refunds: 0, net: 0, count: 0 }))
      series.set(row.currency, list)
    }
    const figures = list.find((entry) => entry.month === row.month)
    if (!figures) continue
    figures.gross += row.gross
    figures.refunds += row.refunds
    figures.net += row.net
    figures.count += row.count
  }
  return new Map([...series.entries()].sort(([a], [b]) => a.localeCompare(b)))
}

function CurrencyReport(props: {
  currency: string
  months: MonthFigures[]
  total: CurrencyRevenueJson | undefined
  report: RevenueJson
  locale: CreatorPage['creator']['locale']
}) {
  const { currency, months, locale } = props
  const t = insightMessagesFor(locale).revenue
  const money = (amount: number) => formatMoney(amount, currency, locale)
  const withData = months.filter((entry) => entry.gross !== 0 || entry.refunds !== 0)
  const points: BarPoint[] = months.map((entry) => ({
    label: entry.month,
    tick: entry.month.slice(2),
    value: entry.net,
    text: money(entry.net),
  }))
  return (
    <section data-currency={currency}>
      <h2>{t.chartTitle(currency)}</h2>
      <div class="table-wrap">
        <BarChart
          points={points}
          summary={t.chartSummary(
            currency,
            props.report.from,
            props.report.to,
            money(props.total?.net ?? 0),
            withData.length,
          )}
        />
      </div>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t.month}</th>
              <th scope="col">{t.gross}</th>
              <th scope="col">{t.refunds}</th>
              <th scope="col">{t.net}</th>
              <th scope="col">{t.count}</th>
            </tr>
          </thead>
          <tbody>
            {withData.map((entry) => (
              <tr data-month={entry.month}>
                <th scope="row">{entry.month}</th>
                <td class="amount">{money(entry.gross)}</td>
                <td class="amount">{money(entry.refunds)}</td>
                <td class="amount" data-net={entry.net}>
                  {money(entry.net)}
                </td>
                <td>{entry.count}</td>
              </tr>
            ))}
          </tbody>
          {props.total ? (
            <tfoot>
              <tr data-total={currency}>
                <th scope="row">{t.totals}</th>
                <td class="amount">{money(props.total.gross)}</td>
                <td class="amount">{money(props.total.refunds)}</td>
                <td class="amount" data-net={props.total.net}>
                  {money(props.total.net)}
                </td>
                <td>{props.total.count}</td>
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
    </section>
  )
}

function RevenuePage(props: { page: CreatorPage; report: RevenueJson }) {
  const { creator } = props.page
  const { report } = props
  const i = insightMessagesFor(creator.locale)
  const t = i.revenue
  const series = monthlySeries(report)
  return (
    <DashboardShell page={props.page} section="revenue" title={t.title}>
      <form method="get" action="/dashboard/revenue" class="filters">
        <label>
          {t.from}
          <input type="month" name="from" value={report.from} pattern="\d{4}-\d{2}" />
        </label>
        <label>
          {t.to}
          <input type="month" name="to" value={report.to} pattern="\d{4}-\d{2}" />
        </label>
        <p>
          <button type="submit" class="button">
            {t.show}
          </button>
        </p>
      </form>
      <p class="muted">{t.timeZone(report.time_zone)}</p>
      {series.size === 0 ? <p class="muted">{t.noData}</p> : null}
      {[...series.entries()].map(([currency, months]) => (
        <CurrencyReport
          currency={currency}
          months={months}
          total={report.totals.find((total) => total.currency === currency)}
          report={report}
          locale={creator.locale}
        />
      ))}
      <h2>{t.exports}</h2>
      <p class="buy">
        <a class="button secondary" href="/api/v1/exports/members.csv">
          {t.members}
        </a>
        <a class="button secondary" href="/api/v1/exports/orders.csv">
          {t.orders}
        </a>
        <a class="button secondary" href="/api/v1/exports/entitlements.csv">
          {t.entitlements}
        </a>
      </p>
      <p>
        <a href="/dashboard/bookings">{i.members.bookingsLink}</a>
      </p>
    </DashboardShell>
  )
}

export function revenueInsightPages(deps: Deps) {
  return new Hono<AppEnv>().get('/dashboard/revenue', async (c) => {
    const page = await creatorPage(deps, c)
    if (!page) return c.redirect(signInPath(c.req.path), 303)
    // An empty month field means "default", as in the API when the parameter is absent.
    const present = Object.fromEntries(
      Object.entries(c.req.query()).filter(([, value]) => value.trim() !== ''),
    )
    const parsed = revenueQuery.safeParse(present)
    if (!parsed.success) throw validationProblem(parsed.error)
    const report = await readRevenue(
      deps,
      { creatorId: page.creator.id, timeZone: page.creator.timeZone },
      parsed.data,
    )
    c.header('Cache-Control', 'private, no-store')
    return c.html(<RevenuePage page={page} report={report} />)
  })
}

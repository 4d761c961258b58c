/**
 * The creator's dashboard page (`/dashboard`, signed in as a creator by magic link): the headline figures and
 * the exports. The figures come from the same verb as `GET /api/v1/stats/overview`; the export links are the
 * API's CSV routes, which accept the creator's session cookie as well as an API key.
 */

import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { formatMoney } from '../lib/money'
import { messagesFor } from '../web/i18n'
import type { OverviewJson } from './dashboard-schemas'
import { readOverview } from './read-overview'
import { type CreatorPage, creatorPage, DashboardShell, signInPath } from './shell'

function OverviewPage(props: { page: CreatorPage; overview: OverviewJson }) {
  const { creator } = props.page
  const t = messagesFor(creator.locale)
  const d = t.dashboard
  const { overview } = props
  const rate = overview.churn_30d.rate
  return (
    <DashboardShell page={props.page} section="overview" title={d.title}>
      <ul class="offers">
        <li class="card">
          <h3>{d.activeMembers}</h3>
          <p class="amount" data-figure="active-members">
            {overview.active_members}
          </p>
        </li>
        <li class="card">
          <h3>{d.renewalsDue}</h3>
          <p class="amount" data-figure="renewals-due">
            {overview.renewals_due_30d.count}
          </p>
        </li>
        <li class="card">
          <h3>{d.churn}</h3>
          <p class="amount" data-figure="churn">
            {rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`}
          </p>
        </li>
        <li class="card">
          <h3>{d.revenueThisMonth}</h3>
          {overview.revenue_this_month.data.length ? (
            overview.revenue_this_month.data.map((row) => (
              <p class="amount" data-figure={`revenue-${row.currency}`}>
                {formatMoney(row.net, row.currency, creator.locale)}
              </p>
            ))
          ) : (
            <p class="muted">{d.noRevenue}</p>
          )}
        </li>
      </ul>
      <h2>{d.exports}</h2>
      <p class="buy">
        <a class="button secondary" href="/api/v1/exports/members.csv">
          {d.members}
        </a>
        <a class="button secondary" href="/api/v1/exports/orders.csv">
          {d.orders}
        </a>
        <a class="button secondary" href="/api/v1/exports/entitlements.csv">
          {d.entitlements}
        </a>
      </p>
      <p>
        <a href="/openapi.json">{d.api}</a>
      </p>
    </DashboardShell>
  )
}

export function dashboardPages(deps: Deps) {
  return new Hono<AppEnv>().get('/dashboard', async (c) => {
    const page = await creatorPage(deps, c)
    if (!page) return c.redirect(signInPath('/dashboard'), 303)
    const overview = await readOverview(deps, { creatorId: page.creator.id, timeZone: page.creator.timeZone })
    c.header('Cache-Control', 'private, no-store')
    return c.html(<OverviewPage page={page} overview={overview} />)
  })
}

/**
 * The creator's dashboard page (`/dashboard`, signed in as a creator by magic link): the headline figures and
 * the exports. The figures come from the same verb as `GET /api/v1/stats/overview`; the export links are the
 * API's CSV routes, which accept the creator's session cookie as well as an API key.
 */

import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { csrfToken } from '../accounts/csrf'
import { readViewer, sessionFrom } from '../accounts/sessions'
import type { AppEnv } from '../app-env'
import { creators, type Locale } from '../db/schema'
import type { Deps } from '../deps'
import { formatMoney } from '../lib/money'
import { messagesFor } from '../web/i18n'
import { Layout } from '../web/layout'
import type { OverviewJson } from './dashboard-schemas'
import { readOverview } from './read-overview'

function DashboardPage(props: {
  name: string
  slug: string
  locale: Locale
  overview: OverviewJson
  csrf: string
}) {
  const t = messagesFor(props.locale)
  const d = t.dashboard
  const { overview } = props
  const rate = overview.churn_30d.rate
  return (
    <Layout title={`${d.title} · ${props.name}`} lang={props.locale}>
      <p class="muted">
        {props.name} ·{' '}
        <form method="post" action="/logout" class="inline">
          <input type="hidden" name="csrf" value={props.csrf} />
          <button type="submit" class="button secondary">
            {t.auth.signOut}
          </button>
        </form>
      </p>
      <h1>{d.title}</h1>
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
                {formatMoney(row.net, row.currency, props.locale)}
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
        <a href={`/c/${props.slug}`}>{d.storefront}</a> · <a href="/openapi.json">{d.api}</a>
      </p>
    </Layout>
  )
}

export function dashboardPages(deps: Deps) {
  return new Hono<AppEnv>().get('/dashboard', async (c) => {
    const session = await sessionFrom(c)
    const viewer = session ? await readViewer(deps, c) : null
    if (!session || viewer?.role !== 'creator') return c.redirect('/login?as=creator&next=/dashboard', 303)
    const [creator] = await deps.db.select().from(creators).where(eq(creators.id, viewer.creatorId))
    if (!creator) return c.redirect('/login?as=creator&next=/dashboard', 303)
    const overview = await readOverview(deps, { creatorId: creator.id, timeZone: creator.timeZone })
    c.header('Cache-Control', 'private, no-store')
    return c.html(
      <DashboardPage
        name={creator.name}
        slug={creator.slug}
        locale={creator.locale}
        overview={overview}
        csrf={await csrfToken(deps.config, session.value)}
      />,
    )
  })
}

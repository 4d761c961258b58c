/**
 * The dashboard's headline figures, in one round trip (one batch of independent reads):
 *
 * - active_members: distinct buyers with an entitlement that gives access now — state active or grace,
 *   started, and not yet ended (a pass past its end whose state was not yet lapsed does not count; access
 *   rules agree).
 * - renewals_due_30d: money or access that comes up within 30 days: card subscriptions (active or trialing,
 *   not set to cancel) whose period ends then, and tier passes (order-sourced tier entitlements) ending then,
 *   unless the same member already holds that tier beyond it (a second pass or a subscription).
 * - churn_30d: members who had access 30 days ago — read from entitlement history, the state each entitlement
 *   had then — and of those, how many have none now. New members since are not in it.
 * - revenue_this_month: the current calendar month (creator's time zone) per currency, as the revenue report
 *   counts it (revenue-query.ts).
 */
import { and, countDistinct, eq, sql } from 'drizzle-orm'
import { countsAtSql } from '../access/access-query'
import { entitlements } from '../db/schema'
import type { Deps } from '../deps'
import { dayMs, toIso } from '../lib/time'
import { monthOf, monthRange } from './calendar-months'
import type { OverviewJson, RenewalJson } from './dashboard-schemas'
import type { DashboardScope } from './read-revenue'
import { revenueFigures, revenueStatement } from './revenue-query'

const windowMs = 30 * dayMs
const nextRenewals = 5

interface RenewalRow {
  kind: RenewalJson['kind']
  buyer_id: string
  email: string
  offer_id: string
  offer_title: string | null
  source_id: string
  at: number
}

/** What comes up for renewal in `(now, now + 30 days]`, as an SQL subquery. */
function renewalsDue(creatorId: string, now: number) {
  const horizon = now + windowMs
  return sql`select 'subscription' as kind, s.buyer_id, s.offer_id, s.stripe_subscription_id as source_id,
      s.current_period_end_at as at
    from subscriptions s
    where s.creator_id = ${creatorId} and s.status in ('active', 'trialing') and s.cancel_at_period_end = 0
      and s.current_period_end_at > ${now} and s.current_period_end_at <= ${horizon}
    union all
    select 'pass', e.buyer_id, e.offer_id, e.source_id, e.ends_at
    from entitlements e
    join offers f on f.id = e.offer_id and f.kind = 'tier'
    where e.creator_id = ${creatorId} and e.source = 'order' and e.state = 'active'
      and e.ends_at > ${now} and e.ends_at <= ${horizon}
      and not exists (select 1 from entitlements later
        where later.buyer_id = e.buyer_id and later.offer_id = e.offer_id and later.creator_id = ${creatorId}
          and later.id != e.id and later.state in ('active', 'grace')
          and (later.ends_at is null or later.ends_at > e.ends_at))`
}

/** Buyers with access at `then` (from history) and how many of them have none at `now`. */
function churnStatement(db: Deps['db'], creatorId: string, now: number) {
  const then = now - windowMs
  return db.all<{ had: number; lost: number }>(sql`with had as (
      select distinct e.buyer_id from entitlements e
      where e.creator_id = ${creatorId} and e.starts_at <= ${then}
        and exists (select 1 from entitlement_changes c
          where c.rowid = (select latest.rowid from entitlement_changes latest
              where latest.entitlement_id = e.id and latest.at <= ${then}
              order by latest.at desc, latest.rowid desc limit 1)
            and c.state_after in ('active', 'grace')
            and (c.ends_at_after is null or c.ends_at_after > ${then}))
    ),
    has as (
      select distinct buyer_id from entitlements
      where creator_id = ${creatorId} and ${countsAtSql(now)}
    )
    select (select count(*) from had) as had,
      (select count(*) from had where buyer_id not in (select buyer_id from has)) as lost`)
}

export async function readOverview(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: DashboardScope,
): Promise<OverviewJson> {
  const now = clock.now()
  const { creatorId, timeZone } = scope
  const month = monthOf(now, timeZone)
  const due = renewalsDue(creatorId, now)
  const [active, renewalCounts, renewals, churn, revenue] = await db.batch([
    db
      .select({ count: countDistinct(entitlements.buyerId) })
      .from(entitlements)
      .where(and(eq(entitlements.creatorId, creatorId), countsAtSql(now))),
    db.all<{ kind: RenewalJson['kind']; count: number }>(
      sql`select due.kind, count(*) as count from (${due}) due group by due.kind`,
    ),
    db.all<RenewalRow>(sql`select due.kind, due.buyer_id, b.email, due.offer_id, f.title as offer_title,
        due.source_id, due.at
      from (${due}) due
      join buyers b on b.id = due.buyer_id
      left join offers f on f.id = due.offer_id
      order by due.at, due.source_id
      limit ${nextRenewals}`),
    churnStatement(db, creatorId, now),
    revenueStatement(db, creatorId, monthRange(month, month, timeZone), 'currency'),
  ])
  const countOf = (kind: RenewalJson['kind']) =>
    Number(renewalCounts.find((row) => row.kind === kind)?.count ?? 0)
  const had = Number(churn[0]?.had ?? 0)
  const lost = Number(churn[0]?.lost ?? 0)
  return {
    as_of: toIso(now) ?? '',
    time_zone: timeZone,
    active_members: Number(active[0]?.count ?? 0),
    renewals_due_30d: {
      count: countOf('subscription') + countOf('pass'),
      subscriptions: countOf('subscription'),
      passes: countOf('pass'),
      next: renewals.map((row) => ({
        kind: row.kind,
        member_id: row.buyer_id,
        email: row.email,
        offer_id: row.offer_id,
        offer_title: row.offer_title,
        source_id: row.source_id,
        due_at: toIso(Number(row.at)) ?? '',
      })),
    },
    churn_30d: {
      members_30d_ago: had,
      lost,
      rate: had === 0 ? null : Math.round((lost / had) * 10_000) / 10_000,
    },
    revenue_this_month: {
      month,
      data: revenue.map((row) => ({ currency: row.currency, ...revenueFigures(row) })),
    },
  }
}

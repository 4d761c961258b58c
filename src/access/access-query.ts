/**
 * The reads behind the access rules, as batch items rather than awaited queries: a gated page puts them into
 * its own `db.batch` beside its content query, so deciding access costs no extra round trip.
 *
 * @example
 * // A lesson page: its content and the access data, one round trip.
 * const [lessonRows, ...accessRows] = await db.batch([
 *   selectLesson(db, lessonId),
 *   ...accessQueries(db, { buyerId: session?.buyerId ?? null, creatorId }),
 * ])
 * const access = accessFrom(accessRows, { buyerId: session?.buyerId ?? null, now: clock.now() })
 * const decision = lessonDecision(lessonRows[0], access)
 */
import { and, asc, eq, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { entitlements, groupMembers, groups, offers, prices } from '../db/schema'
import { type Access, resolveAccess } from './access-rules'

export interface AccessScope {
  /**
   * The signed-in buyer, or null when signed out. May be SQL (the session's buyer as a subquery,
   * `accounts/sessions.ts viewerBuyerId`), so a page reads its viewer in the same round trip.
   */
  buyerId: string | SQL | null
  /** The creator's id, or SQL for it (e.g. by slug), for the same reason. */
  creatorId: string | SQL
}

/** Matches no row: a signed-out visitor holds nothing, and asking costs no extra statement or round trip. */
const nothing: SQL = sql`0 = 1`

/** The buyer's entitlements with this creator (all states: a refused page says why), oldest first. */
function selectHeld(db: Db, scope: AccessScope) {
  return db
    .select({
      id: entitlements.id,
      offerId: entitlements.offerId,
      state: entitlements.state,
      startsAt: entitlements.startsAt,
      endsAt: entitlements.endsAt,
      graceEndsAt: entitlements.graceEndsAt,
      source: entitlements.source,
      sourceId: entitlements.sourceId,
    })
    .from(entitlements)
    .where(
      and(
        eq(entitlements.creatorId, scope.creatorId),
        scope.buyerId === null ? nothing : eq(entitlements.buyerId, scope.buyerId),
      ),
    )
    .orderBy(asc(entitlements.startsAt), asc(entitlements.id))
}

/**
 * Every offer of the creator (any kind and status: an archived tier still serves its holders) with its active
 * prices and, for tiers, its benefit rows, in display order. One SQL statement: drizzle's relational query
 * aggregates the prices and benefits as JSON. Public columns only, so a page may show any of it.
 */
function selectCatalog(db: Db, creatorId: string | SQL) {
  return db.query.offers.findMany({
    where: eq(offers.creatorId, creatorId),
    columns: { id: true, kind: true, status: true, rank: true, slug: true, title: true, position: true },
    with: {
      prices: {
        where: eq(prices.active, true),
        columns: { id: true, amount: true, currency: true, interval: true, termDays: true },
        orderBy: [asc(prices.createdAt), asc(prices.id)],
      },
      benefits: { columns: { tierOfferId: true, includedOfferId: true } },
    },
    orderBy: [asc(offers.position), asc(offers.createdAt), asc(offers.id)],
  })
}

/**
 * The batch items `accessFrom` needs, not awaited: spread them at the END of your own `db.batch([...])` and pass
 * the results that follow yours to `accessFrom`. Signed out (`buyerId` null) sends the same statements, the
 * entitlement one matching nothing.
 */
export function accessQueries(db: Db, scope: AccessScope) {
  return [selectHeld(db, scope), selectCatalog(db, scope.creatorId)] as const
}

type AccessQueries = ReturnType<typeof accessQueries>

/** What `db.batch` answers for `accessQueries`, in the same order. */
export type AccessResults = readonly [Awaited<AccessQueries[0]>, Awaited<AccessQueries[1]>]

/** One of the creator's offers as `accessFrom` keeps it: enough for the rules and for a buy button. */
export type CatalogOffer = AccessResults[1][number]

/** One of the buyer's entitlements with this creator, as read by `accessQueries`. */
export type HeldRow = AccessResults[0][number]

/**
 * Turns the results of `accessQueries` into the rules' view of one buyer at `now` (see `resolveAccess`). The
 * offers keep their slugs, titles and active prices, so a refusal's `buy` ids can be shown as buy buttons:
 * `access.offers.find((offer) => offer.id === id)`.
 */
export function accessFrom(
  results: AccessResults,
  { buyerId, now }: { buyerId: string | null; now: number },
): Access<CatalogOffer> {
  const [held, catalog] = results
  return resolveAccess({
    buyerId,
    held,
    offers: catalog,
    benefits: catalog.flatMap((offer) => offer.benefits),
    now,
  })
}

/**
 * The seats of the creator's groups (or of one group) for `groupDecision`: capacity, how many buyers are in
 * (status `member`), and whether this buyer is one of them. A batch item like `accessQueries`.
 */
export function groupSeatsQuery(db: Db, scope: AccessScope & { offerId?: string }) {
  const buyerIsMember =
    scope.buyerId === null
      ? sql<number>`0`
      : sql<number>`exists (select 1 from ${groupMembers} where ${groupMembers.offerId} = ${groups.offerId}
          and ${groupMembers.buyerId} = ${scope.buyerId} and ${groupMembers.status} = 'member')`
  return db
    .select({
      offerId: groups.offerId,
      capacity: groups.capacity,
      memberCount:
        sql<number>`(select count(*) from ${groupMembers} where ${groupMembers.offerId} = ${groups.offerId}
          and ${groupMembers.status} = 'member')`.mapWith(Number),
      alreadyMember: buyerIsMember.mapWith((value) => Number(value) === 1),
    })
    .from(groups)
    .where(
      and(
        eq(groups.creatorId, scope.creatorId),
        scope.offerId === undefined ? undefined : eq(groups.offerId, scope.offerId),
      ),
    )
}

/**
 * `entitlementCounts` (access-rules.ts) as SQL over an `entitlements` row, for aggregates that cannot load every
 * row (active members, exports). `alias` names the row in the surrounding query (`e` in `from entitlements e`).
 */
export function countsAtSql(now: number, alias = 'entitlements'): SQL {
  const e = sql.identifier(alias)
  return sql`(${e}.state in ('active', 'grace') and ${e}.starts_at <= ${now}
    and (${e}.ends_at is null or ${e}.ends_at > ${now})
    and (${e}.state != 'grace' or ${e}.grace_ends_at is null or ${e}.grace_ends_at > ${now}))`
}

/**
 * The reads behind the access rules, as ONE SQL column rather than awaited queries: a gated page selects it beside
 * its own content (or puts `accessQuery` into its batch), so deciding access costs no extra round trip and no
 * extra statement. The column is a JSON object `{ held, catalog }` built by SQLite and parsed once.
 *
 * @example
 * // A lesson page: its content and the access data, one statement.
 * const [row] = await db
 *   .select({ lesson: lessons, access: accessColumn({ buyerId, creatorId: lessons.creatorId }) })
 *   .from(lessons)
 *   .where(eq(lessons.id, lessonId))
 * const decision = lessonDecision(row.lesson, accessFrom(row.access, { buyerId, now: clock.now() }))
 */
import { and, eq, type SQL, type SQLWrapper, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { creators, type entitlements, groupMembers, groups, type offers, type prices } from '../db/schema'
import { type Access, resolveAccess } from './access-rules'

export interface AccessScope {
  /**
   * The signed-in buyer, or null when signed out. May be SQL (the session's buyer as a subquery,
   * `accounts/sessions.ts viewerBuyerId`), so a page reads its viewer in the same statement.
   */
  buyerId: string | SQLWrapper | null
  /** The creator's id, or SQL for it (a subquery by slug, or a column of the page's own row). */
  creatorId: string | SQLWrapper
}

type Entitlement = typeof entitlements.$inferSelect
type Offer = typeof offers.$inferSelect
type Price = typeof prices.$inferSelect

/** One of the buyer's entitlements with this creator (all states: a refused page says why). */
export type HeldRow = Pick<
  Entitlement,
  'id' | 'offerId' | 'state' | 'startsAt' | 'endsAt' | 'graceEndsAt' | 'source' | 'sourceId'
>

/**
 * One of the creator's offers (any kind and status: an archived tier still serves its holders) with its active
 * prices and, for tiers, its benefits. Public columns only, so a page may show any of it as a buy button.
 */
export interface CatalogOffer
  extends Pick<Offer, 'id' | 'kind' | 'status' | 'rank' | 'slug' | 'title' | 'position'> {
  prices: Pick<Price, 'id' | 'amount' | 'currency' | 'interval' | 'termDays'>[]
  benefits: { tierOfferId: string; includedOfferId: string }[]
}

/** What the access column holds: the buyer's entitlements, oldest first, and the catalog in display order. */
export interface AccessData {
  held: HeldRow[]
  catalog: CatalogOffer[]
}

/** Matches no row: a signed-out visitor holds nothing, and asking costs nothing. */
const nothing: SQL = sql`0 = 1`

/** The buyer's entitlements with this creator as a JSON array, oldest first. */
function heldJson(scope: AccessScope): SQL {
  const buyer = scope.buyerId === null ? nothing : sql`e.buyer_id = ${scope.buyerId}`
  return sql`(select json_group_array(json_object('id', e.id, 'offerId', e.offer_id, 'state', e.state,
      'startsAt', e.starts_at, 'endsAt', e.ends_at, 'graceEndsAt', e.grace_ends_at, 'source', e.source,
      'sourceId', e.source_id) order by e.starts_at, e.id)
    from entitlements e where e.creator_id = ${scope.creatorId} and ${buyer})`
}

/**
 * The creator's offers as a JSON array in display order, each with its active prices (oldest first) and its
 * benefit rows. `json(...)` keeps a subquery's JSON as JSON rather than a string inside the object.
 */
function catalogJson(creatorId: string | SQLWrapper): SQL {
  return sql`(select json_group_array(json_object('id', o.id, 'kind', o.kind, 'status', o.status,
      'rank', o.rank, 'slug', o.slug, 'title', o.title, 'position', o.position,
      'prices', json((select json_group_array(json_object('id', p.id, 'amount', p.amount,
          'currency', p.currency, 'interval', p.interval, 'termDays', p.term_days) order by p.created_at, p.id)
        from prices p where p.offer_id = o.id and p.active = 1)),
      'benefits', json((select json_group_array(json_object('tierOfferId', b.tier_offer_id,
          'includedOfferId', b.included_offer_id) order by b.included_offer_id)
        from tier_benefits b where b.tier_offer_id = o.id))
    ) order by o.position, o.created_at, o.id)
    from offers o where o.creator_id = ${creatorId})`
}

/**
 * Parses the access column; the shapes are the ones `heldJson` and `catalogJson` build. `accessColumn` maps with
 * it; a statement read by position (library/content.ts) calls it on the column's raw value.
 */
export function parseAccess(value: unknown): AccessData {
  if (typeof value !== 'string') return { held: [], catalog: [] }
  return JSON.parse(value) as AccessData
}

/**
 * The access data of one buyer with one creator as a single column, for a page's own select. Signed out
 * (`buyerId` null) it holds no entitlements but still the catalog (for buy buttons).
 */
export function accessColumn(scope: AccessScope): SQL<AccessData> {
  return sql`json_object('held', json(${heldJson(scope)}), 'catalog', json(${catalogJson(scope.creatorId)}))`.mapWith(
    parseAccess,
  )
}

/**
 * `accessColumn` as a batch item of its own, for pages whose main read has many rows (one row: the creator's).
 * Pass its rows to `accessData`.
 */
export function accessQuery(db: Db, scope: AccessScope) {
  return db
    .select({ access: accessColumn({ buyerId: scope.buyerId, creatorId: creators.id }) })
    .from(creators)
    .where(eq(creators.id, scope.creatorId))
}

/** The result of `accessQuery`: empty when the creator does not exist. */
export function accessData(rows: readonly { access: AccessData }[]): AccessData {
  return rows[0]?.access ?? { held: [], catalog: [] }
}

/**
 * Turns access data into the rules' view of one buyer at `now` (see `resolveAccess`). The offers keep their
 * slugs, titles and active prices, so a refusal's `buy` ids can be shown as buy buttons:
 * `access.offers.find((offer) => offer.id === id)`.
 */
export function accessFrom(
  data: AccessData,
  { buyerId, now }: { buyerId: string | null; now: number },
): Access<CatalogOffer> {
  return resolveAccess({
    buyerId,
    held: data.held,
    offers: data.catalog,
    benefits: data.catalog.flatMap((offer) => offer.benefits),
    now,
  })
}

/**
 * The seats of the creator's groups (or of one group) for `groupDecision`: capacity, how many buyers are in
 * (status `member`), and whether this buyer is one of them. A batch item like `accessQueries`.
 */
export function groupSeatsQuery(db: Db, scope: AccessScope & { offerId?: string }) {
  // `false`, not `0`: D1 answers a batch's rows keyed by column name, and a column named `0` (a bare literal's
  // name) would be put first by JavaScript's key order, shifting every value after it (test:d1 caught it).
  const buyerIsMember =
    scope.buyerId === null
      ? sql<number>`false`
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

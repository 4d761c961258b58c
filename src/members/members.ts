/**
 * Member reads: a member is a buyer who holds or held an entitlement to one of this creator's offers. Buyers are
 * shared across creators, so every read goes through this creator's entitlements: a buyer with none here is
 * indistinguishable from an unknown id (404), and only this creator's entitlements are shown.
 */

import { and, asc, desc, eq, exists, inArray, lt, type SQLWrapper } from 'drizzle-orm'
import { buyers, entitlements } from '../db/schema'
import type { Deps } from '../deps'
import { type Page, toPage } from '../lib/pagination'
import { notFound } from '../lib/problem'
import { toIso } from '../lib/time'
import type { ListMembersQuery, MemberEntitlementJson, MemberJson } from './member-schemas'

type Scope = { creatorId: string }
type Db = Deps['db']

export function entitlementJson(row: typeof entitlements.$inferSelect): MemberEntitlementJson {
  return {
    id: row.id,
    offer_id: row.offerId,
    state: row.state,
    source: row.source,
    source_id: row.sourceId,
    starts_at: toIso(row.startsAt) ?? '',
    ends_at: toIso(row.endsAt),
    grace_ends_at: toIso(row.graceEndsAt),
  }
}

function memberJson(
  buyer: typeof buyers.$inferSelect,
  rows: (typeof entitlements.$inferSelect)[],
): MemberJson {
  return {
    id: buyer.id,
    email: buyer.email,
    name: buyer.name,
    entitlements: rows.filter((row) => row.buyerId === buyer.id).map(entitlementJson),
  }
}

/** SQL condition: the buyer holds or held an entitlement with this creator. */
export function isMemberOf(db: Db, scope: Scope) {
  return exists(
    db
      .select({ one: entitlements.id })
      .from(entitlements)
      .where(and(eq(entitlements.buyerId, buyers.id), eq(entitlements.creatorId, scope.creatorId))),
  )
}

/**
 * SQL condition: the buyer holds an entitlement with this creator to `offerId` and/or in `state`. Both on one
 * entitlement, so `offer_id` + `state=active` means "active on that offer", not "active on anything and once
 * bought that offer".
 */
function holdsEntitlement(db: Db, scope: Scope, filter: Pick<ListMembersQuery, 'offer_id' | 'state'>) {
  return exists(
    db
      .select({ one: entitlements.id })
      .from(entitlements)
      .where(
        and(
          eq(entitlements.buyerId, buyers.id),
          eq(entitlements.creatorId, scope.creatorId),
          filter.offer_id ? eq(entitlements.offerId, filter.offer_id) : undefined,
          filter.state ? eq(entitlements.state, filter.state) : undefined,
        ),
      ),
  )
}

/** This creator's entitlements of some buyers, oldest first. */
function entitlementsQuery(db: Db, scope: Scope, buyerIds: SQLWrapper | string[]) {
  return db
    .select()
    .from(entitlements)
    .where(and(eq(entitlements.creatorId, scope.creatorId), inArray(entitlements.buyerId, buyerIds)))
    .orderBy(asc(entitlements.id))
}

/**
 * `listMembers` as two batch items (the page's buyers, their entitlements) and the function that answers the page
 * from their rows: a page that shows the members beside other reads sends them all in one `db.batch`.
 */
export function membersPageRead(db: Db, scope: Scope, query: ListMembersQuery) {
  // Newest buyers first by id; the page's ids are one subquery, so the buyers and their entitlements go out
  // as one batch (one round trip) without a second query that waits for the first.
  const pageWhere = and(
    isMemberOf(db, scope),
    query.email ? eq(buyers.email, query.email) : undefined,
    query.offer_id || query.state ? holdsEntitlement(db, scope, query) : undefined,
    query.cursor ? lt(buyers.id, query.cursor) : undefined,
  )
  const pageIds = db
    .select({ id: buyers.id })
    .from(buyers)
    .where(pageWhere)
    .orderBy(desc(buyers.id))
    .limit(query.limit + 1)
  return {
    queries: [
      db
        .select()
        .from(buyers)
        .where(pageWhere)
        .orderBy(desc(buyers.id))
        .limit(query.limit + 1),
      entitlementsQuery(db, scope, pageIds),
    ] as const,
    answer: (
      rows: (typeof buyers.$inferSelect)[],
      held: (typeof entitlements.$inferSelect)[],
    ): Page<MemberJson> => toPage(rows, query.limit, (buyer) => memberJson(buyer, held)),
  }
}

export async function listMembers(
  { db }: Pick<Deps, 'db'>,
  scope: Scope,
  query: ListMembersQuery,
): Promise<Page<MemberJson>> {
  const read = membersPageRead(db, scope, query)
  return read.answer(...(await db.batch(read.queries)))
}

/** The buyer and this creator's entitlements of theirs: two batch items, for `memberOr404`. */
export function memberQueries(db: Db, scope: Scope, buyerId: string) {
  return [
    db.select().from(buyers).where(eq(buyers.id, buyerId)),
    entitlementsQuery(db, scope, [buyerId]),
  ] as const
}

/** The member `memberQueries` read, or a 404 when the buyer holds or held nothing with this creator. */
export function memberOr404(
  rows: (typeof buyers.$inferSelect)[],
  held: (typeof entitlements.$inferSelect)[],
  buyerId: string,
): MemberJson {
  const buyer = rows[0]
  if (!buyer || held.length === 0) throw notFound('member', buyerId)
  return memberJson(buyer, held)
}

export async function getMember(
  { db }: Pick<Deps, 'db'>,
  scope: Scope,
  buyerId: string,
): Promise<MemberJson> {
  const [rows, held] = await db.batch(memberQueries(db, scope, buyerId))
  return memberOr404(rows, held, buyerId)
}

/**
 * Every member of the creator as CSV rows: id, email, name, when they first became a member here (their first
 * entitlement to one of this creator's offers), and the offers they have access to now.
 */
import { and, asc, gt, sql } from 'drizzle-orm'
import { countsAtSql } from '../access/access-query'
import { buyers } from '../db/schema'
import type { Deps } from '../deps'
import { toIso } from '../lib/time'
import { isMemberOf } from '../members/members'
import type { CsvSource } from './csv-export'

interface MemberRow {
  id: string
  email: string
  name: string
  firstSeenAt: number | null
  /** JSON array of `{id, title}`, one per entitlement giving access now (an offer can repeat). */
  activeOffers: string | null
}

/** Distinct offers by id, ordered by title, from the JSON the query aggregates. */
export function activeOffersOf(json: string | null): { id: string; title: string }[] {
  const seen = new Map<string, string>()
  for (const offer of JSON.parse(json ?? '[]') as { id: string; title: string }[])
    seen.set(offer.id, offer.title)
  return [...seen]
    .map(([id, title]) => ({ id, title }))
    .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id))
}

export function exportMembers(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: { creatorId: string },
): CsvSource<MemberRow> {
  const now = clock.now()
  // Raw SQL with explicit aliases: inside a single-table select drizzle leaves column names unqualified,
  // which would be ambiguous in these subqueries.
  const ofThisMember = sql`e.buyer_id = "buyers"."id" and e.creator_id = ${scope.creatorId}`
  return {
    header: ['id', 'email', 'name', 'first_seen', 'active_offer_ids', 'active_offers'],
    page: (after, limit) =>
      db
        .select({
          id: buyers.id,
          email: buyers.email,
          name: buyers.name,
          firstSeenAt: sql<
            number | null
          >`(select min(e.created_at) from entitlements e where ${ofThisMember})`,
          activeOffers: sql<string | null>`(select json_group_array(json_object('id', f.id, 'title', f.title))
            from entitlements e join offers f on f.id = e.offer_id
            where ${ofThisMember} and ${countsAtSql(now, 'e')})`,
        })
        .from(buyers)
        .where(and(isMemberOf(db, scope), after ? gt(buyers.id, after) : undefined))
        .orderBy(asc(buyers.id))
        .limit(limit),
    cells: (row) => {
      const active = activeOffersOf(row.activeOffers)
      return [
        row.id,
        row.email,
        row.name,
        toIso(row.firstSeenAt),
        active.map((offer) => offer.id).join(' '),
        active.map((offer) => offer.title).join('; '),
      ]
    },
  }
}

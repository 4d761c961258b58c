/** Every entitlement to the creator's offers as CSV rows, with the member's email and the offer's title. */
import { and, asc, eq, gt } from 'drizzle-orm'
import { buyers, entitlements, offers } from '../db/schema'
import type { Deps } from '../deps'
import { toIso } from '../lib/time'
import type { CsvSource } from './csv-export'

export function exportEntitlements({ db }: Pick<Deps, 'db'>, scope: { creatorId: string }) {
  const source: CsvSource<{
    id: string
    email: string
    offerId: string
    offerTitle: string
    state: string
    source: string
    sourceId: string
    startsAt: number
    endsAt: number | null
  }> = {
    header: [
      'id',
      'member_email',
      'offer_id',
      'offer_title',
      'state',
      'source',
      'source_id',
      'starts_at',
      'ends_at',
    ],
    page: (after, limit) =>
      db
        .select({
          id: entitlements.id,
          email: buyers.email,
          offerId: entitlements.offerId,
          offerTitle: offers.title,
          state: entitlements.state,
          source: entitlements.source,
          sourceId: entitlements.sourceId,
          startsAt: entitlements.startsAt,
          endsAt: entitlements.endsAt,
        })
        .from(entitlements)
        .innerJoin(buyers, eq(buyers.id, entitlements.buyerId))
        .innerJoin(offers, eq(offers.id, entitlements.offerId))
        .where(
          and(eq(entitlements.creatorId, scope.creatorId), after ? gt(entitlements.id, after) : undefined),
        )
        .orderBy(asc(entitlements.id))
        .limit(limit),
    cells: (row) => [
      row.id,
      row.email,
      row.offerId,
      row.offerTitle,
      row.state,
      row.source,
      row.sourceId,
      toIso(row.startsAt),
      toIso(row.endsAt),
    ],
  }
  return source
}

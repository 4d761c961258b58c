/**
 * The statements that grant what one order bought: the entitlement (unique per order and offer) and its single
 * 'grant' history row. Shared by the purchase handler and by the dispute handler, which grants late when a
 * dispute that arrived before the purchase is won.
 */
import { type SQL, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { entitlements } from '../db/schema'
import type { Deps } from '../deps'
import { newId } from '../lib/ids'

export interface GrantInput {
  order: { id: string; creatorId: string; offerId: string }
  /** A buyer id, or an SQL subquery that finds it in the same batch. */
  buyerId: string | SQL
  startsAt: number
  endsAt: number | null
  causeId: string
  now: number
}

export function grantStatements(db: Deps['db'], input: GrantInput): BatchItem<'sqlite'>[] {
  const { order, now } = input
  return [
    db
      .insert(entitlements)
      .values({
        id: newId('entitlement', now),
        creatorId: order.creatorId,
        buyerId: input.buyerId,
        offerId: order.offerId,
        source: 'order',
        sourceId: order.id,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        state: 'active',
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing(),
    db.run(sql`insert into entitlement_changes (id, creator_id, entitlement_id, change, cause_type, cause_id,
        state_after, ends_at_after, at)
      select ${newId('entitlementChange', now)}, e.creator_id, e.id, 'grant', 'stripe_event', ${input.causeId},
        e.state, e.ends_at, ${now}
      from entitlements e
      where e.source = 'order' and e.source_id = ${order.id} and e.offer_id = ${order.offerId}
        and not exists (select 1 from entitlement_changes c where c.entitlement_id = e.id and c.change = 'grant')`),
  ]
}

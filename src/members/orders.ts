/**
 * Order reads for the creator: newest first, scoped by the creator so another creator's order is simply absent.
 */

import { and, desc, eq, lt } from 'drizzle-orm'
import { orders } from '../db/schema'
import type { Deps } from '../deps'
import { type Page, toPage } from '../lib/pagination'
import { toIso } from '../lib/time'
import type { ListOrdersQuery, OrderJson } from './member-schemas'

type Scope = { creatorId: string }

export function orderJson(row: typeof orders.$inferSelect): OrderJson {
  return {
    id: row.id,
    offer_id: row.offerId,
    price_id: row.priceId,
    buyer_id: row.buyerId,
    email: row.email,
    status: row.status,
    mode: row.mode,
    rail: row.rail,
    amount: row.amount,
    currency: row.currency,
    term_days: row.termDays,
    refunded_amount: row.refundedAmount,
    ref_code: row.refCode,
    slot_id: row.slotId,
    paid_at: toIso(row.paidAt),
    created_at: toIso(row.createdAt) ?? '',
  }
}

export async function listOrders(
  { db }: Pick<Deps, 'db'>,
  scope: Scope,
  query: ListOrdersQuery,
): Promise<Page<OrderJson>> {
  // Newest first; ids are time-sortable, so the last id of a page is the cursor for the next.
  const rows = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.creatorId, scope.creatorId),
        query.status ? eq(orders.status, query.status) : undefined,
        query.offer_id ? eq(orders.offerId, query.offer_id) : undefined,
        query.cursor ? lt(orders.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(orders.id))
    .limit(query.limit + 1)
  return toPage(rows, query.limit, orderJson)
}

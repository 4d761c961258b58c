/** Every order of the creator as CSV rows, with the same fields as the Order JSON, oldest first. */
import { and, asc, eq, gt } from 'drizzle-orm'
import { orders } from '../db/schema'
import type { Deps } from '../deps'
import type { OrderJson } from '../members/member-schemas'
import { orderJson } from '../members/orders'
import type { CsvSource } from './csv-export'

const orderColumns = [
  'id',
  'offer_id',
  'price_id',
  'buyer_id',
  'email',
  'status',
  'mode',
  'rail',
  'amount',
  'currency',
  'term_days',
  'refunded_amount',
  'ref_code',
  'slot_id',
  'paid_at',
  'created_at',
] as const satisfies readonly (keyof OrderJson)[]

export function exportOrders(
  { db }: Pick<Deps, 'db'>,
  scope: { creatorId: string },
): CsvSource<typeof orders.$inferSelect> {
  return {
    header: orderColumns,
    page: (after, limit) =>
      db
        .select()
        .from(orders)
        .where(and(eq(orders.creatorId, scope.creatorId), after ? gt(orders.id, after) : undefined))
        .orderBy(asc(orders.id))
        .limit(limit),
    cells: (row) => {
      const json = orderJson(row)
      return orderColumns.map((column) => json[column])
    },
  }
}

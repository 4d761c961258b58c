/**
 * A creator refunds (part of) a paid order through Stripe. Only the request and an audit row happen here: the
 * order and access change when Stripe's `charge.refunded` event arrives (billing/charge-events.ts), so a
 * refund made in the Stripe dashboard and one made here take the same path.
 */
import { and, eq, type SQLWrapper } from 'drizzle-orm'
import type { Db } from '../db/client'
import { auditLog, orders } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import {
  conflict,
  notFound,
  paymentProviderUnavailable,
  serviceUnavailable,
  validationFailed,
} from '../lib/problem'
import type { RefundInput, RefundJson } from './member-schemas'
import { memberOr404, memberQueries } from './members'

type Scope = { creatorId: string }
type OrderRow = typeof orders.$inferSelect

/**
 * This creator's order `orderId` (an id, or a subquery that yields one): `[]` for an unknown id and for another
 * creator's order alike. A batch item, so a caller can read the order beside what it reads anyway.
 */
export function orderQuery(db: Db, scope: Scope, orderId: string | SQLWrapper) {
  return db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.creatorId, scope.creatorId)))
}

/**
 * Checks that `order` (as read by `orderQuery`) can be refunded and asks Stripe to refund it. Answers the refund
 * and its audit row, which the caller writes: alone (`refundOrder`), or in the batch of the change the refund
 * belongs to (a cancelled booking).
 */
export async function requestRefund(
  { clock, stripe, logger }: Pick<Deps, 'clock' | 'stripe' | 'logger'>,
  scope: Scope,
  orderId: string,
  order: OrderRow | undefined,
  input: RefundInput,
  actor: Actor,
): Promise<{ refund: RefundJson; audit: typeof auditLog.$inferInsert }> {
  if (!order) throw notFound('order', orderId)
  if (order.status !== 'paid' || !order.paymentIntentId)
    throw conflict(`Order ${orderId} is ${order.status}; only paid orders can be refunded.`)
  const remaining = order.amount - order.refundedAmount
  if (input.amount !== undefined && input.amount > remaining)
    throw validationFailed([
      { path: 'amount', message: `must be at most ${remaining}, the unrefunded amount` },
    ])
  if (!stripe) throw serviceUnavailable('Refunds need Stripe, and no STRIPE_SECRET_KEY is configured.')

  let refund: Awaited<ReturnType<typeof stripe.refunds.create>>
  try {
    // The key makes a retried request (ours or the Stripe client's) one refund; the same amount again replays it.
    refund = await stripe.refunds.create(
      { payment_intent: order.paymentIntentId, ...(input.amount !== undefined && { amount: input.amount }) },
      { idempotencyKey: `refund-${orderId}-${input.amount ?? 'full'}` },
    )
  } catch (error) {
    logger.error('refund failed', { orderId, error })
    throw paymentProviderUnavailable(
      'Stripe did not accept the refund. Nothing was refunded; please try again in a moment.',
    )
  }

  const now = clock.now()
  const audit = auditRow({
    creatorId: scope.creatorId,
    actor,
    action: 'order.refund',
    subjectType: 'order',
    subjectId: orderId,
    detail: { refund_id: refund.id, amount: refund.amount, status: refund.status },
    at: now,
  })
  return { refund: { order_id: orderId, refund_id: refund.id, status: refund.status }, audit }
}

export async function refundOrder(
  deps: Pick<Deps, 'db' | 'clock' | 'stripe' | 'logger'>,
  scope: Scope,
  orderId: string,
  input: RefundInput,
  actor: Actor,
): Promise<RefundJson> {
  const { db } = deps
  const [order] = await orderQuery(db, scope, orderId)
  const { refund, audit } = await requestRefund(deps, scope, orderId, order, input, actor)
  await db.insert(auditLog).values(audit)
  return refund
}

/**
 * Refunds an order from a member's page: only an order behind one of this member's entitlements, so a hand-made
 * form cannot refund someone else's order through this member's page. The member and the order are read in one
 * round trip; then the refund goes as `refundOrder`'s.
 */
export async function refundMemberOrder(
  deps: Pick<Deps, 'db' | 'clock' | 'stripe' | 'logger'>,
  scope: Scope,
  buyerId: string,
  orderId: string,
  input: RefundInput,
  actor: Actor,
): Promise<RefundJson> {
  const { db } = deps
  const [buyerRows, held, orderRows] = await db.batch([
    ...memberQueries(db, scope, buyerId),
    orderQuery(db, scope, orderId),
  ])
  const member = memberOr404(buyerRows, held, buyerId)
  const behind = member.entitlements.some((e) => e.source === 'order' && e.source_id === orderId)
  if (!behind) throw notFound('order', orderId)
  const { refund, audit } = await requestRefund(deps, scope, orderId, orderRows[0], input, actor)
  await db.insert(auditLog).values(audit)
  return refund
}

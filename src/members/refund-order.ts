/**
 * A creator refunds (part of) a paid order through Stripe. Only the request and an audit row happen here: the
 * order and access change when Stripe's `charge.refunded` event arrives (billing/charge-events.ts), so a
 * refund made in the Stripe dashboard and one made here take the same path.
 */
import { and, eq } from 'drizzle-orm'
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

type Scope = { creatorId: string }

export async function refundOrder(
  { db, clock, stripe, logger }: Pick<Deps, 'db' | 'clock' | 'stripe' | 'logger'>,
  scope: Scope,
  orderId: string,
  input: RefundInput,
  actor: Actor,
): Promise<RefundJson> {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.creatorId, scope.creatorId)))
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
  await db.insert(auditLog).values(
    auditRow({
      creatorId: scope.creatorId,
      actor,
      action: 'order.refund',
      subjectType: 'order',
      subjectId: orderId,
      detail: { refund_id: refund.id, amount: refund.amount, status: refund.status },
      at: now,
    }),
  )
  return { order_id: orderId, refund_id: refund.id, status: refund.status }
}

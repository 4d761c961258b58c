/**
 * Card subscriptions: `customer.subscription.*`, `invoice.paid`, `invoice.payment_failed` and a subscription-mode
 * `checkout.session.completed` all mean "this subscription changed". Rather than trust the order events arrive
 * in, the handler re-reads the subscription from Stripe and writes what it says now, versioned by the time of
 * that read: a write only lands if no fresher read has been written (`stripe_object_at`), so a slow handler with a
 * stale read can never overwrite a newer state.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type Stripe from 'stripe'
import { preparedFor, writeBatch } from '../db/client'
import { buyers, creators, entitlements, offers, orders, stripeEvents, subscriptions } from '../db/schema'
import type { Deps } from '../deps'
import { normaliseEmail } from '../lib/email'
import { newId } from '../lib/ids'
import { type Handled, handled, ledgerRow, recordOnly } from './ledger'
import { applyPaidRenewal } from './renewal-events'
import {
  effectiveTier,
  type SubscriptionReference,
  subscriptionAccess,
  subscriptionIdOf,
} from './subscription-rules'

const seenQuery = preparedFor((db) =>
  db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, sql.placeholder('eventId')))
    .prepare(),
)

/**
 * One statement: the order, its creator's grace days, the tier (null columns when there is no such offer), and
 * which writes of the handler's batch are already done (see `settled`).
 */
const orderQuery = preparedFor((db) =>
  db
    .select({
      id: orders.id,
      creatorId: orders.creatorId,
      priceId: orders.priceId,
      email: orders.email,
      status: orders.status,
      graceDays: creators.graceDays,
      offerCreatorId: offers.creatorId,
      offerKind: offers.kind,
      tierHeld: sql`exists (select 1 from entitlements where source = 'subscription'
        and source_id = ${sql.placeholder('subscriptionId')} and offer_id = ${sql.placeholder('offerId')})`.mapWith(
        Boolean,
      ),
      buyerLinked: sql`exists (select 1 from buyers where email = ${sql.placeholder('email')}
        and stripe_customer_id is not null)`.mapWith(Boolean),
    })
    .from(orders)
    .leftJoin(creators, eq(creators.id, orders.creatorId))
    .leftJoin(offers, eq(offers.id, sql.placeholder('offerId')))
    .where(eq(orders.id, sql.placeholder('orderId')))
    .prepare(),
)

export async function handleSubscriptionEvent(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'stripe'>,
  event: Stripe.Event,
  via: string,
): Promise<Handled> {
  const { db, clock, stripe } = deps
  const subscriptionId = subscriptionIdOf(event.data.object as SubscriptionReference)
  const ignore = () => recordOnly(deps, event, via)
  // A routine renewal needs no Stripe read (renewal-events.ts).
  const renewal = event.type === 'invoice.paid' ? await applyPaidRenewal(deps, event, via) : null
  if (renewal && renewal !== 'unseen') return renewal
  // Before Stripe is asked: a redelivered (or reconciled) event costs no Stripe call and is answered even while
  // Stripe is down. Two deliveries racing past this check both write, and every write below is idempotent.
  const [seen] = renewal === 'unseen' ? [] : await seenQuery(db).all({ eventId: event.id })
  if (seen) return handled('duplicate')
  if (!subscriptionId || !stripe) return ignore()

  // The current truth, not the event's snapshot. A Stripe failure throws: the webhook answers 5xx and Stripe
  // retries later.
  const subscription = await stripe.subscriptions.retrieve(subscriptionId, { expand: ['customer'] })
  const readAt = clock.now()
  const orderId = subscription.metadata?.order_id ?? ''
  const item = subscription.items.data[0]
  if (!item) return ignore()
  // An upgrade moved `offer_id`; a scheduled downgrade takes over once its period has begun.
  const { offerId, pendingOfferId } = effectiveTier(subscription.metadata, item.current_period_start)
  if (!orderId || !offerId) return ignore()

  const customer = subscription.customer as Stripe.Customer | Stripe.DeletedCustomer | string
  const customerEmail = typeof customer === 'object' && !customer.deleted ? customer.email : null
  const customerId = typeof customer === 'string' ? customer : customer.id
  const stripeEmail = normaliseEmail(customerEmail ?? '')

  const [order] = await orderQuery(db).all({
    orderId,
    offerId,
    subscriptionId: subscription.id,
    email: stripeEmail,
  })
  // The tier may have changed since the order (an upgrade moves `offer_id`), but never to another creator's
  // offer or to something that is not a tier.
  if (!order || order.offerCreatorId !== order.creatorId || order.offerKind !== 'tier') return ignore()
  const email = normaliseEmail(customerEmail ?? order.email ?? '')
  if (!email) return ignore()

  const access = subscriptionAccess(
    {
      status: subscription.status,
      currentPeriodStart: item.current_period_start,
      currentPeriodEnd: item.current_period_end,
      endedAt: subscription.ended_at ?? null,
    },
    order.graceDays ?? 3,
  )
  // Writes the read shows to be no-ops are left out. That still holds when the batch runs, because each fact
  // only ever moves one way: orders never return to 'open', entitlements and buyers are never deleted, and a
  // buyer's Stripe customer id, once set, is never changed (only this handler sets it, and only when unset).
  const settled = {
    // Read by the customer's email; a buyer found by the order's email instead is not known to be linked.
    buyer: order.buyerLinked && email === stripeEmail,
    order: order.status !== 'open',
    entitlement: order.tierHeld,
  }
  const buyerId = sql`(select id from buyers where email = ${email})`
  // True only while our read is the newest written: guards every entitlement write below.
  const ours = sql`(select stripe_object_at from subscriptions where stripe_subscription_id = ${subscription.id}) = ${readAt}`

  const statements: BatchItem<'sqlite'>[] = [
    db
      .insert(stripeEvents)
      .values(ledgerRow(event, readAt, via))
      .onConflictDoNothing(),
  ]
  if (!settled.buyer)
    statements.push(
      // The buyer by email, with the Stripe customer id unless another buyer already holds it (a customer whose
      // email changed on Stripe's side): set on a new buyer, or on an existing one that has none yet.
      db
        .insert(buyers)
        .values({
          id: newId('buyer', readAt),
          email,
          stripeCustomerId: sql`(select case when exists (select 1 from buyers where stripe_customer_id = ${customerId})
            then null else ${customerId} end)`,
          createdAt: readAt,
          updatedAt: readAt,
        })
        .onConflictDoUpdate({
          target: buyers.email,
          set: { stripeCustomerId: sql`excluded.stripe_customer_id`, updatedAt: readAt },
          setWhere: sql`${buyers.stripeCustomerId} is null and excluded.stripe_customer_id is not null`,
        }),
    )
  statements.push(
    db
      .insert(subscriptions)
      .values({
        id: newId('subscription', readAt),
        creatorId: order.creatorId,
        buyerId,
        offerId,
        priceId: order.priceId,
        stripeSubscriptionId: subscription.id,
        status: subscription.status,
        currentPeriodEndAt: item.current_period_end * 1000,
        cancelAtPeriodEnd: subscription.cancel_at_period_end,
        pendingOfferId,
        stripeObjectAt: readAt,
        createdAt: readAt,
        updatedAt: readAt,
      })
      .onConflictDoUpdate({
        target: subscriptions.stripeSubscriptionId,
        set: {
          offerId,
          status: subscription.status,
          currentPeriodEndAt: item.current_period_end * 1000,
          cancelAtPeriodEnd: subscription.cancel_at_period_end,
          pendingOfferId,
          stripeObjectAt: readAt,
          updatedAt: readAt,
        },
        // Equal read times (same millisecond) both write: either read is current.
        setWhere: sql`${subscriptions.stripeObjectAt} <= ${readAt}`,
      }),
  )
  if (access.state !== null) {
    const { state, endsAt, graceEndsAt } = access
    if (!settled.order)
      statements.push(
        db
          .update(orders)
          .set({
            status: 'paid',
            buyerId,
            email,
            stripeSubscriptionId: subscription.id,
            paidAt: readAt,
            updatedAt: readAt,
          })
          .where(and(eq(orders.id, order.id), eq(orders.status, 'open'))),
      )
    if (!settled.entitlement)
      statements.push(
        db
          .insert(entitlements)
          .values({
            id: newId('entitlement', readAt),
            creatorId: order.creatorId,
            buyerId,
            offerId,
            source: 'subscription',
            sourceId: subscription.id,
            startsAt: readAt,
            endsAt,
            state,
            graceEndsAt,
            createdAt: readAt,
            updatedAt: readAt,
          })
          .onConflictDoNothing(),
      )
    // Then one pass over this subscription's entitlements, history first (it compares against the old values).
    // The tier's own entitlement takes the new state ('grant' the first time); a previous tier's that still
    // runs is moved: it lapses now (an upgrade, or a downgrade whose period has begun). One the creator revoked
    // stays revoked: Stripe's later news about the subscription (a renewal, a card change) does not undo it.
    statements.push(
      db.run(sql`insert or ignore into entitlement_changes (id, creator_id, entitlement_id, change, cause_type,
          cause_id, state_after, ends_at_after, at)
        select ${newId('entitlementChange', readAt)} || '_' || e.id, e.creator_id, e.id,
          case
            when e.offer_id != ${offerId} then 'move'
            when not exists (select 1 from entitlement_changes c where c.entitlement_id = e.id) then 'grant'
            when ${state} = 'active' and e.state = 'active' then 'extend'
            when ${state} = 'active' then 'restore'
            when ${state} = 'grace' then 'grace'
            else 'lapse'
          end,
          'stripe_event', ${event.id},
          case when e.offer_id = ${offerId} then ${state} else 'lapsed' end,
          case when e.offer_id = ${offerId} then ${endsAt} else ${readAt} end,
          ${readAt}
        from entitlements e
        where e.source = 'subscription' and e.source_id = ${subscription.id} and ${ours} and e.state != 'revoked'
          and case when e.offer_id = ${offerId}
            then e.state != ${state} or coalesce(e.ends_at, -1) != ${endsAt}
              or not exists (select 1 from entitlement_changes c where c.entitlement_id = e.id)
            else e.state in ('active', 'grace') end
        order by e.offer_id = ${offerId}`),
      db.run(sql`update entitlements set
          state = case when offer_id = ${offerId} then ${state} else 'lapsed' end,
          ends_at = case when offer_id = ${offerId} then ${endsAt} else ${readAt} end,
          grace_ends_at = case when offer_id = ${offerId} then ${graceEndsAt} else grace_ends_at end,
          updated_at = ${readAt}
        where source = 'subscription' and source_id = ${subscription.id} and ${ours} and state != 'revoked'
          and (offer_id = ${offerId} or state in ('active', 'grace'))`),
    )
  }
  await writeBatch(db, statements)
  return handled('processed')
}

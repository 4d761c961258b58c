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
import { writeBatch } from '../db/client'
import { buyers, creators, entitlements, offers, orders, stripeEvents, subscriptions } from '../db/schema'
import type { Deps } from '../deps'
import { normaliseEmail } from '../lib/email'
import { newId } from '../lib/ids'
import { type EventOutcome, ledgerRow, recordOnly } from './ledger'
import { effectiveTier, subscriptionAccess } from './subscription-rules'

/** The subscription an event is about, for subscription, invoice and session objects. */
function subscriptionIdOf(event: Stripe.Event): string | null {
  const object = event.data.object as {
    object?: string
    id?: string
    subscription?: string | { id: string } | null
    parent?: { subscription_details?: { subscription?: string | { id: string } | null } | null } | null
  }
  if (object.object === 'subscription') return object.id ?? null
  const ref = object.subscription ?? object.parent?.subscription_details?.subscription ?? null
  return typeof ref === 'string' ? ref : (ref?.id ?? null)
}

export async function handleSubscriptionEvent(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'stripe'>,
  event: Stripe.Event,
  via: string,
): Promise<EventOutcome> {
  const { db, clock, stripe } = deps
  const subscriptionId = subscriptionIdOf(event)
  const ignore = () => recordOnly(deps, event, via)
  const [seen] = await db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, event.id))
  if (seen) return 'duplicate'
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

  const [orderRows, creatorRows, offerRows] = await db.batch([
    db.select().from(orders).where(eq(orders.id, orderId)),
    db
      .select({ graceDays: creators.graceDays })
      .from(creators)
      .innerJoin(orders, eq(orders.creatorId, creators.id))
      .where(eq(orders.id, orderId)),
    db.select({ creatorId: offers.creatorId, kind: offers.kind }).from(offers).where(eq(offers.id, offerId)),
  ])
  const order = orderRows[0]
  const offer = offerRows[0]
  // The tier may have changed since the order (an upgrade moves `offer_id`), but never to another creator's
  // offer or to something that is not a tier.
  if (!order || !offer || offer.creatorId !== order.creatorId || offer.kind !== 'tier') return ignore()
  const customer = subscription.customer as Stripe.Customer | Stripe.DeletedCustomer | string
  const customerEmail = typeof customer === 'object' && !customer.deleted ? customer.email : null
  const customerId = typeof customer === 'string' ? customer : customer.id
  const email = normaliseEmail(customerEmail ?? order.email ?? '')
  if (!email) return ignore()

  const access = subscriptionAccess(
    {
      status: subscription.status,
      currentPeriodStart: item.current_period_start,
      currentPeriodEnd: item.current_period_end,
      endedAt: subscription.ended_at ?? null,
    },
    creatorRows[0]?.graceDays ?? 3,
  )
  const buyerId = sql`(select id from buyers where email = ${email})`
  // True only while our read is the newest written: guards every entitlement write below.
  const ours = sql`(select stripe_object_at from subscriptions where stripe_subscription_id = ${subscription.id}) = ${readAt}`

  const statements: BatchItem<'sqlite'>[] = [
    db
      .insert(stripeEvents)
      .values(ledgerRow(event, readAt, via))
      .onConflictDoNothing(),
    db
      .insert(buyers)
      .values({ id: newId('buyer', readAt), email, createdAt: readAt, updatedAt: readAt })
      .onConflictDoNothing({ target: buyers.email }),
    db.run(sql`update buyers set stripe_customer_id = ${customerId}, updated_at = ${readAt}
      where email = ${email} and stripe_customer_id is null
        and not exists (select 1 from buyers other where other.stripe_customer_id = ${customerId})`),
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
  ]
  if (access.state !== null) {
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
      // A tier change moves the grant: the previous tier's entitlement from this subscription ends now.
      db.run(sql`insert or ignore into entitlement_changes (id, creator_id, entitlement_id, change, cause_type,
          cause_id, state_after, ends_at_after, at)
        select ${newId('entitlementChange', readAt)} || '_' || e.id, e.creator_id, e.id, 'move', 'stripe_event',
          ${event.id}, 'lapsed', ${readAt}, ${readAt}
        from entitlements e
        where e.source = 'subscription' and e.source_id = ${subscription.id} and e.offer_id != ${offerId}
          and e.state in ('active', 'grace') and ${ours}`),
      db.run(sql`update entitlements set state = 'lapsed', ends_at = ${readAt}, updated_at = ${readAt}
        where source = 'subscription' and source_id = ${subscription.id} and offer_id != ${offerId}
          and state in ('active', 'grace') and ${ours}`),
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
          endsAt: access.endsAt,
          state: access.state,
          graceEndsAt: access.graceEndsAt,
          createdAt: readAt,
          updatedAt: readAt,
        })
        .onConflictDoNothing(),
      // History first (it compares against the old values), then the change itself.
      db.run(sql`insert or ignore into entitlement_changes (id, creator_id, entitlement_id, change, cause_type,
          cause_id, state_after, ends_at_after, at)
        select ${newId('entitlementChange', readAt)}, e.creator_id, e.id,
          case
            when not exists (select 1 from entitlement_changes c where c.entitlement_id = e.id) then 'grant'
            when ${access.state} = 'active' and e.state = 'active' then 'extend'
            when ${access.state} = 'active' then 'restore'
            when ${access.state} = 'grace' then 'grace'
            else 'lapse'
          end,
          'stripe_event', ${event.id}, ${access.state}, ${access.endsAt}, ${readAt}
        from entitlements e
        where e.source = 'subscription' and e.source_id = ${subscription.id} and e.offer_id = ${offerId}
          and ${ours}
          and (e.state != ${access.state} or coalesce(e.ends_at, -1) != ${access.endsAt}
            or not exists (select 1 from entitlement_changes c where c.entitlement_id = e.id))`),
      db
        .update(entitlements)
        .set({
          state: access.state,
          endsAt: access.endsAt,
          graceEndsAt: access.graceEndsAt,
          updatedAt: readAt,
        })
        .where(
          and(
            eq(entitlements.source, 'subscription'),
            eq(entitlements.sourceId, subscription.id),
            eq(entitlements.offerId, offerId),
            ours,
          ),
        ),
    )
  }
  await writeBatch(db, statements)
  return 'processed'
}

import Stripe from 'stripe'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { processStripeEvent } from '../../src/billing/process-event'
import type { Db } from '../../src/db/client'
import { orders } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { dayMs } from '../../src/lib/time'
import { consultationBody, courseBody, groupBody } from '../catalog/builders'
import { api, countRows, createTestContext, givenCreator, type TestContext } from '../helpers'

const secret = 'whsec_test_webhook_0123456789'
let ctx: TestContext
let key: string

beforeEach(async () => {
  ctx = await createTestContext({ STRIPE_WEBHOOK_SECRET: secret })
  key = (await givenCreator(ctx)).key
})

async function givenOrder(
  offerBody: Record<string, unknown>,
  overrides: Partial<typeof orders.$inferInsert> = {},
) {
  const offer = (await api(ctx, 'POST', '/api/v1/offers', { key, body: { ...offerBody, status: 'live' } }))
    .body
  const price = offer.prices[0]
  const now = ctx.clock.now()
  const order = {
    id: newId('order', now),
    creatorId: (await ctx.sql.execute('select id from creators limit 1')).rows[0]?.id as string,
    offerId: offer.id as string,
    priceId: price.id as string,
    mode: 'payment' as const,
    amount: price.amount as number,
    currency: price.currency as string,
    termDays: price.term_days as number | null,
    status: 'open' as const,
    expiresAt: now + 30 * 60_000,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  }
  await ctx.deps.db.insert(orders).values(order)
  return { order, offer }
}

/** A consultation order holding tomorrow's slot, as GET /buy leaves it. */
async function givenConsultationOrderHoldingSlot() {
  const { order } = await givenOrder(consultationBody())
  const slot = (
    await api(ctx, 'POST', `/api/v1/offers/${order.offerId}/slots`, {
      key,
      body: { slots: [{ starts_at: new Date(ctx.clock.now() + dayMs).toISOString() }] },
    })
  ).body.data[0]
  await ctx.sql.execute({
    sql: "update consultation_slots set status = 'held', order_id = ? where id = ?",
    args: [order.id, slot.id],
  })
  await ctx.sql.execute({ sql: 'update orders set slot_id = ? where id = ?', args: [slot.id, order.id] })
  return order
}

let sequence = 0
function sessionEvent(
  type: string,
  orderId: string,
  overrides: { payment_status?: string; email?: string; mode?: string } = {},
): Stripe.Event {
  sequence++
  return {
    id: `evt_test_${sequence}_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(ctx.clock.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: `cs_test_${orderId}`,
        object: 'checkout.session',
        mode: overrides.mode ?? 'payment',
        status: type === 'checkout.session.expired' ? 'expired' : 'complete',
        payment_status: overrides.payment_status ?? 'paid',
        client_reference_id: orderId,
        metadata: { order_id: orderId },
        customer_details: { email: overrides.email ?? 'Reader@Example.com' },
        payment_intent: `pi_${orderId}`,
      },
    },
  } as unknown as Stripe.Event
}

function post(event: Stripe.Event | string, headerOverride?: string) {
  const payload = typeof event === 'string' ? event : JSON.stringify(event)
  const header =
    headerOverride ??
    Stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      timestamp: Math.floor(ctx.clock.now() / 1000),
    })
  return ctx.app.request('/webhooks/stripe', {
    method: 'POST',
    headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    body: payload,
  })
}

async function entitlementsOf(email: string) {
  const result = await ctx.sql.execute({
    sql: `select e.* from entitlements e join buyers b on b.id = e.buyer_id where b.email = ? order by e.starts_at`,
    args: [email],
  })
  return result.rows
}

describe('POST /webhooks/stripe: happy', () => {
  it('grants a paid course once, creating the buyer by normalised email, with history', async () => {
    const { order } = await givenOrder(courseBody())
    const event = sessionEvent('checkout.session.completed', order.id)
    ctx.roundTrips.count = 0
    // A paid course queues its receipt in the same batch, and says so (the route then dispatches at once).
    expect(await processStripeEvent(ctx.deps, event, 'webhook')).toEqual({
      outcome: 'processed',
      mailQueued: true,
    })
    // One read batch (ledger, order, money facts, running access, receipt facts), one write batch.
    expect(ctx.roundTrips.count).toBe(2)
    const res = await post(event)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ received: true, outcome: 'duplicate' })
    const [entitlement] = await entitlementsOf('reader@example.com')
    expect(entitlement).toMatchObject({
      source: 'order',
      source_id: order.id,
      state: 'active',
      ends_at: null,
    })
    const saved = await ctx.sql.execute({
      sql: 'select status, buyer_id, email from orders where id = ?',
      args: [order.id],
    })
    expect(saved.rows[0]).toMatchObject({ status: 'paid', email: 'reader@example.com' })
    const changes = await ctx.sql.execute('select change, cause_id from entitlement_changes')
    expect(changes.rows).toEqual([expect.objectContaining({ change: 'grant', cause_id: event.id })])
  })

  it('treats a redelivered event as a no-op', async () => {
    const { order } = await givenOrder(courseBody())
    const event = sessionEvent('checkout.session.completed', order.id)
    await post(event)
    const again = await post(event)
    expect(await again.json()).toMatchObject({ outcome: 'duplicate' })
    expect(await countRows(ctx, 'entitlements')).toBe(1)
    expect(await countRows(ctx, 'entitlement_changes')).toBe(1)
    expect(await countRows(ctx, 'stripe_events')).toBe(1)
  })

  it('grants once when completed and async success race each other', async () => {
    const { order } = await givenOrder(courseBody())
    const results = await Promise.all([
      post(sessionEvent('checkout.session.completed', order.id)),
      post(sessionEvent('checkout.session.async_payment_succeeded', order.id)),
      post(sessionEvent('checkout.session.completed', order.id)),
    ])
    expect(results.map((res) => res.status)).toEqual([200, 200, 200])
    expect(await countRows(ctx, 'entitlements')).toBe(1)
    expect(await countRows(ctx, 'entitlement_changes')).toBe(1)
    expect(await countRows(ctx, 'buyers')).toBe(1)
  })

  it('waits for an async wallet payment, then grants', async () => {
    const { order } = await givenOrder(groupBody())
    await post(sessionEvent('checkout.session.completed', order.id, { payment_status: 'unpaid' }))
    expect(await countRows(ctx, 'entitlements')).toBe(0)
    await post(sessionEvent('checkout.session.async_payment_succeeded', order.id))
    const [entitlement] = await entitlementsOf('reader@example.com')
    expect(entitlement?.ends_at).toBe(ctx.clock.now() + 365 * dayMs)
  })

  it('extends a second pass from the end of the running one', async () => {
    const first = await givenOrder(groupBody())
    await post(sessionEvent('checkout.session.completed', first.order.id))
    ctx.clock.advance(100 * dayMs)
    const secondId = newId('order', ctx.clock.now())
    await ctx.deps.db.insert(orders).values({ ...first.order, id: secondId, status: 'open' })
    await post(sessionEvent('checkout.session.completed', secondId))
    const rows = await entitlementsOf('reader@example.com')
    expect(rows).toHaveLength(2)
    expect(rows[1]?.starts_at).toBe(rows[0]?.ends_at)
  })

  it('closes an expired order and frees its held slot; a later payment still wins', async () => {
    const order = await givenConsultationOrderHoldingSlot()
    await post(sessionEvent('checkout.session.expired', order.id, { payment_status: 'unpaid' }))
    const freed = await ctx.sql.execute('select status, order_id from consultation_slots')
    expect(freed.rows[0]).toMatchObject({ status: 'free', order_id: null })
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('expired')
    // Stripe delivered the expiry first, but the payment is the newer fact.
    await post(sessionEvent('checkout.session.async_payment_succeeded', order.id))
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('paid')
    expect(await countRows(ctx, 'entitlements')).toBe(1)
  })

  it('books the held slot when the consultation is paid', async () => {
    const order = await givenConsultationOrderHoldingSlot()
    await post(sessionEvent('checkout.session.completed', order.id))
    const booked = await ctx.sql.execute(
      'select s.status, b.email from consultation_slots s join buyers b on b.id = s.buyer_id',
    )
    expect(booked.rows[0]).toMatchObject({ status: 'booked', email: 'reader@example.com' })
  })

  it('records an unknown event type and answers 2xx', async () => {
    const event = {
      ...sessionEvent('checkout.session.completed', 'ord_x'),
      type: 'product.created',
    } as Stripe.Event
    const res = await post(event)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ outcome: 'ignored' })
    expect(await countRows(ctx, 'stripe_events')).toBe(1)
  })

  it('keeps the body Stripe signed in the ledger, byte for byte', async () => {
    const { order } = await givenOrder(courseBody())
    // Stripe's own payloads are pretty-printed; a re-serialised event would lose that (and key order, and more).
    const payload = JSON.stringify(sessionEvent('checkout.session.completed', order.id), null, 2)
    expect((await post(payload)).status).toBe(200)
    const { rows } = await ctx.sql.execute('select payload from stripe_events')
    expect(rows.map((row) => row.payload)).toEqual([payload])
  })
})

describe('POST /webhooks/stripe: mail right after the response', () => {
  it('sends the receipt a purchase queued without waiting for the next dispatcher run', async () => {
    const { order } = await givenOrder(courseBody())
    expect((await post(sessionEvent('checkout.session.completed', order.id))).status).toBe(200)
    await vi.waitFor(() => expect(ctx.mails.map((mail) => mail.to)).toEqual(['reader@example.com']))
  })

  it('leaves the outbox alone for an event that queued no mail', async () => {
    const { order } = await givenOrder(courseBody())
    await processStripeEvent(ctx.deps, sessionEvent('checkout.session.completed', order.id), 'webhook')
    // The receipt is queued but not sent (processStripeEvent does not dispatch); the refund queues nothing.
    expect(await countRows(ctx, 'mails')).toBe(1)
    ctx.roundTrips.count = 0
    expect((await post(fullRefund(order.id))).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 50))
    // The refund's own read and write batches, and no outbox read.
    expect(ctx.roundTrips.count).toBe(2)
    expect(ctx.mails).toEqual([])
    expect(await states()).toEqual(['revoked/refunded'])
  })
})

describe('POST /webhooks/stripe: security', () => {
  it('refuses missing, wrong, tampered and stale signatures with 400, writing nothing', async () => {
    const { order } = await givenOrder(courseBody())
    const event = sessionEvent('checkout.session.completed', order.id)
    const payload = JSON.stringify(event)
    const now = Math.floor(ctx.clock.now() / 1000)
    const attempts = [
      await ctx.app.request('/webhooks/stripe', { method: 'POST', body: payload }),
      await post(
        payload,
        Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other', timestamp: now }),
      ),
      await post(
        payload.replace('Reader@Example.com', 'thief@example.com'),
        Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: now }),
      ),
      await post(
        payload,
        Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: now - 301 }),
      ),
      await post(payload, 'garbage'),
    ]
    for (const [index, res] of attempts.entries()) {
      expect(res.status, `attempt ${index}`).toBe(400)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
    }
    expect(await countRows(ctx, 'stripe_events')).toBe(0)
    expect(await countRows(ctx, 'entitlements')).toBe(0)
    expect(await countRows(ctx, 'buyers')).toBe(0)
  })
})

describe('POST /webhooks/stripe: database failure', () => {
  it('answers 5xx with nothing half-written, and the retry applies the event', async () => {
    const { order } = await givenOrder(courseBody())
    const event = sessionEvent('checkout.session.completed', order.id)
    // Break the entitlement insert only: the ledger row, buyer and order update share its batch.
    await ctx.sql.execute(
      "create trigger fail_grant before insert on entitlements begin select raise(abort, 'disk on fire'); end",
    )
    const failed = await post(event)
    expect(failed.status).toBe(500)
    expect(await countRows(ctx, 'stripe_events')).toBe(0)
    expect(await countRows(ctx, 'buyers')).toBe(0)
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('open')
    expect(JSON.stringify(ctx.logger.lines)).toContain('disk on fire')
    await ctx.sql.execute('drop trigger fail_grant')
    const retried = await post(event)
    expect(retried.status).toBe(200)
    expect(await countRows(ctx, 'entitlements')).toBe(1)
  })
})

function chargeEvent(
  type: string,
  orderId: string,
  object: Record<string, unknown>,
  created?: number,
): Stripe.Event {
  sequence++
  return {
    id: `evt_charge_${sequence}_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: created ?? Math.floor(ctx.clock.now() / 1000) + sequence,
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: { payment_intent: `pi_${orderId}`, ...object } },
  } as unknown as Stripe.Event
}

const fullRefund = (orderId: string) =>
  chargeEvent('charge.refunded', orderId, {
    id: `ch_${orderId}`,
    amount: 19900,
    amount_refunded: 19900,
    refunded: true,
  })

async function states() {
  const rows = await ctx.sql.execute(
    'select e.state, o.status from entitlements e join orders o on o.id = e.source_id',
  )
  return rows.rows.map((row) => `${row.state}/${row.status}`)
}

describe('refunds and disputes', () => {
  it('revokes on a full refund, with history, and ignores a partial one', async () => {
    const { order } = await givenOrder(courseBody())
    await post(sessionEvent('checkout.session.completed', order.id))
    await post(chargeEvent('charge.refunded', order.id, { id: 'ch_1', amount: 19900, amount_refunded: 5000 }))
    expect(await states()).toEqual(['active/paid'])
    const refund = fullRefund(order.id)
    await post(refund)
    expect(await states()).toEqual(['revoked/refunded'])
    const history = await ctx.sql.execute(
      'select change, cause_id from entitlement_changes order by at, change',
    )
    expect(history.rows.map((row) => row.change)).toEqual(['grant', 'revoke'])
    expect(history.rows[1]?.cause_id).toBe(refund.id)
    expect((await ctx.sql.execute('select refunded_amount from orders')).rows[0]?.refunded_amount).toBe(19900)
  })

  it('remembers a refund that arrives before its purchase, so the late grant is not applied', async () => {
    const { order } = await givenOrder(courseBody())
    await post(fullRefund(order.id))
    await post(sessionEvent('checkout.session.completed', order.id))
    expect(await countRows(ctx, 'entitlements')).toBe(0)
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('refunded')
  })

  it('revokes on a dispute and restores when it is won, in either delivery order', async () => {
    for (const order of ['created-first', 'closed-first']) {
      const { order: row } = await givenOrder(courseBody({ slug: order }))
      await post(sessionEvent('checkout.session.completed', row.id))
      const created = chargeEvent(
        'charge.dispute.created',
        row.id,
        { id: `dp_${order}`, status: 'needs_response' },
        100,
      )
      const closed = chargeEvent('charge.dispute.closed', row.id, { id: `dp_${order}`, status: 'won' }, 200)
      const sequenceOfEvents = order === 'created-first' ? [created, closed] : [closed, created]
      await post(sequenceOfEvents[0] as Stripe.Event)
      await post(sequenceOfEvents[1] as Stripe.Event)
    }
    expect(await states()).toEqual(['active/paid', 'active/paid'])
  })

  it('grants late when a dispute that arrived before the purchase is won', async () => {
    const { order } = await givenOrder(courseBody())
    await post(
      chargeEvent('charge.dispute.created', order.id, { id: 'dp_early', status: 'needs_response' }, 100),
    )
    await post(sessionEvent('checkout.session.completed', order.id))
    expect(await countRows(ctx, 'entitlements')).toBe(0)
    await post(chargeEvent('charge.dispute.closed', order.id, { id: 'dp_early', status: 'won' }, 200))
    expect(await states()).toEqual(['active/paid'])
  })

  it('keeps access revoked when a dispute is lost', async () => {
    const { order } = await givenOrder(courseBody())
    await post(sessionEvent('checkout.session.completed', order.id))
    await post(chargeEvent('charge.dispute.created', order.id, { id: 'dp_1', status: 'needs_response' }))
    expect(await states()).toEqual(['revoked/disputed'])
    await post(chargeEvent('charge.dispute.closed', order.id, { id: 'dp_1', status: 'lost' }))
    expect(await states()).toEqual(['revoked/disputed'])
  })

  it('frees the slot of a fully refunded consultation', async () => {
    const order = await givenConsultationOrderHoldingSlot()
    await post(sessionEvent('checkout.session.completed', order.id))
    await post(
      chargeEvent('charge.refunded', order.id, {
        id: 'ch_1',
        amount: 50000,
        amount_refunded: 50000,
        refunded: true,
      }),
    )
    expect((await ctx.sql.execute('select status from consultation_slots')).rows[0]?.status).toBe('free')
  })
})

/**
 * A database whose `n`-th batch first waits for `meanwhile()`: a handler's read has happened, its write has
 * not, and another event is processed completely in between — the narrowest race two deliveries can have.
 */
function pausingBeforeBatch(db: Db, n: number, meanwhile: () => Promise<unknown>): Db {
  let batches = 0
  return new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (property === 'batch' && typeof value === 'function')
        return async (...args: unknown[]) => {
          batches++
          if (batches === n) await meanwhile()
          return value.apply(target, args)
        }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('refunds and purchases processed at the same instant', () => {
  it('a refund committed between a purchase read and its write is not overwritten by a grant', async () => {
    const { order } = await givenOrder(courseBody())
    let refundStatus = 0
    // The purchase handler's second batch is its write: the full refund lands just before it.
    const racing = pausingBeforeBatch(ctx.deps.db, 2, async () => {
      refundStatus = (await post(fullRefund(order.id))).status
    })
    const outcome = await processStripeEvent(
      { ...ctx.deps, db: racing },
      sessionEvent('checkout.session.completed', order.id),
      'webhook',
    )
    expect(refundStatus).toBe(200)
    expect(outcome.outcome).toBe('processed')
    expect(await countRows(ctx, 'entitlements')).toBe(0)
    expect((await ctx.sql.execute('select status from orders')).rows[0]?.status).toBe('refunded')
    expect(await countRows(ctx, 'stripe_events')).toBe(2)
    expect(ctx.logger.lines.some((line) => line.includes('raced another write'))).toBe(true)
  })

  it('a purchase committed between a refund read and its write is still revoked', async () => {
    const { order } = await givenOrder(courseBody())
    let purchaseStatus = 0
    // The charge handler's first batch is its read, its second the write: the purchase lands in between.
    const racing = pausingBeforeBatch(ctx.deps.db, 2, async () => {
      purchaseStatus = (await post(sessionEvent('checkout.session.completed', order.id))).status
    })
    await processStripeEvent({ ...ctx.deps, db: racing }, fullRefund(order.id), 'webhook')
    expect(purchaseStatus).toBe(200)
    expect(await states()).toEqual(['revoked/refunded'])
  })
})

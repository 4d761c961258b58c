/**
 * Contention: 200 buyers press "book" for the same consultation slot at once, then Stripe delivers the winner's
 * completion 200 times at once. The hold is one conditional batch and the webhook is deduplicated by the ledger,
 * so exactly one session, one booking and one entitlement come out, whatever the interleaving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { consultationBody } from '../catalog/builders'
import { api, countRows, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext, sessionIdOf } from '../payments'

const buyers = 200

let payments: PaymentsContext
let ctx: TestContext
let fake: FakeStripe

beforeAll(async () => {
  payments = await createPaymentsContext({ seed: 7 })
  ;({ ctx, fake } = payments)
})
afterAll(() => fake.close())

describe('contention: one consultation slot', () => {
  it(`${buyers} concurrent checkouts hold it once; ${buyers} concurrent deliveries book it once`, async () => {
    const { key } = await givenCreator(ctx)
    const offer = (
      await api(ctx, 'POST', '/api/v1/offers', { key, body: consultationBody({ status: 'live' }) })
    ).body
    const slot = (
      await api(ctx, 'POST', `/api/v1/offers/${offer.id}/slots`, {
        key,
        body: { slots: [{ starts_at: new Date(ctx.clock.now() + dayMs).toISOString() }] },
      })
    ).body.data[0]

    const results = await Promise.all(
      Array.from({ length: buyers }, () =>
        ctx.app.request(`/buy/${offer.id}?slot=${slot.id}`, { headers: { accept: 'text/html' } }),
      ),
    )
    const statuses = results.map((res) => res.status)
    const winners = results.filter((res) => res.status === 303)
    expect(winners).toHaveLength(1)
    // Everyone else is told the time is taken (409), not an error page.
    expect(statuses.filter((status) => status === 409)).toHaveLength(buyers - 1)
    expect(fake.requests.filter((request) => request.path === '/v1/checkout/sessions')).toHaveLength(1)
    expect(await countRows(ctx, 'orders')).toBe(1)
    const held = await ctx.sql.execute('select status, order_id from consultation_slots')
    const [order] = (await ctx.sql.execute('select id, status from orders')).rows
    expect(held.rows[0]).toMatchObject({ status: 'held', order_id: order?.id })

    const events = fake.completeSession(sessionIdOf(winners[0] as Response), { email: 'first@example.com' })
    const paid = await deliverToApp(payments, events)
    expect(paid.undelivered).toEqual([])

    // The same completion, 200 times at once (Stripe's retries colliding with a redelivery from the dashboard).
    const storm = await deliverToApp(payments, events, { duplicates: buyers - 1, concurrency: buyers })
    expect(storm.attempts).toHaveLength(buyers)
    expect(storm.attempts.every((attempt) => attempt.status === 200)).toBe(true)

    const slots = await ctx.sql.execute('select status, order_id, buyer_id from consultation_slots')
    expect(slots.rows).toHaveLength(1)
    expect(slots.rows[0]).toMatchObject({ status: 'booked', order_id: order?.id })
    expect((await ctx.sql.execute('select status from orders')).rows.map((row) => row.status)).toEqual([
      'paid',
    ])
    const entitlements = await ctx.sql.execute('select id, source_id, state from entitlements')
    expect(entitlements.rows).toHaveLength(1)
    expect(entitlements.rows[0]).toMatchObject({ source_id: order?.id, state: 'active' })
    const changes = await ctx.sql.execute('select change from entitlement_changes')
    expect(changes.rows.map((row) => row.change)).toEqual(['grant'])
    expect(await countRows(ctx, 'stripe_events')).toBe(events.length)
  })
})

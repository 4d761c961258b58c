import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { consultationBody } from '../catalog/builders'
import { api, countRows, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext, sessionIdOf } from '../payments'

let ctx: TestContext
let fake: FakeStripe
let payments: PaymentsContext
let key: string
let offerId: string
let slotId: string

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
  key = (await givenCreator(ctx)).key
  offerId = (await api(ctx, 'POST', '/api/v1/offers', { key, body: consultationBody({ status: 'live' }) }))
    .body.id
  slotId = (
    await api(ctx, 'POST', `/api/v1/offers/${offerId}/slots`, {
      key,
      body: {
        slots: [{ starts_at: new Date(ctx.clock.now() + dayMs).toISOString(), meeting_details: 'Zoom 123' }],
      },
    })
  ).body.data[0].id
})
afterEach(() => fake.close())

/** Twenty buyers try the same slot at once; the one session that exists is paid by `email`. */
async function raceAndPay(email: string) {
  const results = await Promise.all(
    Array.from({ length: 20 }, () => ctx.app.request(`/buy/${offerId}?slot=${slotId}`)),
  )
  const winners = results.filter((res) => res.status === 303)
  expect(winners).toHaveLength(1)
  const events = fake.completeSession(sessionIdOf(winners[0] as Response), { email })
  await deliverToApp(payments, events, { seed: 2, shuffle: true, duplicates: 1, concurrency: 2 })
}

/**
 * Waits until the database has been idle for a moment: a webhook answers before the receipt mail it queued is
 * dispatched (mail/outbox.ts `dispatchAfterResponse`), and that dispatch must not be counted as a page's.
 */
async function quiet(): Promise<void> {
  for (let seen = -1; seen !== ctx.roundTrips.count; ) {
    seen = ctx.roundTrips.count
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function slotRow() {
  return (await ctx.sql.execute({ sql: 'select * from consultation_slots where id = ?', args: [slotId] }))
    .rows[0]
}

describe('bookings: happy', () => {
  it('books the slot for exactly one of 20 concurrent buyers and lists it for the creator', async () => {
    await raceAndPay('first@example.com')
    expect(await slotRow()).toMatchObject({ status: 'booked' })
    expect(await countRows(ctx, 'orders')).toBe(1)
    await quiet()
    ctx.roundTrips.count = 0
    const list = await api(ctx, 'GET', '/api/v1/bookings', { key })
    expect(ctx.roundTrips.count).toBe(2) // the API key, then the bookings
    expect(list.status).toBe(200)
    expect(list.body.data).toHaveLength(1)
    expect(list.body.data[0]).toMatchObject({
      slot_id: slotId,
      offer_id: offerId,
      meeting_details: 'Zoom 123',
      order_status: 'paid',
      buyer: { email: 'first@example.com' },
    })
  })

  it('cancels: refunds the whole order through Stripe, frees the slot, and access ends with the refund', async () => {
    await raceAndPay('first@example.com')
    const before = fake.events.length
    await quiet()
    ctx.roundTrips.count = 0
    const cancelled = await api(ctx, 'POST', `/api/v1/bookings/${slotId}/cancel`, {
      key,
      body: { reason: 'ill' },
    })
    // The API key, the slot with its order (one batch), then the freed slot with both audit rows (one batch).
    expect(ctx.roundTrips.count).toBe(3)
    expect(cancelled.status).toBe(200)
    expect(cancelled.body).toMatchObject({ slot_id: slotId, status: 'free' })
    expect(fake.objects<{ amount: number }>('refund').map((refund) => refund.amount)).toEqual([50000])
    expect(await slotRow()).toMatchObject({ status: 'free', order_id: null, buyer_id: null })
    expect((await api(ctx, 'GET', '/api/v1/bookings', { key })).body.data).toEqual([])
    await deliverToApp(payments, fake.events.slice(before))
    expect((await ctx.sql.execute('select state from entitlements')).rows[0]?.state).toBe('revoked')
    expect(await slotRow()).toMatchObject({ status: 'free' })
    const audit = await ctx.sql.execute(
      "select action from audit_log where action in ('booking.cancel', 'order.refund')",
    )
    expect(audit.rows.map((row) => row.action).sort()).toEqual(['booking.cancel', 'order.refund'])

    // The freed slot sells again, still to exactly one of many.
    await raceAndPay('second@example.com')
    const list = await api(ctx, 'GET', '/api/v1/bookings', { key })
    expect(list.body.data.map((booking: { buyer: { email: string } }) => booking.buyer.email)).toEqual([
      'second@example.com',
    ])
  })
})

describe('bookings: mails', () => {
  it('queues one receipt and one booking mail with a calendar invite, however often Stripe delivers', async () => {
    await raceAndPay('first@example.com')
    const rows = await ctx.sql.execute(
      'select dedupe_key, subject, text, attachments from mails order by dedupe_key',
    )
    expect(rows.rows.map((row) => String(row.dedupe_key).split(':')[0])).toEqual(['booking', 'receipt'])
    const booking = rows.rows[0]
    expect(String(booking?.text)).toContain('Zoom 123')
    const attachments = JSON.parse(String(booking?.attachments)) as { filename: string; content: string }[]
    expect(attachments[0]?.filename).toBe('invite.ics')
    const ics = Buffer.from(attachments[0]?.content ?? '', 'base64').toString('utf8')
    const start = new Date(Number((await slotRow())?.starts_at)).toISOString().replace(/[-:]|\.\d{3}/g, '')
    expect(ics).toContain(`DTSTART:${start}`)
    expect(String(rows.rows[1]?.text)).toContain('¥500.00')
  })
})

describe('bookings: errors and security', () => {
  it('refuses to cancel a slot that is not booked, and keeps the booking when Stripe fails', async () => {
    expect((await api(ctx, 'POST', `/api/v1/bookings/${slotId}/cancel`, { key, body: {} })).status).toBe(409)
    await raceAndPay('first@example.com')
    fake.failNext(1, 500)
    const failed = await api(ctx, 'POST', `/api/v1/bookings/${slotId}/cancel`, { key, body: {} })
    expect(failed.status).toBe(502)
    expect(await slotRow()).toMatchObject({ status: 'booked' })
  })

  it("hides one creator's bookings from another", async () => {
    await raceAndPay('first@example.com')
    const other = await givenCreator(ctx)
    expect((await api(ctx, 'GET', '/api/v1/bookings', { key: other.key })).body.data).toEqual([])
    const cancel = await api(ctx, 'POST', `/api/v1/bookings/${slotId}/cancel`, { key: other.key, body: {} })
    expect(cancel.status).toBe(404)
    expect(await slotRow()).toMatchObject({ status: 'booked' })
    expect((await api(ctx, 'GET', '/api/v1/bookings')).status).toBe(401)
  })
})

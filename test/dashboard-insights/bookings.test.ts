import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dayMs } from '../../src/lib/time'
import { consultationBody } from '../catalog/builders'
import { buy, deliverSince, liveOffer } from '../dashboard/shop'
import { api, givenCreator } from '../helpers'
import { postForm, signIn } from '../sign-in'
import { counted, csrfOf, getPage, html, type InsightsContext, openInsights, rows, submit } from './harness'

let i: InsightsContext
let offerId: string
let slotId: string

beforeEach(async () => {
  i = await openInsights()
  // Held in London while the creator's zone is Shanghai: the page must use the consultation's.
  offerId = (await liveOffer(i.shop, i.creator.key, consultationBody({ time_zone: 'Europe/London' }))).id
  const slots = await api(i.shop.ctx, 'POST', `/api/v1/offers/${offerId}/slots`, {
    key: i.creator.key,
    body: {
      slots: [
        {
          starts_at: new Date(i.shop.ctx.clock.now() + dayMs).toISOString(), // 24 Nov 2026 12:00 UTC
          meeting_details: 'Zoom 123',
        },
      ],
    },
  })
  slotId = slots.body.data[0].id
})
afterEach(() => i.shop.fake.close())

const slotRow = async () => (await rows(i, 'select * from consultation_slots where id = ?', [slotId]))[0]

describe('bookings page', () => {
  it('lists a booked slot in the consultation’s time zone with the buyer and meeting details', async () => {
    await buy(i.shop, offerId, 'client@example.com', `?slot=${slotId}`)
    // The session, then the bookings and the consultations' time zones in one batch.
    const shown = await counted(i, () => getPage(i, '/dashboard/bookings'))
    expect(shown.response.status).toBe(200)
    expect(shown.roundTrips).toBe(2)
    const page = await shown.response.text()
    expect(page).toContain(`data-slot="${slotId}"`)
    expect(page).toContain('client@example.com')
    expect(page).toContain('Zoom 123')
    expect(page).toContain('Tue, November 24, 2026, 12:00–13:00')
    expect(page).toContain('(Europe/London)')
    expect(page).toContain(`href="/dashboard/bookings/${slotId}/cancel"`)
    expect(await html(i, '/dashboard/members')).toContain('href="/dashboard/bookings"')
  })

  it('cancels after a confirmation page: refunds through Stripe and frees the slot', async () => {
    await buy(i.shop, offerId, 'client@example.com', `?slot=${slotId}`)
    // The session, then the slot, the bookings from it on and the consultations' zones in one batch.
    const shown = await counted(i, () => getPage(i, `/dashboard/bookings/${slotId}/cancel`))
    expect(shown.response.status).toBe(200)
    expect(shown.roundTrips).toBe(2)
    const confirm = await shown.response.text()
    expect(confirm).toContain('client@example.com is refunded in full')
    expect(confirm).toContain(`action="/dashboard/bookings/${slotId}/cancel"`)
    // The GET changed nothing.
    expect(await slotRow()).toMatchObject({ status: 'booked' })
    expect(i.shop.fake.objects('refund')).toEqual([])

    const from = i.shop.fake.events.length
    const { response: cancelled, roundTrips } = await counted(i, () =>
      postForm(
        i.shop.ctx,
        `/dashboard/bookings/${slotId}/cancel`,
        { csrf: csrfOf(confirm), reason: 'ill' },
        { cookie: i.cookie },
      ),
    )
    // The session, the slot with its order, then (after Stripe) one batch.
    expect(roundTrips).toBe(3)
    expect(cancelled.status).toBe(303)
    expect(cancelled.headers.get('location')).toBe('/dashboard/bookings?notice=cancelled')
    expect(i.shop.fake.objects<{ amount: number }>('refund').map((refund) => refund.amount)).toEqual([50000])
    expect(await slotRow()).toMatchObject({ status: 'free', order_id: null, buyer_id: null })
    const page = await html(i, '/dashboard/bookings?notice=cancelled')
    expect(page).toContain('Booking cancelled')
    expect(page).not.toContain('client@example.com')
    const audit = await rows(i, "select actor_type, detail from audit_log where action = 'booking.cancel'")
    expect(audit).toHaveLength(1)
    expect(audit[0]?.actor_type).toBe('creator')
    expect(String(audit[0]?.detail)).toContain('"reason":"ill"')
    await deliverSince(i.shop, from)
    expect((await rows(i, 'select state from entitlements'))[0]?.state).toBe('revoked')
  })

  it('keeps the booking and says so when Stripe refuses the refund', async () => {
    await buy(i.shop, offerId, 'client@example.com', `?slot=${slotId}`)
    const confirm = await html(i, `/dashboard/bookings/${slotId}/cancel`)
    i.shop.fake.failNext(1, 500, { shouldRetry: false })
    const failed = await postForm(
      i.shop.ctx,
      `/dashboard/bookings/${slotId}/cancel`,
      { csrf: csrfOf(confirm) },
      { cookie: i.cookie },
    )
    expect(failed.headers.get('location')).toBe('/dashboard/bookings?notice=cancelFailed')
    expect(await slotRow()).toMatchObject({ status: 'booked' })
    expect(await html(i, '/dashboard/bookings?notice=cancelFailed')).toContain('the booking stands')
  })

  it('does not offer to cancel a slot that is not booked', async () => {
    const confirm = await getPage(i, `/dashboard/bookings/${slotId}/cancel`)
    expect(confirm.status).toBe(303)
    expect(confirm.headers.get('location')).toBe('/dashboard/bookings?notice=notCancellable')
    const posted = await submit(i, '/dashboard/bookings', `/dashboard/bookings/${slotId}/cancel`)
    expect(posted.headers.get('location')).toBe('/dashboard/bookings?notice=notCancellable')
  })

  it('security: signed out → sign-in, no token → 403, another creator’s slot → 404', async () => {
    await buy(i.shop, offerId, 'client@example.com', `?slot=${slotId}`)
    expect((await getPage(i, '/dashboard/bookings', null)).status).toBe(303)
    const forged = await postForm(
      i.shop.ctx,
      `/dashboard/bookings/${slotId}/cancel`,
      {},
      { cookie: i.cookie },
    )
    expect(forged.status).toBe(403)
    expect(await slotRow()).toMatchObject({ status: 'booked' })
    await givenCreator(i.shop.ctx, { email: 'rival@example.com', locale: 'en' })
    const rival = await signIn(i.shop.ctx, 'rival@example.com', 'creator')
    expect((await getPage(i, `/dashboard/bookings/${slotId}/cancel`, rival.cookie)).status).toBe(404)
    const rivalPage = await getPage(i, '/dashboard/bookings', rival.cookie)
    const theirs = await postForm(
      i.shop.ctx,
      `/dashboard/bookings/${slotId}/cancel`,
      { csrf: csrfOf(await rivalPage.text()) },
      { cookie: rival.cookie },
    )
    expect(theirs.status).toBe(404)
    expect(await slotRow()).toMatchObject({ status: 'booked' })
  })
})

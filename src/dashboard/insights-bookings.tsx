/**
 * Booked consultations (`/dashboard/bookings`): upcoming slots in each consultation's own time zone, with the
 * buyer and the meeting details, and "Cancel and refund" as a confirmation page (GET) followed by the form POST.
 * The same verbs as `GET /api/v1/bookings` and `POST /api/v1/bookings/{slot_id}/cancel` (bookings/bookings.ts).
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { type BookingJson, listBookingsQuery } from '../bookings/booking-schemas'
import { cancelBooking, readBookings, readCancellation } from '../bookings/bookings'
import type { OfferJson } from '../catalog/offer-schemas'
import type { Deps } from '../deps'
import { formatRange } from '../lib/dates'
import { validationProblem } from '../lib/openapi'
import { creatorFormPost, field, Notice, outcomeOf, withNotice } from './insights-common'
import { insightMessagesFor } from './insights-messages'
import { type CreatorPage, creatorPage, DashboardShell, signInPath } from './shell'

const cancelPath = (slotId: string) => `/dashboard/bookings/${encodeURIComponent(slotId)}/cancel`

/** Each consultation's time zone (its own, else the creator's): times are shown as the meeting is held. */
function zonesFrom(consultations: OfferJson[], page: CreatorPage): Map<string, string> {
  return new Map(consultations.map((offer) => [offer.id, offer.time_zone ?? page.creator.timeZone]))
}

function When(props: { booking: BookingJson; page: CreatorPage; zone: string }) {
  const t = insightMessagesFor(props.page.creator.locale).bookings
  return (
    <>
      <time datetime={props.booking.starts_at}>
        {formatRange(
          Date.parse(props.booking.starts_at),
          Date.parse(props.booking.ends_at),
          props.page.creator.locale,
          props.zone,
        )}
      </time>{' '}
      <span class="muted">{t.zone(props.zone)}</span>
    </>
  )
}

function BookingsPage(props: {
  page: CreatorPage
  bookings: BookingJson[]
  zones: Map<string, string>
  nextCursor: string | null
  notice: string | undefined
}) {
  const { creator } = props.page
  const i = insightMessagesFor(creator.locale)
  const t = i.bookings
  return (
    <DashboardShell page={props.page} section="bookings" title={t.title}>
      <p>
        <a href="/dashboard/members">{i.member.back}</a> · <a href="/dashboard/revenue">{i.revenue.title}</a>
      </p>
      <Notice value={props.notice} t={i} />
      {props.bookings.length === 0 ? (
        <p class="muted">{t.empty}</p>
      ) : (
        <ul class="offers">
          {props.bookings.map((booking) => (
            <li class="card" data-slot={booking.slot_id}>
              <h3>{booking.offer_title}</h3>
              <p>
                <When
                  booking={booking}
                  page={props.page}
                  zone={props.zones.get(booking.offer_id) ?? creator.timeZone}
                />
              </p>
              <p>
                {t.buyer}: {booking.buyer?.email ?? '—'}
                {booking.buyer?.name ? ` (${booking.buyer.name})` : ''}
              </p>
              <p class="meeting">
                {t.meeting}: {booking.meeting_details || <span class="muted">{t.noMeeting}</span>}
              </p>
              <p>
                <a class="button secondary" href={cancelPath(booking.slot_id)}>
                  {t.cancel}
                </a>
              </p>
            </li>
          ))}
        </ul>
      )}
      {props.nextCursor ? (
        <p>
          <a rel="next" href={`/dashboard/bookings?cursor=${encodeURIComponent(props.nextCursor)}`}>
            {i.members.next}
          </a>
        </p>
      ) : null}
    </DashboardShell>
  )
}

function ConfirmCancelPage(props: { page: CreatorPage; booking: BookingJson; zone: string }) {
  const { creator, csrf } = props.page
  const t = insightMessagesFor(creator.locale).bookings
  const { booking } = props
  return (
    <DashboardShell page={props.page} section="bookings" title={t.confirmTitle}>
      <p>
        <strong>{booking.offer_title}</strong> —{' '}
        <When booking={booking} page={props.page} zone={props.zone} />
      </p>
      <p>{t.confirmText(booking.buyer?.email ?? '—')}</p>
      <form method="post" action={cancelPath(booking.slot_id)} class="stack">
        <input type="hidden" name="csrf" value={csrf} />
        <label for="cancel-reason">{t.reason}</label>
        <textarea id="cancel-reason" name="reason" maxlength={1000} />
        <p>
          <button type="submit" class="button">
            {t.confirm}
          </button>{' '}
          <a href="/dashboard/bookings">{t.keep}</a>
        </p>
      </form>
    </DashboardShell>
  )
}

export function bookingInsightPages(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/dashboard/bookings', async (c) => {
      const page = await creatorPage(deps, c)
      if (!page) return c.redirect(signInPath(c.req.path), 303)
      const cursor = c.req.query('cursor')
      const parsed = listBookingsQuery.safeParse({ limit: 50, ...(cursor && { cursor }) })
      if (!parsed.success) throw validationProblem(parsed.error)
      // The bookings and the consultations' time zones: one batch after the session.
      const { bookings, consultations } = await readBookings(
        deps,
        { creatorId: page.creator.id },
        parsed.data,
      )
      const zones = zonesFrom(consultations, page)
      c.header('Cache-Control', 'private, no-store')
      return c.html(
        <BookingsPage
          page={page}
          bookings={bookings.data}
          zones={zones}
          nextCursor={bookings.next_cursor}
          notice={c.req.query('notice')}
        />,
      )
    })
    .get('/dashboard/bookings/:slotId/cancel', async (c) => {
      const page = await creatorPage(deps, c)
      if (!page) return c.redirect(signInPath(c.req.path), 303)
      const slotId = c.req.param('slotId')
      // 404 for another creator's slot or an unknown id, exactly like the API; one round trip for all it shows.
      const { bookings, consultations } = await readCancellation(deps, { creatorId: page.creator.id }, slotId)
      const zones = zonesFrom(consultations, page)
      const booking = bookings.data.find((candidate) => candidate.slot_id === slotId)
      if (!booking) return c.redirect(withNotice('/dashboard/bookings', 'notCancellable'), 303)
      c.header('Cache-Control', 'private, no-store')
      return c.html(
        <ConfirmCancelPage
          page={page}
          booking={booking}
          zone={zones.get(booking.offer_id) ?? page.creator.timeZone}
        />,
      )
    })
    .post('/dashboard/bookings/:slotId/cancel', async (c) => {
      const gate = await creatorFormPost(deps, c)
      if ('redirect' in gate) return c.redirect(gate.redirect, 303)
      const reason = field(gate.form, 'reason').slice(0, 1000)
      const notice = await outcomeOf(
        () =>
          cancelBooking(
            deps,
            { creatorId: gate.page.creator.id },
            c.req.param('slotId'),
            reason ? { reason } : {},
            { type: 'creator', id: gate.page.creator.id },
          ),
        'cancelled',
        { 409: 'notCancellable', 502: 'cancelFailed', 503: 'cancelFailed' },
      )
      return c.redirect(withNotice('/dashboard/bookings', notice), 303)
    })
}

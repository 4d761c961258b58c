/**
 * Consultation bookings, the creator's side: the upcoming booked slots across all consultation offers, and
 * cancelling one. A cancellation refunds the whole order through Stripe (the same verb as a creator refund) and
 * frees the slot at once; the buyer's access ends when Stripe's `charge.refunded` arrives, as with any refund.
 */
import { and, asc, eq, gt, gte, or, type SQLWrapper, sql } from 'drizzle-orm'
import type { OfferJson } from '../catalog/offer-schemas'
import { offersPageRead } from '../catalog/offers'
import type { Db } from '../db/client'
import { auditLog, buyers, consultationSlots, offers, orders } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import { conflict, notFound } from '../lib/problem'
import { toIso } from '../lib/time'
import { orderQuery, requestRefund } from '../members/refund-order'
import type { BookingJson, BookingPage, CancelBookingInput, ListBookingsQuery } from './booking-schemas'

type Scope = { creatorId: string }

/** `<starts_at ms>_<slot id>`: the position after the last booking shown. */
function cursorOf(row: { startsAt: number; id: string }): string {
  return `${row.startsAt}_${row.id}`
}

function parseCursor(cursor: string | undefined): { startsAt: number; id: string } | null {
  const match = /^(\d{1,15})_([\w-]{1,64})$/.exec(cursor ?? '')
  return match ? { startsAt: Number(match[1]), id: match[2] ?? '' } : null
}

/** Booked slots from `from` (ms, or a subquery that yields it) or after a cursor, soonest first: a batch item. */
function bookingsQuery(
  db: Db,
  scope: Scope,
  query: { from: number | SQLWrapper; after: { startsAt: number; id: string } | null; limit: number },
) {
  const { after } = query
  // One query: booked slots, soonest first, with the offer, order and buyer beside each. The buyer's id is
  // aliased: D1 answers a batch's rows as objects keyed by column name, where a second "id" would take the
  // slot's place (drizzle-orm#6038).
  return db
    .select({
      id: consultationSlots.id,
      offerId: consultationSlots.offerId,
      offerTitle: offers.title,
      startsAt: consultationSlots.startsAt,
      endsAt: consultationSlots.endsAt,
      meetingDetails: consultationSlots.meetingDetails,
      orderId: consultationSlots.orderId,
      orderStatus: orders.status,
      buyerId: sql<string | null>`${buyers.id}`.as('buyer_id'),
      email: buyers.email,
      name: buyers.name,
    })
    .from(consultationSlots)
    .innerJoin(offers, eq(offers.id, consultationSlots.offerId))
    .leftJoin(orders, eq(orders.id, consultationSlots.orderId))
    .leftJoin(buyers, eq(buyers.id, consultationSlots.buyerId))
    .where(
      and(
        eq(consultationSlots.creatorId, scope.creatorId),
        eq(consultationSlots.status, 'booked'),
        after
          ? or(
              gt(consultationSlots.startsAt, after.startsAt),
              and(eq(consultationSlots.startsAt, after.startsAt), gt(consultationSlots.id, after.id)),
            )
          : gte(consultationSlots.endsAt, query.from),
      ),
    )
    .orderBy(asc(consultationSlots.startsAt), asc(consultationSlots.id))
    .limit(query.limit + 1)
}

/** `rows` were fetched with `limit + 1`; the extra row only says whether another page exists. */
function bookingPage(rows: Awaited<ReturnType<typeof bookingsQuery>>, limit: number): BookingPage {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    data: page.map(
      (row): BookingJson => ({
        slot_id: row.id,
        offer_id: row.offerId,
        offer_title: row.offerTitle,
        starts_at: toIso(row.startsAt) ?? '',
        ends_at: toIso(row.endsAt) ?? '',
        meeting_details: row.meetingDetails,
        order_id: row.orderId,
        order_status: row.orderStatus,
        buyer: row.buyerId ? { id: row.buyerId, email: row.email ?? '', name: row.name ?? '' } : null,
      }),
    ),
    next_cursor: rows.length > limit && last ? cursorOf(last) : null,
  }
}

/**
 * `listBookings` as one batch item and the function that answers its page from the item's rows: a page that
 * shows the bookings beside other reads sends them all in one `db.batch`.
 */
export function bookingsPageRead(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: Scope,
  query: ListBookingsQuery,
) {
  const from = query.from ? Date.parse(query.from) : clock.now()
  return {
    query: bookingsQuery(db, scope, { from, after: parseCursor(query.cursor), limit: query.limit }),
    answer: (rows: Awaited<ReturnType<typeof bookingsQuery>>) => bookingPage(rows, query.limit),
  }
}

export async function listBookings(
  deps: Pick<Deps, 'db' | 'clock'>,
  scope: Scope,
  query: ListBookingsQuery,
): Promise<BookingPage> {
  const read = bookingsPageRead(deps, scope, query)
  return read.answer(await read.query)
}

/** The creator's consultations, for their time zones: the first 100, as `listOffers` pages them. */
const consultationsQuery = { limit: 100, kind: 'consultation' } as const

/**
 * What the bookings page shows, in one round trip: a page of bookings (`listBookings`) and the creator's
 * consultations (for their time zones).
 */
export async function readBookings(
  deps: Pick<Deps, 'db' | 'clock'>,
  scope: Scope,
  query: ListBookingsQuery,
): Promise<{ bookings: BookingPage; consultations: OfferJson[] }> {
  const { db } = deps
  const bookings = bookingsPageRead(deps, scope, query)
  const consultations = offersPageRead(db, scope, consultationsQuery)
  const [bookingRows, offerRows] = await db.batch([bookings.query, consultations.query])
  return { bookings: bookings.answer(bookingRows), consultations: consultations.answer(offerRows).data }
}

/**
 * What the page that confirms a cancellation shows, in one round trip: the slot (404 when unknown or another
 * creator's), the first 100 bookings from its start on (`listBookings` from the slot's `starts_at`, where the
 * page looks for this one) and the creator's consultations (for their time zones).
 */
export async function readCancellation(
  { db }: Pick<Deps, 'db'>,
  scope: Scope,
  slotId: string,
): Promise<{ bookings: BookingPage; consultations: OfferJson[] }> {
  const slotWhere = and(eq(consultationSlots.id, slotId), eq(consultationSlots.creatorId, scope.creatorId))
  const consultations = offersPageRead(db, scope, consultationsQuery)
  const [slots, rows, offerRows] = await db.batch([
    db.select({ id: consultationSlots.id }).from(consultationSlots).where(slotWhere),
    bookingsQuery(db, scope, {
      from: db.select({ startsAt: consultationSlots.startsAt }).from(consultationSlots).where(slotWhere),
      after: null,
      limit: 100,
    }),
    consultations.query,
  ])
  if (!slots[0]) throw notFound('slot', slotId)
  return { bookings: bookingPage(rows, 100), consultations: consultations.answer(offerRows).data }
}

export async function cancelBooking(
  deps: Pick<Deps, 'db' | 'clock' | 'stripe' | 'logger'>,
  scope: Scope,
  slotId: string,
  input: CancelBookingInput,
  actor: Actor,
): Promise<{ slot_id: string; order_id: string; refund_id: string; status: 'free' }> {
  const { db, clock } = deps
  // The slot and its order in one round trip: the order through the slot's own `order_id` (a subquery).
  const slotWhere = and(eq(consultationSlots.id, slotId), eq(consultationSlots.creatorId, scope.creatorId))
  const [slots, orderRows] = await db.batch([
    db.select().from(consultationSlots).where(slotWhere),
    orderQuery(
      db,
      scope,
      db.select({ orderId: consultationSlots.orderId }).from(consultationSlots).where(slotWhere),
    ),
  ])
  const slot = slots[0]
  if (!slot) throw notFound('booking', slotId)
  if (slot.status !== 'booked' || !slot.orderId)
    throw conflict(`Slot ${slotId} is ${slot.status}; only a booked slot can be cancelled.`)
  // Stripe first: if it refuses, the booking stands and nothing changed here.
  const { refund, audit } = await requestRefund(deps, scope, slot.orderId, orderRows[0], {}, actor)
  const now = clock.now()
  // The refund's audit row (as `refundOrder` writes it) goes in the same batch as the freed slot.
  await db.batch([
    db.insert(auditLog).values(audit),
    db
      .update(consultationSlots)
      .set({ status: 'free', orderId: null, buyerId: null, holdExpiresAt: null, updatedAt: now })
      .where(
        and(
          eq(consultationSlots.id, slotId),
          eq(consultationSlots.status, 'booked'),
          eq(consultationSlots.orderId, slot.orderId),
        ),
      ),
    db.insert(auditLog).values(
      auditRow({
        creatorId: scope.creatorId,
        actor,
        action: 'booking.cancel',
        subjectType: 'slot',
        subjectId: slotId,
        detail: { order_id: slot.orderId, refund_id: refund.refund_id, reason: input.reason ?? null },
        at: now,
      }),
    ),
  ])
  return { slot_id: slotId, order_id: slot.orderId, refund_id: refund.refund_id, status: 'free' }
}

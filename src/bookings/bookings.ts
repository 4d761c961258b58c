/**
 * Consultation bookings, the creator's side: the upcoming booked slots across all consultation offers, and
 * cancelling one. A cancellation refunds the whole order through Stripe (the same verb as a creator refund) and
 * frees the slot at once; the buyer's access ends when Stripe's `charge.refunded` arrives, as with any refund.
 */
import { and, asc, eq, gt, gte, or } from 'drizzle-orm'
import { auditLog, buyers, consultationSlots, offers, orders } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import { conflict, notFound } from '../lib/problem'
import { toIso } from '../lib/time'
import { refundOrder } from '../members/refund-order'
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

export async function listBookings(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: Scope,
  query: ListBookingsQuery,
): Promise<BookingPage> {
  const from = query.from ? Date.parse(query.from) : clock.now()
  const after = parseCursor(query.cursor)
  // One query: booked slots, soonest first, with the offer, order and buyer beside each.
  const rows = await db
    .select({
      id: consultationSlots.id,
      offerId: consultationSlots.offerId,
      offerTitle: offers.title,
      startsAt: consultationSlots.startsAt,
      endsAt: consultationSlots.endsAt,
      meetingDetails: consultationSlots.meetingDetails,
      orderId: consultationSlots.orderId,
      orderStatus: orders.status,
      buyerId: buyers.id,
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
          : gte(consultationSlots.endsAt, from),
      ),
    )
    .orderBy(asc(consultationSlots.startsAt), asc(consultationSlots.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
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
    next_cursor: rows.length > query.limit && last ? cursorOf(last) : null,
  }
}

export async function cancelBooking(
  deps: Pick<Deps, 'db' | 'clock' | 'stripe' | 'logger'>,
  scope: Scope,
  slotId: string,
  input: CancelBookingInput,
  actor: Actor,
): Promise<{ slot_id: string; order_id: string; refund_id: string; status: 'free' }> {
  const { db, clock } = deps
  const [slot] = await db
    .select()
    .from(consultationSlots)
    .where(and(eq(consultationSlots.id, slotId), eq(consultationSlots.creatorId, scope.creatorId)))
  if (!slot) throw notFound('booking', slotId)
  if (slot.status !== 'booked' || !slot.orderId)
    throw conflict(`Slot ${slotId} is ${slot.status}; only a booked slot can be cancelled.`)
  // Stripe first: if it refuses, the booking stands and nothing changed here.
  const refund = await refundOrder(deps, scope, slot.orderId, {}, actor)
  const now = clock.now()
  await db.batch([
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

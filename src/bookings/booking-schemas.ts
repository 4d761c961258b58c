/** The bookings API's shapes, validated by zod and documented by OpenAPI from the same schemas. */
import { documented, isoDateTime, listQuery, named } from '../lib/openapi'
import * as z from '../lib/zod'

export const slotIdParam = z.object({
  slot_id: documented(z.string().check(z.maxLength(64)), { example: 'slt_01m84d7bvcq981y6dza0ec' }),
})

export const listBookingsQuery = z.extend(listQuery, {
  from: z.optional(
    documented(isoDateTime, { description: 'Bookings not yet over at this time; default now.' }),
  ),
  cursor: z.optional(
    documented(z.string().check(z.maxLength(100)), { description: '`next_cursor` from the previous page' }),
  ),
})
export type ListBookingsQuery = z.infer<typeof listBookingsQuery>

export const bookingSchema = named(
  z.object({
    slot_id: z.string(),
    offer_id: z.string(),
    offer_title: z.string(),
    starts_at: z.string(),
    ends_at: z.string(),
    meeting_details: z.string(),
    order_id: z.nullable(z.string()),
    order_status: z.nullable(z.string()),
    buyer: z.nullable(z.object({ id: z.string(), email: z.string(), name: z.string() })),
  }),
  'Booking',
)
export type BookingJson = z.infer<typeof bookingSchema>

export const bookingPageSchema = named(
  z.object({ data: z.array(bookingSchema), next_cursor: z.nullable(z.string()) }),
  'BookingPage',
)
export type BookingPage = z.infer<typeof bookingPageSchema>

export const cancelBookingInput = named(
  z.object({
    reason: z.optional(
      documented(z.string().check(z.maxLength(1000)), { description: 'Kept in the audit log.' }),
    ),
  }),
  'CancelBookingInput',
)
export type CancelBookingInput = z.infer<typeof cancelBookingInput>

export const cancelledBookingSchema = named(
  z.object({
    slot_id: z.string(),
    order_id: z.string(),
    refund_id: z.string(),
    status: z.literal('free'),
  }),
  'CancelledBooking',
)

/** The bookings API's shapes, validated by zod and documented by OpenAPI from the same schemas. */
import { z } from '@hono/zod-openapi'
import { isoDateTime, listQuery } from '../lib/openapi'

export const slotIdParam = z.object({
  slot_id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'slot_id', in: 'path' }, example: 'slt_01m84d7bvcq981y6dza0ec' }),
})

export const listBookingsQuery = listQuery.extend({
  from: isoDateTime.optional().openapi({ description: 'Bookings not yet over at this time; default now.' }),
  cursor: z.string().max(100).optional().openapi({ description: '`next_cursor` from the previous page' }),
})
export type ListBookingsQuery = z.infer<typeof listBookingsQuery>

export const bookingSchema = z
  .object({
    slot_id: z.string(),
    offer_id: z.string(),
    offer_title: z.string(),
    starts_at: z.string(),
    ends_at: z.string(),
    meeting_details: z.string(),
    order_id: z.string().nullable(),
    order_status: z.string().nullable(),
    buyer: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
  })
  .openapi('Booking')
export type BookingJson = z.infer<typeof bookingSchema>

export const bookingPageSchema = z
  .object({ data: z.array(bookingSchema), next_cursor: z.string().nullable() })
  .openapi('BookingPage')
export type BookingPage = z.infer<typeof bookingPageSchema>

export const cancelBookingInput = z
  .object({ reason: z.string().max(1000).optional().openapi({ description: 'Kept in the audit log.' }) })
  .openapi('CancelBookingInput')
export type CancelBookingInput = z.infer<typeof cancelBookingInput>

export const cancelledBookingSchema = z
  .object({
    slot_id: z.string(),
    order_id: z.string(),
    refund_id: z.string(),
    status: z.literal('free'),
  })
  .openapi('CancelledBooking')

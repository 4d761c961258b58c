/** The bookings API under /api/v1 (creator API key, applied by app.ts): upcoming bookings, cancel one. */
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute } from '../lib/api-route'
import { errorResponses, jsonBody, jsonResponse, stripeResponses } from '../lib/openapi'
import {
  bookingPageSchema,
  cancelBookingInput,
  cancelledBookingSchema,
  listBookingsQuery,
  slotIdParam,
} from './booking-schemas'
import { cancelBooking, listBookings } from './bookings'

const security = [{ bearerAuth: [] }]

const routes = {
  list: defineRoute({
    method: 'get',
    path: '/bookings',
    tags: ['bookings'],
    security,
    summary: 'Upcoming booked consultation slots, soonest first, with the buyer',
    request: { query: listBookingsQuery },
    responses: { 200: jsonResponse(bookingPageSchema, 'A page of bookings'), ...errorResponses(401, 422) },
  }),
  cancel: defineRoute({
    method: 'post',
    path: '/bookings/{slot_id}/cancel',
    tags: ['bookings'],
    security,
    summary: 'Cancel a booking: the whole order is refunded through Stripe and the slot is free again',
    request: { params: slotIdParam, body: jsonBody(cancelBookingInput) },
    responses: {
      200: jsonResponse(cancelledBookingSchema, 'Refund accepted by Stripe; the slot is free'),
      ...errorResponses(400, 401, 404, 409, 413, 415, 422),
      ...stripeResponses('the booking stands'),
    },
  }),
}

export function bookingRoutes(deps: Deps) {
  return apiRoutes<AppEnv>()
    .openapi(routes.list, async (c) =>
      c.json(await listBookings(deps, { creatorId: c.var.creator.id }, c.req.valid('query')), 200),
    )
    .openapi(routes.cancel, async (c) =>
      c.json(
        await cancelBooking(
          deps,
          { creatorId: c.var.creator.id },
          c.req.valid('param').slot_id,
          c.req.valid('json'),
          c.var.actor,
        ),
        200,
      ),
    )
}

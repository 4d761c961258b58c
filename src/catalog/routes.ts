/**
 * The catalog API under /api/v1: offers of four kinds, course lessons, consultation slots. Thin handlers:
 * validate (zod, via the route definitions that also produce /openapi.json), call one verb scoped to the API
 * key's creator, shape the answer. Authentication is applied by app.ts.
 */
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute, type RouteSpec } from '../lib/api-route'
import { errorResponses, jsonBody, jsonResponse } from '../lib/openapi'
import { addLesson, getLesson, listLessons, removeLesson, reorderLessons, updateLesson } from './lessons'
import {
  createOfferSchema,
  createSlotsSchema,
  idParam,
  lessonInputSchema,
  lessonListSchema,
  lessonOrderSchema,
  lessonSchema,
  lessonUpdateSchema,
  listOffersQuery,
  listSlotsQuery,
  offerPageSchema,
  offerSchema,
  slotListSchema,
  slotSchema,
  updateOfferSchema,
  updateSlotSchema,
} from './offer-schemas'
import { archiveOffer, createOffer, getOffer, listOffers, updateOffer } from './offers'
import { addSlots, getSlot, listSlots, removeSlot, updateSlot } from './slots'

const security = [{ bearerAuth: [] }]
const offerId = idParam('Offer id', 'off_01m84d7bvcq981y6dza0ec')
const lessonId = idParam('Lesson id', 'les_01m84d7bvcq981y6dza0ec')
const slotId = idParam('Slot id', 'slt_01m84d7bvcq981y6dza0ec')
const writeErrors = errorResponses(400, 401, 404, 409, 413, 415, 422)

const route = <const R extends RouteSpec>(config: R) => defineRoute({ security, ...config })

const routes = {
  createOffer: route({
    method: 'post',
    path: '/offers',
    tags: ['offers'],
    summary: 'Create an offer: a membership tier, course, consultation or group',
    request: { body: jsonBody(createOfferSchema) },
    responses: {
      201: jsonResponse(offerSchema, 'The new offer'),
      ...errorResponses(400, 401, 409, 413, 415, 422),
    },
  }),
  listOffers: route({
    method: 'get',
    path: '/offers',
    tags: ['offers'],
    summary: 'List offers, newest first, with cursor pagination',
    request: { query: listOffersQuery },
    responses: { 200: jsonResponse(offerPageSchema, 'A page of offers'), ...errorResponses(401, 422) },
  }),
  getOffer: route({
    method: 'get',
    path: '/offers/{id}',
    tags: ['offers'],
    summary: 'Read an offer',
    request: { params: offerId },
    responses: { 200: jsonResponse(offerSchema, 'The offer'), ...errorResponses(401, 404) },
  }),
  updateOffer: route({
    method: 'patch',
    path: '/offers/{id}',
    tags: ['offers'],
    summary: 'Update, publish or unpublish an offer; `prices` replaces the active prices',
    request: { params: offerId, body: jsonBody(updateOfferSchema) },
    responses: { 200: jsonResponse(offerSchema, 'The updated offer'), ...writeErrors },
  }),
  archiveOffer: route({
    method: 'post',
    path: '/offers/{id}/archive',
    tags: ['offers'],
    summary: 'Archive an offer: no longer sold or shown; buyers keep their access',
    request: { params: offerId },
    responses: { 200: jsonResponse(offerSchema, 'The archived offer'), ...errorResponses(401, 404) },
  }),
  listLessons: route({
    method: 'get',
    path: '/offers/{id}/lessons',
    tags: ['lessons'],
    summary: "A course's lessons in order",
    request: { params: offerId },
    responses: { 200: jsonResponse(lessonListSchema, 'The lessons'), ...errorResponses(401, 404, 409) },
  }),
  addLesson: route({
    method: 'post',
    path: '/offers/{id}/lessons',
    tags: ['lessons'],
    summary: 'Add a lesson to a course',
    request: { params: offerId, body: jsonBody(lessonInputSchema) },
    responses: { 201: jsonResponse(lessonSchema, 'The new lesson'), ...writeErrors },
  }),
  reorderLessons: route({
    method: 'put',
    path: '/offers/{id}/lessons/order',
    tags: ['lessons'],
    summary: "Set the order of all of a course's lessons",
    request: { params: offerId, body: jsonBody(lessonOrderSchema) },
    responses: { 200: jsonResponse(lessonListSchema, 'The lessons in their new order'), ...writeErrors },
  }),
  getLesson: route({
    method: 'get',
    path: '/lessons/{id}',
    tags: ['lessons'],
    summary: 'Read a lesson',
    request: { params: lessonId },
    responses: { 200: jsonResponse(lessonSchema, 'The lesson'), ...errorResponses(401, 404) },
  }),
  updateLesson: route({
    method: 'patch',
    path: '/lessons/{id}',
    tags: ['lessons'],
    summary: 'Edit or move a lesson',
    request: { params: lessonId, body: jsonBody(lessonUpdateSchema) },
    responses: { 200: jsonResponse(lessonSchema, 'The updated lesson'), ...writeErrors },
  }),
  removeLesson: route({
    method: 'delete',
    path: '/lessons/{id}',
    tags: ['lessons'],
    summary: 'Remove a lesson (and progress on it)',
    request: { params: lessonId },
    responses: { 204: { description: 'Removed' }, ...errorResponses(401, 404) },
  }),
  listSlots: route({
    method: 'get',
    path: '/offers/{id}/slots',
    tags: ['slots'],
    summary: "A consultation's slots from a time on (default now), by start time",
    request: { params: offerId, query: listSlotsQuery },
    responses: { 200: jsonResponse(slotListSchema, 'The slots'), ...errorResponses(401, 404, 409, 422) },
  }),
  addSlots: route({
    method: 'post',
    path: '/offers/{id}/slots',
    tags: ['slots'],
    summary: 'Add bookable slots (UTC times; none may overlap)',
    request: { params: offerId, body: jsonBody(createSlotsSchema) },
    responses: { 201: jsonResponse(slotListSchema, 'The new slots'), ...writeErrors },
  }),
  getSlot: route({
    method: 'get',
    path: '/slots/{id}',
    tags: ['slots'],
    summary: 'Read a slot',
    request: { params: slotId },
    responses: { 200: jsonResponse(slotSchema, 'The slot'), ...errorResponses(401, 404) },
  }),
  updateSlot: route({
    method: 'patch',
    path: '/slots/{id}',
    tags: ['slots'],
    summary: 'Change meeting details, or move a free slot',
    request: { params: slotId, body: jsonBody(updateSlotSchema) },
    responses: { 200: jsonResponse(slotSchema, 'The updated slot'), ...writeErrors },
  }),
  removeSlot: route({
    method: 'delete',
    path: '/slots/{id}',
    tags: ['slots'],
    summary: 'Take a free slot off sale (held or booked slots answer 409)',
    request: { params: slotId },
    responses: { 200: jsonResponse(slotSchema, 'The slot, now cancelled'), ...errorResponses(401, 404, 409) },
  }),
}

export function catalogRoutes(deps: Deps) {
  const scope = (creator: { id: string }) => ({ creatorId: creator.id })
  return apiRoutes<AppEnv>()
    .openapi(routes.createOffer, async (c) =>
      c.json(await createOffer(deps, scope(c.var.creator), c.req.valid('json'), c.var.actor), 201),
    )
    .openapi(routes.listOffers, async (c) =>
      c.json(await listOffers(deps, scope(c.var.creator), c.req.valid('query')), 200),
    )
    .openapi(routes.getOffer, async (c) =>
      c.json(await getOffer(deps, scope(c.var.creator), c.req.valid('param').id), 200),
    )
    .openapi(routes.updateOffer, async (c) =>
      c.json(
        await updateOffer(
          deps,
          scope(c.var.creator),
          c.req.valid('param').id,
          c.req.valid('json'),
          c.var.actor,
        ),
        200,
      ),
    )
    .openapi(routes.archiveOffer, async (c) =>
      c.json(await archiveOffer(deps, scope(c.var.creator), c.req.valid('param').id, c.var.actor), 200),
    )
    .openapi(routes.listLessons, async (c) =>
      c.json({ data: await listLessons(deps, scope(c.var.creator), c.req.valid('param').id) }, 200),
    )
    .openapi(routes.addLesson, async (c) =>
      c.json(
        await addLesson(
          deps,
          scope(c.var.creator),
          c.req.valid('param').id,
          c.req.valid('json'),
          c.var.actor,
        ),
        201,
      ),
    )
    .openapi(routes.reorderLessons, async (c) =>
      c.json(
        {
          data: await reorderLessons(
            deps,
            scope(c.var.creator),
            c.req.valid('param').id,
            c.req.valid('json').lesson_ids,
            c.var.actor,
          ),
        },
        200,
      ),
    )
    .openapi(routes.getLesson, async (c) =>
      c.json(await getLesson(deps, scope(c.var.creator), c.req.valid('param').id), 200),
    )
    .openapi(routes.updateLesson, async (c) =>
      c.json(
        await updateLesson(
          deps,
          scope(c.var.creator),
          c.req.valid('param').id,
          c.req.valid('json'),
          c.var.actor,
        ),
        200,
      ),
    )
    .openapi(routes.removeLesson, async (c) => {
      await removeLesson(deps, scope(c.var.creator), c.req.valid('param').id, c.var.actor)
      return c.body(null, 204)
    })
    .openapi(routes.listSlots, async (c) =>
      c.json(
        { data: await listSlots(deps, scope(c.var.creator), c.req.valid('param').id, c.req.valid('query')) },
        200,
      ),
    )
    .openapi(routes.addSlots, async (c) =>
      c.json(
        {
          data: await addSlots(
            deps,
            scope(c.var.creator),
            c.req.valid('param').id,
            c.req.valid('json'),
            c.var.actor,
          ),
        },
        201,
      ),
    )
    .openapi(routes.getSlot, async (c) =>
      c.json(await getSlot(deps, scope(c.var.creator), c.req.valid('param').id), 200),
    )
    .openapi(routes.updateSlot, async (c) =>
      c.json(
        await updateSlot(
          deps,
          scope(c.var.creator),
          c.req.valid('param').id,
          c.req.valid('json'),
          c.var.actor,
        ),
        200,
      ),
    )
    .openapi(routes.removeSlot, async (c) =>
      c.json(await removeSlot(deps, scope(c.var.creator), c.req.valid('param').id, c.var.actor), 200),
    )
}

export type CatalogRoutes = ReturnType<typeof catalogRoutes>

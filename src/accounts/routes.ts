/**
 * Routes for creators: the operator creates them; a creator reads and edits its own settings.
 * Authentication is applied by app.ts for all of /api/v1 (admin token or API key); handlers read c.var.
 */
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute } from '../lib/api-route'
import { errorResponses, jsonBody, jsonResponse, named } from '../lib/openapi'
import * as z from '../lib/zod'
import {
  createCreator,
  createCreatorSchema,
  creatorJson,
  creatorSchema,
  newApiKeySchema,
  updateCreator,
  updateCreatorSchema,
} from './creators'

const bearer = [{ bearerAuth: [] }]
const admin = [{ adminToken: [] }]

const createCreatorRoute = defineRoute({
  method: 'post',
  path: '/admin/creators',
  tags: ['admin'],
  summary: 'Create a creator and its first API key (operator only)',
  security: admin,
  request: { body: jsonBody(createCreatorSchema) },
  responses: {
    201: jsonResponse(
      named(z.object({ creator: creatorSchema, api_key: newApiKeySchema }), 'CreatedCreator'),
      'The creator, and its API key (shown once)',
    ),
    ...errorResponses(400, 401, 409, 413, 415, 422),
  },
})

const readCreatorRoute = defineRoute({
  method: 'get',
  path: '/creator',
  tags: ['creator'],
  summary: "The API key's creator",
  security: bearer,
  responses: { 200: jsonResponse(creatorSchema, 'The creator'), ...errorResponses(401) },
})

const updateCreatorRoute = defineRoute({
  method: 'patch',
  path: '/creator',
  tags: ['creator'],
  summary: 'Update storefront settings (name, bio, currency, locale, time zone, grace days)',
  security: bearer,
  request: { body: jsonBody(updateCreatorSchema) },
  responses: {
    200: jsonResponse(creatorSchema, 'The updated creator'),
    ...errorResponses(400, 401, 413, 415, 422),
  },
})

export function adminRoutes(deps: Deps) {
  return apiRoutes<AppEnv>().openapi(createCreatorRoute, async (c) => {
    const result = await createCreator(deps, c.req.valid('json'), c.var.actor)
    return c.json({ creator: result.creator, api_key: result.apiKey }, 201)
  })
}

export function creatorRoutes(deps: Deps) {
  return apiRoutes<AppEnv>()
    .openapi(readCreatorRoute, (c) => c.json(creatorJson(c.var.creator), 200))
    .openapi(updateCreatorRoute, async (c) =>
      c.json(await updateCreator(deps, c.var.creator, c.req.valid('json'), c.var.actor), 200),
    )
}

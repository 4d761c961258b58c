/**
 * Routes for creators: the operator creates them; a creator reads and edits its own settings.
 * Authentication is applied by app.ts for all of /api/v1 (admin token or API key); handlers read c.var.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { errorResponses, jsonBody, jsonResponse, validationHook } from '../lib/openapi'
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

const createCreatorRoute = createRoute({
  method: 'post',
  path: '/admin/creators',
  tags: ['admin'],
  summary: 'Create a creator and its first API key (operator only)',
  security: admin,
  request: { body: jsonBody(createCreatorSchema) },
  responses: {
    201: jsonResponse(
      z.object({ creator: creatorSchema, api_key: newApiKeySchema }).openapi('CreatedCreator'),
      'The creator, and its API key (shown once)',
    ),
    ...errorResponses(400, 401, 409, 413, 415, 422),
  },
})

const readCreatorRoute = createRoute({
  method: 'get',
  path: '/creator',
  tags: ['creator'],
  summary: "The API key's creator",
  security: bearer,
  responses: { 200: jsonResponse(creatorSchema, 'The creator'), ...errorResponses(401) },
})

const updateCreatorRoute = createRoute({
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
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(createCreatorRoute, async (c) => {
    const result = await createCreator(deps, c.req.valid('json'), c.var.actor)
    return c.json({ creator: result.creator, api_key: result.apiKey }, 201)
  })
}

export function creatorRoutes(deps: Deps) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(readCreatorRoute, (c) => c.json(creatorJson(c.var.creator), 200))
    .openapi(updateCreatorRoute, async (c) =>
      c.json(await updateCreator(deps, c.var.creator, c.req.valid('json'), c.var.actor), 200),
    )
}

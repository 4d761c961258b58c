/**
 * The access explainer under /api/v1: why a member can or cannot use each of your offers now. A thin handler:
 * validate, call the verb scoped to the API key's creator. Authentication is applied by app.ts.
 */
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute } from '../lib/api-route'
import { errorResponses, jsonResponse } from '../lib/openapi'
import { memberIdParam } from '../members/member-schemas'
import { accessExplanationSchema } from './access-schemas'
import { explainAccess } from './explain-access'

const explainAccessRoute = defineRoute({
  method: 'get',
  path: '/members/{id}/access',
  tags: ['members'],
  security: [{ bearerAuth: [] }],
  summary:
    "Explain a member's access now: each offer, whether they can use it and why, with the history behind it",
  request: { params: memberIdParam },
  responses: {
    200: jsonResponse(accessExplanationSchema, 'The member’s access, offer by offer'),
    ...errorResponses(401, 404),
  },
})

export function accessRoutes(deps: Deps) {
  return apiRoutes<AppEnv>().openapi(explainAccessRoute, async (c) =>
    c.json(await explainAccess(deps, { creatorId: c.var.creator.id }, c.req.valid('param').id), 200),
  )
}

export type AccessRoutes = ReturnType<typeof accessRoutes>

/**
 * The members API under /api/v1: orders, members (buyers with this creator's entitlements), manual grants and
 * revokes, refunds. Thin handlers: validate, call one verb scoped to the API key's creator, shape the answer.
 * Authentication is applied by app.ts.
 */
import type { AppEnv } from '../app-env'
import { changeTier } from '../billing/change-tier'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute, type RouteSpec } from '../lib/api-route'
import { errorResponses, jsonBody, jsonResponse, stripeResponses } from '../lib/openapi'
import { grantEntitlement } from './grant-entitlement'
import {
  changeTierInputSchema,
  grantInputSchema,
  listMembersQuery,
  listOrdersQuery,
  memberEntitlementParams,
  memberEntitlementSchema,
  memberIdParam,
  memberPageSchema,
  memberSchema,
  orderIdParam,
  orderPageSchema,
  refundInputSchema,
  refundSchema,
  subscriptionIdParam,
  tierChangeSchema,
} from './member-schemas'
import { getMember, listMembers } from './members'
import { listOrders } from './orders'
import { refundOrder } from './refund-order'
import { revokeEntitlement } from './revoke-entitlement'

const security = [{ bearerAuth: [] }]

const route = <const R extends RouteSpec>(config: R) => defineRoute({ security, ...config })

const routes = {
  listOrders: route({
    method: 'get',
    path: '/orders',
    tags: ['orders'],
    summary: 'List orders, newest first, with cursor pagination',
    request: { query: listOrdersQuery },
    responses: { 200: jsonResponse(orderPageSchema, 'A page of orders'), ...errorResponses(401, 422) },
  }),
  refundOrder: route({
    method: 'post',
    path: '/orders/{id}/refund',
    tags: ['orders'],
    summary: "Refund (part of) a paid order; access changes when Stripe's charge.refunded event arrives",
    request: { params: orderIdParam, body: jsonBody(refundInputSchema) },
    responses: {
      202: jsonResponse(refundSchema, 'Stripe accepted the refund'),
      ...errorResponses(400, 401, 404, 409, 413, 415, 422),
      ...stripeResponses('nothing was refunded'),
    },
  }),
  listMembers: route({
    method: 'get',
    path: '/members',
    tags: ['members'],
    summary: 'List buyers who hold or held one of your offers, newest first, with their entitlements',
    request: { query: listMembersQuery },
    responses: { 200: jsonResponse(memberPageSchema, 'A page of members'), ...errorResponses(401, 422) },
  }),
  getMember: route({
    method: 'get',
    path: '/members/{id}',
    tags: ['members'],
    summary: 'Read a member and their entitlements to your offers',
    request: { params: memberIdParam },
    responses: { 200: jsonResponse(memberSchema, 'The member'), ...errorResponses(401, 404) },
  }),
  grantEntitlement: route({
    method: 'post',
    path: '/members/{id}/entitlements',
    tags: ['members'],
    summary: 'Grant a member access to one of your offers, outside Stripe',
    request: { params: memberIdParam, body: jsonBody(grantInputSchema) },
    responses: {
      201: jsonResponse(memberEntitlementSchema, 'The new entitlement'),
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  revokeEntitlement: route({
    method: 'delete',
    path: '/members/{id}/entitlements/{entitlement_id}',
    tags: ['members'],
    summary: "Revoke a member's entitlement (idempotent)",
    request: { params: memberEntitlementParams },
    responses: {
      200: jsonResponse(memberEntitlementSchema, 'The entitlement, now revoked'),
      ...errorResponses(401, 404),
    },
  }),
  changeTier: route({
    method: 'post',
    path: '/subscriptions/{id}/tier',
    tags: ['members'],
    summary: 'Move a card subscription to another tier: up now (prorated), down at the period end',
    request: { params: subscriptionIdParam, body: jsonBody(changeTierInputSchema) },
    responses: {
      200: jsonResponse(tierChangeSchema, 'Stripe accepted the change; access already follows it'),
      ...errorResponses(400, 401, 404, 409, 413, 415, 422),
      ...stripeResponses('nothing was changed'),
    },
  }),
}

export function memberRoutes(deps: Deps) {
  const scope = (creator: { id: string }) => ({ creatorId: creator.id })
  return apiRoutes<AppEnv>()
    .openapi(routes.listOrders, async (c) =>
      c.json(await listOrders(deps, scope(c.var.creator), c.req.valid('query')), 200),
    )
    .openapi(routes.refundOrder, async (c) =>
      c.json(
        await refundOrder(
          deps,
          scope(c.var.creator),
          c.req.valid('param').id,
          c.req.valid('json'),
          c.var.actor,
        ),
        202,
      ),
    )
    .openapi(routes.listMembers, async (c) =>
      c.json(await listMembers(deps, scope(c.var.creator), c.req.valid('query')), 200),
    )
    .openapi(routes.getMember, async (c) =>
      c.json(await getMember(deps, scope(c.var.creator), c.req.valid('param').id), 200),
    )
    .openapi(routes.grantEntitlement, async (c) =>
      c.json(
        await grantEntitlement(
          deps,
          scope(c.var.creator),
          c.req.valid('param').id,
          c.req.valid('json'),
          c.var.actor,
        ),
        201,
      ),
    )
    .openapi(routes.changeTier, async (c) =>
      c.json(
        await changeTier(
          deps,
          scope(c.var.creator),
          c.req.valid('param').id,
          c.req.valid('json'),
          c.var.actor,
        ),
        200,
      ),
    )
    .openapi(routes.revokeEntitlement, async (c) => {
      const { id, entitlement_id } = c.req.valid('param')
      return c.json(await revokeEntitlement(deps, scope(c.var.creator), id, entitlement_id, c.var.actor), 200)
    })
}

export type MemberRoutes = ReturnType<typeof memberRoutes>

/**
 * The dashboard's data under /api/v1: revenue by month, the overview, the audit log and CSV exports. Thin
 * handlers: validate, call one verb scoped to the API key's creator (and its time zone), shape the answer.
 * Authentication is applied by app.ts.
 */
import type { AppEnv, CreatorRow } from '../app-env'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute, type RouteSpec } from '../lib/api-route'
import { errorResponses, jsonResponse } from '../lib/openapi'
import { csvResponse } from './csv-export'
import {
  auditLogQuery,
  auditPageSchema,
  csvBodySchema,
  type ExportKind,
  overviewSchema,
  revenueQuery,
  revenueSchema,
} from './dashboard-schemas'
import { exportEntitlements } from './export-entitlements'
import { exportMembers } from './export-members'
import { exportOrders } from './export-orders'
import { listAuditLog } from './list-audit-log'
import { readOverview } from './read-overview'
import { readRevenue } from './read-revenue'

const security = [{ bearerAuth: [] }]

const route = <const R extends RouteSpec>(config: R) => defineRoute({ security, ...config })

const exportRoute = <const K extends ExportKind>(kind: K, summary: string) =>
  route({
    method: 'get',
    path: `/exports/${kind}.csv`,
    tags: ['dashboard'],
    summary,
    responses: {
      200: {
        description: `quanzi-${kind}-<yyyy-mm-dd>.csv as an attachment, every row, streamed`,
        content: { 'text/csv': { schema: csvBodySchema } },
      },
      ...errorResponses(401),
    },
  })

const routes = {
  revenue: route({
    method: 'get',
    path: '/stats/revenue',
    tags: ['dashboard'],
    summary: 'Money paid, refunded and kept per calendar month, offer and currency (default: last 12 months)',
    request: { query: revenueQuery },
    responses: { 200: jsonResponse(revenueSchema, 'The revenue report'), ...errorResponses(401, 422) },
  }),
  overview: route({
    method: 'get',
    path: '/stats/overview',
    tags: ['dashboard'],
    summary: 'Active members, renewals due in 30 days, 30-day churn and this month’s revenue',
    responses: { 200: jsonResponse(overviewSchema, 'The overview'), ...errorResponses(401) },
  }),
  auditLog: route({
    method: 'get',
    path: '/audit-log',
    tags: ['dashboard'],
    summary: 'Your audit log, newest first, with cursor pagination',
    request: { query: auditLogQuery },
    responses: { 200: jsonResponse(auditPageSchema, 'A page of audit entries'), ...errorResponses(401, 422) },
  }),
  exportMembers: exportRoute('members', 'Every member as CSV: id, email, name, first seen, active offers'),
  exportOrders: exportRoute('orders', 'Every order as CSV, with the fields of the Order JSON'),
  exportEntitlements: exportRoute(
    'entitlements',
    'Every entitlement as CSV, with the member’s email and the offer’s title',
  ),
}

export function dashboardRoutes(deps: Deps) {
  const scope = (creator: CreatorRow) => ({ creatorId: creator.id, timeZone: creator.timeZone })
  return apiRoutes<AppEnv>()
    .openapi(routes.revenue, async (c) =>
      c.json(await readRevenue(deps, scope(c.var.creator), c.req.valid('query')), 200),
    )
    .openapi(routes.overview, async (c) => c.json(await readOverview(deps, scope(c.var.creator)), 200))
    .openapi(routes.auditLog, async (c) =>
      c.json(await listAuditLog(deps, scope(c.var.creator), c.req.valid('query')), 200),
    )
    .openapi(routes.exportMembers, (c) => {
      const creator = scope(c.var.creator)
      return csvResponse(deps, creator, 'members', exportMembers(deps, creator))
    })
    .openapi(routes.exportOrders, (c) => {
      const creator = scope(c.var.creator)
      return csvResponse(deps, creator, 'orders', exportOrders(deps, creator))
    })
    .openapi(routes.exportEntitlements, (c) => {
      const creator = scope(c.var.creator)
      return csvResponse(deps, creator, 'entitlements', exportEntitlements(deps, creator))
    })
}

export type DashboardRoutes = ReturnType<typeof dashboardRoutes>

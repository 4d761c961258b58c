/**
 * The round-trip bench covers every route: each route the app serves (Hono's `app.routes` and every operation of
 * the OpenAPI document, enumerated by `routeKeys`, as the bench itself does) has a probe in bench/round-trips.ts,
 * or is listed in `unprobedRoutes` with its reason. Cheap: builds the app and reads the probe list, runs no
 * probe. A new route fails here until it gets a probe.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { isMiddleware, probedRoutes, probes, routeKeys, unprobedRoutes } from '../../bench/round-trips'
import { createTestContext, type TestContext } from '../helpers'

let ctx: TestContext
let routes: string[]

beforeAll(async () => {
  ctx = await createTestContext()
  routes = await routeKeys(ctx.app)
})

describe('round-trip bench coverage', () => {
  it('enumerates the pages, forms and every OpenAPI operation', async () => {
    const document = (await (await ctx.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    expect(operations.length).toBeGreaterThan(40)
    expect(routes).toEqual(expect.arrayContaining(operations))
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /c/:creator',
        'GET /dashboard',
        'POST /login',
        'GET /assets/*',
        'POST /webhooks/stripe',
      ]),
    )
  })

  it('skips only middleware: every ALL entry of app.routes is app.use on a wildcard path', () => {
    const all = ctx.app.routes.filter((route) => route.method === 'ALL')
    expect(all.filter((route) => !isMiddleware(route))).toEqual([])
  })

  it('has a probe for every route, or an explicit reason', () => {
    const probed = new Set(probedRoutes)
    const missing = routes.filter((route) => !probed.has(route) && !(route in unprobedRoutes))
    expect(missing, 'routes with no probe in bench/round-trips.ts').toEqual([])
  })

  it('has no probe or exclusion for a route the app does not serve', () => {
    const served = new Set(routes)
    expect(probedRoutes.filter((route) => !served.has(route))).toEqual([])
    expect(Object.keys(unprobedRoutes).filter((route) => !served.has(route))).toEqual([])
    expect(Object.keys(unprobedRoutes).filter((route) => probedRoutes.includes(route))).toEqual([])
    for (const reason of Object.values(unprobedRoutes)) expect(reason.trim()).not.toBe('')
  })

  it('names one row per probe', () => {
    const names = probes.map((probe) => `${probe.route} ${probe.note ?? ''}`)
    expect(new Set(names).size).toBe(names.length)
  })
})

import { describe, expect, it } from 'vitest'
import { api, createTestContext } from './helpers'

describe('GET /openapi.json', () => {
  it('documents every /api/v1 route the app serves, each with problem+json errors', async () => {
    const ctx = await createTestContext()
    const res = await api(ctx, 'GET', '/openapi.json')
    expect(res.status).toBe(200)
    expect(res.body.openapi).toBe('3.1.0')
    const documented = new Set<string>()
    for (const [path, operations] of Object.entries(
      res.body.paths as Record<string, Record<string, unknown>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
        const responses = (operation as { responses: Record<string, { content?: Record<string, unknown> }> })
          .responses
        const errors = Object.entries(responses).filter(([status]) => Number(status) >= 400)
        expect(errors.length, `${method} ${path} documents its errors`).toBeGreaterThan(0)
        for (const [, response] of errors)
          expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json'])
      }
    }
    const served = ctx.app.routes
      .filter((route) => route.path.startsWith('/api/v1/') && route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path}`)
    expect(served.length).toBeGreaterThan(20)
    for (const route of served) expect(documented, route).toContain(route)
  })

  it('declares the bearer, admin and buyer-session security schemes', async () => {
    const ctx = await createTestContext()
    const res = await api(ctx, 'GET', '/openapi.json')
    expect(Object.keys(res.body.components.securitySchemes).sort()).toEqual([
      'adminToken',
      'bearerAuth',
      'sessionCookie',
    ])
    expect(res.body.components.securitySchemes.sessionCookie).toMatchObject({
      in: 'cookie',
      name: 'qz_session',
    })
  })
})

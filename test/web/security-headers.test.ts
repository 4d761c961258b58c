/**
 * Every response carries `X-Content-Type-Options: nosniff` and `Referrer-Policy: strict-origin-when-cross-origin`,
 * whatever built it: a page, JSON, a problem, a redirect, the stylesheet, a streamed CSV (a raw Response), a HEAD
 * request, a refused body. The middleware sets them before the handler and enforces them on the response that
 * comes out where missing, so a handler's stricter value survives (/login/verify's `same-origin`). Responses built
 * through the context also carry the `x-request-id`; a raw Response (the CSV) does not.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { stylesheetPath } from '../../src/web/assets'
import { api, createTestContext, givenCreator, type TestContext } from '../helpers'
import { origin } from '../sign-in'

let ctx: TestContext
let key: string
let slug: string

beforeEach(async () => {
  ctx = await createTestContext({ MAX_BODY_BYTES: '1024' })
  ;({ key, slug } = await givenCreator(ctx))
})

afterEach(() => ctx.sql.close())

function expectSecurityHeaders(response: Response, requestId = true) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  if (requestId) expect(response.headers.get('x-request-id')).toMatch(/^[\w-]+$/)
}

describe('security headers', () => {
  it('are on pages, JSON, problems, redirects and the stylesheet', async () => {
    const html = { accept: 'text/html' }
    const responses = [
      await ctx.app.request('/login', { headers: html }),
      await ctx.app.request(`/c/${slug}`, { headers: html }),
      await ctx.app.request('/c/no-such-creator/posts/nothing', { headers: html }),
      await ctx.app.request('/no-such-page', { headers: html }),
      await ctx.app.request('/api/v1/offers', { headers: { authorization: `Bearer ${key}` } }),
      await ctx.app.request('/api/v1/offers'),
      await ctx.app.request('/me'),
      await ctx.app.request(stylesheetPath),
      await ctx.app.request('/healthz'),
    ]
    expect(responses.map((response) => response.status)).toEqual([
      200, 200, 404, 404, 200, 401, 303, 200, 200,
    ])
    for (const response of responses) expectSecurityHeaders(response)
  })

  it('are on a HEAD answer, a streamed CSV and a refused body', async () => {
    const head = await ctx.app.request('/login', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expectSecurityHeaders(head)
    const csv = await ctx.app.request('/api/v1/exports/members.csv', {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    expectSecurityHeaders(csv, false)
    const tooLarge = await api(ctx, 'POST', '/api/v1/offers', { key, body: { title: 'x'.repeat(2048) } })
    expect(tooLarge.status).toBe(413)
    const raw = await ctx.app.request('/api/v1/offers', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(2048) }),
    })
    expect(raw.status).toBe(413)
    expectSecurityHeaders(raw)
  })

  it("leave a handler's stricter choice: the sign-in link's page sends no referrer to other sites", async () => {
    const verify = await ctx.app.request('/login/verify?token=abc', {
      headers: { accept: 'text/html', origin },
    })
    expect(verify.status).toBe(200)
    // Its URL carries the sign-in token: no request from that page may name it.
    expect(verify.headers.get('referrer-policy')).toBe('same-origin')
    expect(verify.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('echo a well-formed request id and replace a malformed one', async () => {
    const echoed = await ctx.app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } })
    expect(echoed.headers.get('x-request-id')).toBe('abc-123')
    const replaced = await ctx.app.request('/healthz', { headers: { 'x-request-id': 'bad id!' } })
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id!')
  })
})

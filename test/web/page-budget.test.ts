/**
 * Page weight budgets (issue 6): a gated page's HTML under 30 KB, the stylesheet under 20 KB and cacheable for a
 * year, and no request leaves the site (no third-party script, font or stylesheet).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { stylesheetPath } from '../../src/web/assets'
import { courseBody } from '../catalog/builders'
import { api, createTestContext, givenCreator, type TestContext } from '../helpers'

let ctx: TestContext

beforeEach(async () => {
  ctx = await createTestContext()
})

describe('page budgets', () => {
  it('keeps a gated lesson page under 30 KB, with only same-site subresources', async () => {
    const { key } = await givenCreator(ctx)
    const course = (await api(ctx, 'POST', '/api/v1/offers', { key, body: courseBody({ status: 'live' }) }))
      .body
    for (let i = 0; i < 30; i++)
      await api(ctx, 'POST', `/api/v1/offers/${course.id}/lessons`, {
        key,
        body: { title: `第 ${i + 1} 课：细读一段文字`, body: '正文。'.repeat(50) },
      })
    const page = await ctx.app.request(`/learn/${course.id}`, { headers: { accept: 'text/html' } })
    const html = await page.text()
    expect(new TextEncoder().encode(html).length).toBeLessThan(30 * 1024)
    const subresources = [...html.matchAll(/<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"/g)].map(
      (m) => m[1],
    )
    expect(subresources).toEqual([stylesheetPath])
  })

  it('serves the stylesheet under 20 KB with a year of immutable caching', async () => {
    const css = await ctx.app.request(stylesheetPath)
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toContain('text/css')
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(new TextEncoder().encode(await css.text()).length).toBeLessThan(20 * 1024)
  })
})

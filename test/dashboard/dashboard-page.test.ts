import { beforeEach, describe, expect, it } from 'vitest'
import { courseBody } from '../catalog/builders'
import { api, createTestContext, givenCreator, type TestContext } from '../helpers'
import { origin, signIn } from '../sign-in'

let ctx: TestContext
let creator: { id: string; slug: string; key: string }

beforeEach(async () => {
  ctx = await createTestContext()
  creator = await givenCreator(ctx, { slug: 'writer', email: 'writer@example.com', locale: 'en' })
})

describe('creator dashboard by magic link', () => {
  it('sends a signed-out visitor to the creator sign-in, and shows a signed-in creator the figures', async () => {
    const out = await ctx.app.request('/dashboard')
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/login?as=creator&next=%2Fdashboard')
    const { cookie, response } = await signIn(ctx, 'writer@example.com', 'creator')
    expect(response.headers.get('location')).toBe('/dashboard')
    const page = await ctx.app.request('/dashboard', { headers: { cookie } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Creator dashboard')
    expect(html).toContain('data-figure="active-members">0<')
    expect(html).toContain('href="/api/v1/exports/members.csv"')
  })

  it('lets the creator session use the creator API, and checks the origin of its writes', async () => {
    const { cookie } = await signIn(ctx, 'writer@example.com', 'creator')
    const me = await api(ctx, 'GET', '/api/v1/creator', { headers: { cookie } })
    expect(me.status).toBe(200)
    expect(me.body.slug).toBe('writer')
    const csv = await ctx.app.request('/api/v1/exports/members.csv', { headers: { cookie } })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const body = courseBody()
    const forged = await api(ctx, 'POST', '/api/v1/offers', {
      headers: { cookie, origin: 'https://evil.example' },
      body,
    })
    expect(forged.status).toBe(403)
    const ours = await api(ctx, 'POST', '/api/v1/offers', { headers: { cookie, origin }, body })
    expect(ours.status).toBe(201)
    const audit = await ctx.sql.execute(
      "select actor_type, actor_id from audit_log where action like 'offer.%'",
    )
    expect(audit.rows[0]).toMatchObject({ actor_type: 'creator', actor_id: creator.id })
  })

  it("refuses a buyer's session on the creator API and the dashboard", async () => {
    const { cookie } = await signIn(ctx, 'reader@example.com')
    expect((await api(ctx, 'GET', '/api/v1/creator', { headers: { cookie } })).status).toBe(401)
    expect((await ctx.app.request('/dashboard', { headers: { cookie } })).status).toBe(303)
  })

  it('follows the footer language switch, while settings keep the creator’s own language', async () => {
    await ctx.sql.execute("update creators set locale = 'zh-CN' where slug = 'writer'")
    const { cookie } = await signIn(ctx, 'writer@example.com', 'creator')
    expect(await (await ctx.app.request('/dashboard', { headers: { cookie } })).text()).toContain(
      '创作者后台',
    )
    const english = await ctx.app.request('/dashboard?lang=en', { headers: { cookie } })
    expect(await english.text()).toContain('Creator dashboard')
    const settings = await ctx.app.request('/dashboard/settings?lang=en', { headers: { cookie } })
    expect(await settings.text()).toMatch(/<option value="zh-CN" selected/)
  })
})

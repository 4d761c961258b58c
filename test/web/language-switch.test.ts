/**
 * The footer's language switch, `GET /lang/:locale`: it remembers the choice and returns to the page it was
 * made on with that page's own query intact (a sign-in's `next`, a checkout's `session_id`), never to
 * another site.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../helpers'

let ctx: TestContext
const site = 'http://localhost:8787'

beforeEach(async () => {
  ctx = await createTestContext()
})

const switchTo = (locale: string, referer?: string) =>
  ctx.app.request(`${site}/lang/${locale}`, { headers: referer ? { referer } : {} })

describe('GET /lang/:locale', () => {
  it('remembers the language and goes back to the page with its query, less any lang', async () => {
    const res = await switchTo('en', `${site}/login?as=creator&next=%2Fdashboard%2Frevenue&lang=zh-CN`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?as=creator&next=%2Fdashboard%2Frevenue')
    expect(res.headers.get('set-cookie')).toMatch(/^qz_lang=en; Max-Age=31536000; Path=\/; SameSite=Lax/)

    const page = await ctx.app.request(`${site}/login?as=creator&next=%2Fdashboard`, {
      headers: { cookie: 'qz_lang=en', 'accept-language': 'zh-CN', accept: 'text/html' },
    })
    const html = await page.text()
    expect(html).toContain('<html lang="en">')
    expect(html).toContain('name="next" value="/dashboard"')
    expect(html).toContain('href="/lang/zh-CN"')
  })

  it('goes home instead of to another site, a garbled referer or none', async () => {
    for (const referer of [
      'https://evil.example/login?next=/x',
      `${site.replace('8787', '9999')}/login`,
      'not a url',
      `${site}//evil.example/path`,
      undefined,
    ]) {
      const res = await switchTo('zh-CN', referer)
      expect(res.status, String(referer)).toBe(303)
      expect(res.headers.get('location'), String(referer)).toBe('/')
    }
  })

  it('accepts the public address as this site, behind a proxy that changes the host', async () => {
    const proxied = await createTestContext({ PUBLIC_URL: 'https://circle.example' })
    const res = await proxied.app.request('http://10.0.0.5:3000/lang/en', {
      headers: { referer: 'https://circle.example/checkout/success?session_id=cs_1' },
    })
    expect(res.headers.get('location')).toBe('/checkout/success?session_id=cs_1')
  })

  it('answers 404 for a language it does not have, and sets nothing', async () => {
    const res = await switchTo('fr', `${site}/login`)
    expect(res.status).toBe(404)
    expect(res.headers.get('set-cookie')).toBeNull()
  })
})

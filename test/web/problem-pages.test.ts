/**
 * Error pages for browsers speak the visitor's language (?lang, cookie, Accept-Language, else zh-CN); the
 * problem's own English title, detail and field errors stay on the page as technical detail, marked lang="en".
 * API clients keep getting the same application/problem+json, headers included.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { Problem, paymentRequired, unauthorized, validationFailed } from '../../src/lib/problem'
import { createTestContext, type TestContext } from '../helpers'

let ctx: TestContext

beforeEach(async () => {
  ctx = await createTestContext()
})

async function browse(path: string, headers: Record<string, string> = {}, init: RequestInit = {}) {
  const response = await ctx.app.request(path, { ...init, headers: { accept: 'text/html', ...headers } })
  return { response, html: await response.text() }
}

/** The technical-detail block: `lang` is the attribute it carries (none on an English page). */
function technical(html: string): { lang: string | null; text: string } {
  const match = html.match(
    /<details[^>]*><summary>[^<]*<\/summary><div class="problem-detail"( lang="en")?>(.*?)<\/div><\/details>/s,
  )
  if (!match) throw new Error(`no technical detail in ${html}`)
  return { lang: match[1] ? 'en' : null, text: match[2] ?? '' }
}

function heading(html: string): string {
  return html.match(/<h1 id="problem-title">([^<]*)<\/h1>/)?.[1] ?? ''
}

describe('404 page', () => {
  it('speaks Chinese to a zh-CN browser, with the English detail marked as English', async () => {
    const { response, html } = await browse('/nope', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' })
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect(html).toContain('<html lang="zh-CN">')
    expect(heading(html)).toBe('页面不存在')
    expect(html).toContain('<title>404 页面不存在</title>')
    expect(html).toContain('找不到这个页面')
    expect(technical(html)).toEqual({ lang: 'en', text: '<p>Not found — No route GET /nope exists.</p>' })
    expect(html).toContain('<summary>技术细节（英文）</summary>')
    expect(html).toContain('<a href="/">← 返回首页</a>')
  })

  it('defaults to Chinese without Accept-Language', async () => {
    const { html } = await browse('/nope')
    expect(html).toContain('<html lang="zh-CN">')
    expect(heading(html)).toBe('页面不存在')
  })

  it('speaks English to an English browser, without a redundant lang on the detail', async () => {
    const { response, html } = await browse('/nope', { 'accept-language': 'en-GB,en;q=0.9' })
    expect(response.status).toBe(404)
    expect(html).toContain('<html lang="en">')
    expect(heading(html)).toBe('Page not found')
    expect(technical(html)).toEqual({ lang: null, text: '<p>Not found — No route GET /nope exists.</p>' })
    expect(html).toContain('<a href="/">← Home</a>')
    expect(html).not.toContain('返回首页')
  })

  it('follows ?lang= over Accept-Language, and remembers it', async () => {
    const { response, html } = await browse('/nope?lang=en', { 'accept-language': 'zh-CN' })
    expect(html).toContain('<html lang="en">')
    expect(heading(html)).toBe('Page not found')
    const cookie = response.headers.get('set-cookie')?.split(';')[0] ?? ''
    expect(cookie).toBe('qz_lang=en')
    const later = await browse('/also-nope', { 'accept-language': 'zh-CN', cookie })
    expect(heading(later.html)).toBe('Page not found')
  })
})

describe('other statuses', () => {
  it('offers to sign in on a 401, coming back to the page, and keeps WWW-Authenticate', async () => {
    ctx.app.get('/gated', () => {
      throw unauthorized('Sign in to read this post.', 'Cookie realm="quanzi"')
    })
    const { response, html } = await browse('/gated?part=2', { 'accept-language': 'zh-CN' })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Cookie realm="quanzi"')
    expect(heading(html)).toBe('请先登录')
    expect(html).toContain('<a href="/login?next=%2Fgated%3Fpart%3D2">登录</a>')
    expect(technical(html)).toEqual({ lang: 'en', text: '<p>Not signed in — Sign in to read this post.</p>' })

    const english = await browse('/gated', { 'accept-language': 'en' })
    expect(heading(english.html)).toBe('Please sign in')
    expect(english.html).toContain('<a href="/login?next=%2Fgated">Sign in</a>')
  })

  it('links a 401 at a path /login would not return to to plain /login', async () => {
    ctx.app.get('*', () => {
      throw unauthorized('Sign in first.', 'Cookie realm="quanzi"')
    })
    const { response, html } = await browse('http://localhost//evil.example/x')
    expect(response.status).toBe(401)
    expect(html).toContain('<a href="/login">登录</a>')
    expect(html).not.toContain('next=')
  })

  it('explains a 402 in the visitor’s language', async () => {
    ctx.app.get('/paid', () => {
      throw paymentRequired('You have no access to this post now (no_entitlement).', {
        reason: 'no_entitlement',
        buy: ['off_1'],
      })
    })
    const { response, html } = await browse('/paid', { 'accept-language': 'zh' })
    expect(response.status).toBe(402)
    expect(heading(html)).toBe('需要购买')
    expect(technical(html).text).toContain('You have no access to this post now (no_entitlement).')
    expect(html).not.toContain('/login')
  })

  it('refuses a cross-site form with a localized 403', async () => {
    const { response, html } = await browse(
      '/login',
      {
        origin: 'https://evil.example',
        'accept-language': 'zh-CN',
        'content-type': 'application/x-www-form-urlencoded',
      },
      { method: 'POST', body: 'email=a%40example.com' },
    )
    expect(response.status).toBe(403)
    expect(heading(html)).toBe('无权操作')
    expect(technical(html).text).toContain('This form was posted from another site')
  })

  it('shows a 422’s field errors open, in English, under a localized heading', async () => {
    ctx.app.get('/form', () => {
      throw validationFailed([{ path: 'email', message: 'must be an email address' }])
    })
    const { response, html } = await browse('/form', { 'accept-language': 'zh-CN' })
    expect(response.status).toBe(422)
    expect(heading(html)).toBe('填写有误')
    expect(html).toContain('<details class="muted" open="">')
    const detail = technical(html)
    expect(detail.lang).toBe('en')
    expect(detail.text).toContain('<li><code>email</code>: must be an email address</li>')
  })

  it('asks to try later on a 429 and keeps Retry-After', async () => {
    ctx.app.get('/busy', () => {
      const problem = new Problem(429, 'too-many-requests', 'Too many requests', 'Slow down.')
      problem.headers['Retry-After'] = '30'
      throw problem
    })
    const zh = await browse('/busy', { 'accept-language': 'zh-CN' })
    expect(zh.response.status).toBe(429)
    expect(zh.response.headers.get('retry-after')).toBe('30')
    expect(heading(zh.html)).toBe('请求过于频繁')
    expect(zh.html).toContain('请稍后再试')
    const en = await browse('/busy?lang=en')
    expect(heading(en.html)).toBe('Too many requests')
    expect(en.html).toContain('Please try again later.')
  })

  it('repeats the request id of a 500 in the visitor’s language', async () => {
    ctx.app.get('/boom', () => {
      throw new Error('database exploded')
    })
    const { response, html } = await browse('/boom', { 'accept-language': 'zh-CN' })
    expect(response.status).toBe(500)
    const id = response.headers.get('x-request-id') ?? ''
    expect(id).not.toBe('')
    expect(heading(html)).toBe('出错了')
    expect(html).toContain(`<p>如需反馈，请附上请求编号 ${id}。</p>`)
    expect(technical(html).text).toContain(`Quote request id ${id} when reporting it.`)
    expect(html).not.toContain('database exploded')
  })

  it('falls back to a generic text for a status without its own', async () => {
    ctx.app.get('/teapot', () => {
      throw new Problem(418, 'teapot', 'I am a teapot', 'Short and stout.')
    })
    const { response, html } = await browse('/teapot', { 'accept-language': 'en' })
    expect(response.status).toBe(418)
    expect(heading(html)).toBe('Request not completed')
    expect(technical(html).text).toContain('I am a teapot — Short and stout.')
  })
})

describe('API clients', () => {
  it('still get application/problem+json under /api, even asking for HTML', async () => {
    const { response, html } = await browse('/api/v1/offers', { 'accept-language': 'zh-CN' })
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="quanzi"')
    expect(html).toBe(
      JSON.stringify({
        type: '/problems/unauthorized',
        title: 'Not signed in',
        status: 401,
        detail: 'Send your API key as "Authorization: Bearer qz_…".',
        instance: '/api/v1/offers',
      }),
    )
  })

  it('still get JSON for an unknown route when they do not ask for HTML', async () => {
    const response = await ctx.app.request('/nope', { headers: { 'accept-language': 'zh-CN' } })
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toEqual({
      type: '/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'No route GET /nope exists.',
      instance: '/nope',
    })
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/lib/crypto'
import { adminToken, api, countRows, createTestContext, givenCreator, type TestContext } from '../helpers'

let ctx: TestContext
beforeEach(async () => {
  ctx = await createTestContext()
})

const newCreator = { slug: 'reading-club', name: '读书会', email: 'Chen@Example.com' }

describe('POST /api/v1/admin/creators', () => {
  describe('happy', () => {
    it('creates a creator with defaults and returns its API key once, stored only as a hash', async () => {
      const res = await api(ctx, 'POST', '/api/v1/admin/creators', { key: adminToken, body: newCreator })
      expect(res.status).toBe(201)
      expect(res.body.creator).toMatchObject({
        slug: 'reading-club',
        name: '读书会',
        email: 'chen@example.com',
        default_currency: 'CNY',
        locale: 'zh-CN',
        grace_days: 3,
      })
      expect(res.body.creator.id).toMatch(/^cre_/)
      const key: string = res.body.api_key.key
      expect(key).toMatch(/^qz_[A-Za-z0-9_-]{32}$/)
      const stored = await ctx.sql.execute('select hash, prefix from api_keys')
      expect(stored.rows).toHaveLength(1)
      expect(stored.rows[0]?.hash).toBe(await sha256Hex(key))
      expect(JSON.stringify(stored.rows)).not.toContain(key)
      expect(await countRows(ctx, 'audit_log')).toBe(1)
    })

    it('gives a key that reads its own creator', async () => {
      const created = await api(ctx, 'POST', '/api/v1/admin/creators', { key: adminToken, body: newCreator })
      const me = await api(ctx, 'GET', '/api/v1/creator', { key: created.body.api_key.key })
      expect(me.status).toBe(200)
      expect(me.body.slug).toBe('reading-club')
    })
  })

  describe('error', () => {
    it('answers 409 for a taken slug and writes nothing', async () => {
      await api(ctx, 'POST', '/api/v1/admin/creators', { key: adminToken, body: newCreator })
      const res = await api(ctx, 'POST', '/api/v1/admin/creators', { key: adminToken, body: newCreator })
      expect(res.status).toBe(409)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(res.body.detail).toContain('reading-club')
      expect(await countRows(ctx, 'creators')).toBe(1)
      expect(await countRows(ctx, 'api_keys')).toBe(1)
    })

    it('answers 422 listing each invalid field', async () => {
      const res = await api(ctx, 'POST', '/api/v1/admin/creators', {
        key: adminToken,
        body: { slug: 'Bad Slug', name: '', email: 'nope', default_currency: 'XYZ', time_zone: 'Mars/Base' },
      })
      expect(res.status).toBe(422)
      const paths = res.body.errors.map((error: { path: string }) => error.path).sort()
      expect(paths).toEqual(['default_currency', 'email', 'name', 'slug', 'time_zone'])
      expect(await countRows(ctx, 'creators')).toBe(0)
    })

    it('refuses a reserved slug', async () => {
      const res = await api(ctx, 'POST', '/api/v1/admin/creators', {
        key: adminToken,
        body: { ...newCreator, slug: 'admin' },
      })
      expect(res.status).toBe(422)
      expect(res.body.errors[0]).toEqual({ path: 'slug', message: 'is reserved' })
    })

    it('answers 400 for malformed JSON', async () => {
      const res = await api(ctx, 'POST', '/api/v1/admin/creators', { key: adminToken, body: '{"slug":' })
      expect(res.status).toBe(400)
      expect(res.body.type).toBe('/problems/malformed-json')
    })

    it('answers 415 for a body that is not JSON', async () => {
      const res = await api(ctx, 'POST', '/api/v1/admin/creators', {
        key: adminToken,
        body: 'slug=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(res.status).toBe(415)
    })

    it('answers 413 for a body over the limit and writes nothing', async () => {
      const res = await api(ctx, 'POST', '/api/v1/admin/creators', {
        key: adminToken,
        body: { ...newCreator, bio: 'x'.repeat(1_100_000) },
      })
      expect(res.status).toBe(413)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(await countRows(ctx, 'creators')).toBe(0)
    })
  })

  describe('security', () => {
    it('answers 401 without the admin token', async () => {
      const res = await api(ctx, 'POST', '/api/v1/admin/creators', { body: newCreator })
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toContain('Bearer')
    })

    it("answers 401 to a creator's API key", async () => {
      const creator = await givenCreator(ctx)
      const res = await api(ctx, 'POST', '/api/v1/admin/creators', { key: creator.key, body: newCreator })
      expect(res.status).toBe(401)
      expect(await countRows(ctx, 'creators')).toBe(1)
    })

    it('is closed when ADMIN_TOKEN is not configured', async () => {
      const closed = await createTestContext({ ADMIN_TOKEN: '' })
      const res = await api(closed, 'POST', '/api/v1/admin/creators', { key: adminToken, body: newCreator })
      expect(res.status).toBe(401)
      expect(res.body.detail).toContain('ADMIN_TOKEN')
    })
  })
})

describe('API keys', () => {
  it('answers 401 for a missing, malformed, unknown or revoked key', async () => {
    const creator = await givenCreator(ctx)
    expect((await api(ctx, 'GET', '/api/v1/creator')).status).toBe(401)
    expect(
      (await api(ctx, 'GET', '/api/v1/creator', { headers: { authorization: 'Basic abc' } })).status,
    ).toBe(401)
    expect((await api(ctx, 'GET', '/api/v1/creator', { key: `${creator.key}x` })).status).toBe(401)
    await ctx.sql.execute('update api_keys set revoked_at = 1')
    expect((await api(ctx, 'GET', '/api/v1/creator', { key: creator.key })).status).toBe(401)
  })

  it('records when a key was last used', async () => {
    const creator = await givenCreator(ctx)
    await api(ctx, 'GET', '/api/v1/creator', { key: creator.key })
    const row = await ctx.sql.execute('select last_used_at from api_keys')
    expect(row.rows[0]?.last_used_at).toBe(ctx.clock.now())
  })
})

describe('PATCH /api/v1/creator', () => {
  it('updates settings and audits the change', async () => {
    const creator = await givenCreator(ctx)
    const res = await api(ctx, 'PATCH', '/api/v1/creator', {
      key: creator.key,
      body: { bio: 'hello', grace_days: 7, locale: 'en', default_currency: 'USD' },
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ bio: 'hello', grace_days: 7, locale: 'en', default_currency: 'USD' })
    const audit = await ctx.sql.execute("select action from audit_log where action = 'creator.update'")
    expect(audit.rows).toHaveLength(1)
  })

  it('refuses grace days out of range', async () => {
    const creator = await givenCreator(ctx)
    const res = await api(ctx, 'PATCH', '/api/v1/creator', { key: creator.key, body: { grace_days: 99 } })
    expect(res.status).toBe(422)
  })
})

describe('errors', () => {
  it('answers unknown routes with a 404 problem', async () => {
    const res = await api(ctx, 'GET', '/nope')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.body).toMatchObject({ status: 404, title: 'Not found', instance: '/nope' })
  })

  it('renders problems as a readable page for browsers', async () => {
    const res = await ctx.app.request('/nope', { headers: { accept: 'text/html' } })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('text/html')
    const html = await res.text()
    // The visitor's language (zh-CN by default), with the problem's English text kept as a marked detail.
    expect(html).toContain('<html lang="zh-CN">')
    expect(html).toContain('页面不存在')
    expect(html).toMatch(/lang="en"[^>]*>\s*<p>Not found — No route GET \/nope exists\.<\/p>/)
  })
})

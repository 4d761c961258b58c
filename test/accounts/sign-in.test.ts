import { beforeEach, describe, expect, it } from 'vitest'
import { csrfToken } from '../../src/accounts/csrf'
import { toViewer, viewerQuery } from '../../src/accounts/sessions'
import { signInLimits } from '../../src/accounts/sign-in'
import { sha256Hex } from '../../src/lib/crypto'
import { countRows, createTestContext, givenCreator, type TestContext } from '../helpers'
import { latestSignInToken, origin, postForm, sessionCookieOf, signIn } from '../sign-in'

let ctx: TestContext

beforeEach(async () => {
  ctx = await createTestContext()
})

/** Who the cookie signs in, straight from the database. */
async function viewerOf(cookie: string) {
  const value = cookie.split('=')[1] ?? ''
  return toViewer(await viewerQuery(ctx.deps.db, await sha256Hex(value), ctx.clock.now()))
}

describe('sign-in by magic link: happy', () => {
  it('mails a single-use link, stores only its hash, and signs the buyer in from the button', async () => {
    const asked = await postForm(ctx, '/login', { email: ' Reader@Example.com ', next: '/me' })
    expect(asked.status).toBe(200)
    const token = await latestSignInToken(ctx, 'reader@example.com')
    const stored = await ctx.sql.execute(
      'select token_hash, expires_at - created_at as ttl from login_tokens',
    )
    expect(stored.rows[0]?.token_hash).toBe(await sha256Hex(token))
    expect(JSON.stringify(stored.rows)).not.toContain(token)
    expect(stored.rows[0]?.ttl).toBe(15 * 60_000)

    // Following the link (a GET, as mail scanners do) consumes nothing.
    const page = await ctx.app.request(`/login/verify?token=${token}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('method="post"')
    expect((await ctx.sql.execute('select used_at from login_tokens')).rows[0]?.used_at).toBeNull()

    ctx.roundTrips.count = 0
    const signedIn = await postForm(ctx, '/login/verify', { token })
    expect(ctx.roundTrips.count).toBe(1)
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.get('location')).toBe('/me')
    const cookie = signedIn.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).toMatch(/Path=\//)
    // Plain-http localhost: not Secure, or the browser would drop it.
    expect(cookie).not.toMatch(/Secure/)
    const viewer = await viewerOf(sessionCookieOf(signedIn))
    expect(viewer).toMatchObject({ role: 'buyer', email: 'reader@example.com' })
    // The session row holds a hash, never the cookie value.
    const value = sessionCookieOf(signedIn).split('=')[1] ?? ''
    const sessions = await ctx.sql.execute('select id_hash from sessions')
    expect(sessions.rows[0]?.id_hash).toBe(await sha256Hex(value))
  })

  it('sets a Secure cookie anywhere but plain-http localhost', async () => {
    await postForm(ctx, '/login', { email: 'reader@example.com' })
    const token = await latestSignInToken(ctx, 'reader@example.com')
    const response = await ctx.app.request('https://circle.example/login/verify', {
      method: 'POST',
      headers: { origin: 'https://circle.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('set-cookie')).toMatch(/Secure/)
  })

  it('answers the same page for an unknown email as for a known one', async () => {
    await ctx.sql.execute(
      "insert into buyers (id, email, name, created_at, updated_at) values ('buy_known', 'known@example.com', '', 0, 0)",
    )
    const known = await (await postForm(ctx, '/login', { email: 'known@example.com' })).text()
    const unknown = await (await postForm(ctx, '/login', { email: 'nobody@example.com' })).text()
    expect(unknown.replaceAll('nobody@example.com', 'X')).toBe(known.replaceAll('known@example.com', 'X'))
  })

  it('signs in the buyer a paid order created (same normalised email), never a second one', async () => {
    await ctx.sql.execute(
      "insert into buyers (id, email, name, created_at, updated_at) values ('buy_paid', 'member@example.com', 'M', 0, 0)",
    )
    const { cookie } = await signIn(ctx, 'MEMBER@example.com ')
    expect(await viewerOf(cookie)).toMatchObject({ role: 'buyer', buyerId: 'buy_paid' })
    expect(await countRows(ctx, 'buyers')).toBe(1)
  })

  it('signs a creator in with role creator, and sends nothing for an email that is not a creator', async () => {
    const creator = await givenCreator(ctx, { slug: 'writer', email: 'writer@example.com' })
    const { cookie, response } = await signIn(ctx, 'writer@example.com', 'creator')
    expect(response.headers.get('location')).toBe('/dashboard')
    expect(await viewerOf(cookie)).toMatchObject({ role: 'creator', creatorId: creator.id, slug: 'writer' })
    const before = await countRows(ctx, 'mails')
    const unknown = await postForm(ctx, '/login', { email: 'reader@example.com', role: 'creator' })
    expect(unknown.status).toBe(200)
    expect(await countRows(ctx, 'mails')).toBe(before)
    expect(await countRows(ctx, 'buyers')).toBe(0)
  })

  it('signs out: the session stops working at once', async () => {
    const { cookie } = await signIn(ctx, 'reader@example.com')
    const value = cookie.split('=')[1] ?? ''
    const response = await postForm(
      ctx,
      '/logout',
      { csrf: await csrfToken(ctx.deps.config, value) },
      { cookie },
    )
    expect(response.status).toBe(303)
    expect(response.headers.get('set-cookie')).toMatch(/qz_session=;/)
    expect(await viewerOf(cookie)).toBeNull()
  })

  it('asks for the email again, keeping what was typed, when it is not an email', async () => {
    const response = await postForm(ctx, '/login', { email: 'not-an-email' })
    expect(response.status).toBe(422)
    const html = await response.text()
    expect(html).toContain('value="not-an-email"')
    expect(html).toContain('role="alert"')
    expect(await countRows(ctx, 'login_tokens')).toBe(0)
  })
})

describe('sign-in by magic link: security', () => {
  it('refuses a used, an expired and an unknown link', async () => {
    await postForm(ctx, '/login', { email: 'reader@example.com' })
    const token = await latestSignInToken(ctx, 'reader@example.com')
    expect((await postForm(ctx, '/login/verify', { token })).status).toBe(303)
    const again = await postForm(ctx, '/login/verify', { token })
    expect(again.status).toBe(400)
    expect(again.headers.get('set-cookie')).toBeNull()

    await postForm(ctx, '/login', { email: 'late@example.com' })
    const late = await latestSignInToken(ctx, 'late@example.com')
    ctx.clock.advance(15 * 60_000 + 1)
    expect((await postForm(ctx, '/login/verify', { token: late })).status).toBe(400)
    expect((await postForm(ctx, '/login/verify', { token: 'x'.repeat(43) })).status).toBe(400)
    expect(await countRows(ctx, 'sessions')).toBe(1)
  })

  it('opens one session when the same link is posted twice at once', async () => {
    await postForm(ctx, '/login', { email: 'reader@example.com' })
    const token = await latestSignInToken(ctx, 'reader@example.com')
    const statuses = await Promise.all(
      [1, 2, 3].map(async () => (await postForm(ctx, '/login/verify', { token })).status),
    )
    expect(statuses.sort()).toEqual([303, 400, 400])
    expect(await countRows(ctx, 'sessions')).toBe(1)
  })

  it('knows no forged session, and no expired one', async () => {
    expect(await viewerOf(`qz_session=${'A'.repeat(43)}`)).toBeNull()
    const { cookie } = await signIn(ctx, 'reader@example.com')
    expect(await viewerOf(cookie)).not.toBeNull()
    ctx.clock.advance(31 * 24 * 60 * 60_000)
    expect(await viewerOf(cookie)).toBeNull()
  })

  it('refuses form posts from another site or without an Origin', async () => {
    const foreign = await ctx.app.request('/login', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=reader%40example.com',
    })
    expect(foreign.status).toBe(403)
    const bare = await ctx.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=reader%40example.com',
    })
    expect(bare.status).toBe(403)
    expect(await countRows(ctx, 'login_tokens')).toBe(0)
  })

  it('refuses a sign-out without the CSRF token, keeping the session', async () => {
    const { cookie } = await signIn(ctx, 'reader@example.com')
    const response = await postForm(ctx, '/logout', { csrf: 'forged' }, { cookie })
    expect(response.status).toBe(403)
    expect(await viewerOf(cookie)).not.toBeNull()
  })

  it('rate limits per email and per IP in the database, with Retry-After', async () => {
    for (let i = 0; i < signInLimits.perEmail; i++)
      expect((await postForm(ctx, '/login', { email: 'reader@example.com' })).status).toBe(200)
    const limited = await postForm(ctx, '/login', { email: 'Reader@example.com' })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await countRows(ctx, 'login_tokens')).toBe(signInLimits.perEmail)

    const ip = { 'cf-connecting-ip': '203.0.113.9' }
    for (let i = 0; i < signInLimits.perIp; i++)
      expect((await postForm(ctx, '/login', { email: `r${i}@example.com` }, ip)).status).toBe(200)
    expect((await postForm(ctx, '/login', { email: 'one-more@example.com' }, ip)).status).toBe(429)
    // Another address is not held back by that one.
    const other = { 'cf-connecting-ip': '198.51.100.1' }
    expect((await postForm(ctx, '/login', { email: 'one-more@example.com' }, other)).status).toBe(200)
    // A new window starts afresh.
    ctx.clock.advance(15 * 60_000)
    expect((await postForm(ctx, '/login', { email: 'reader@example.com' })).status).toBe(200)
  })

  it('never redirects off-site after signing in', async () => {
    await postForm(ctx, '/login', { email: 'reader@example.com', next: '//evil.example/x' })
    const token = await latestSignInToken(ctx, 'reader@example.com')
    const response = await postForm(ctx, '/login/verify', { token })
    expect(response.headers.get('location')).toBe('/me')
    expect(origin).toBe('http://localhost')
  })
})

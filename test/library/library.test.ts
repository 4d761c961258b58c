import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { csrfToken } from '../../src/accounts/csrf'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { courseBody, tierBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext, sessionIdOf } from '../payments'
import { origin, postForm, signIn } from '../sign-in'

let ctx: TestContext
let fake: FakeStripe
let payments: PaymentsContext
let key: string
let slug: string
let courseId: string
let goldId: string
const lesson: Record<'preview' | 'second' | 'drip', string> = { preview: '', second: '', drip: '' }
const post: Record<'everyone' | 'gold' | 'course', { id: string; slug: string }> = {
  everyone: { id: '', slug: '' },
  gold: { id: '', slug: '' },
  course: { id: '', slug: '' },
}

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
  ;({ key, slug } = await givenCreator(ctx, { locale: 'en' }))
  courseId = (await api(ctx, 'POST', '/api/v1/offers', { key, body: courseBody({ status: 'live' }) })).body.id
  goldId = (
    await api(ctx, 'POST', '/api/v1/offers', {
      key,
      body: tierBody({
        slug: 'gold',
        title: 'Gold',
        rank: 2,
        status: 'live',
        included_offer_ids: [courseId],
      }),
    })
  ).body.id
  const addLesson = async (body: Record<string, unknown>) =>
    (await api(ctx, 'POST', `/api/v1/offers/${courseId}/lessons`, { key, body })).body.id as string
  lesson.preview = await addLesson({ title: 'Welcome', body: 'Open to all.', free_preview: true })
  lesson.second = await addLesson({ title: 'Second', body: 'The secret second lesson.' })
  lesson.drip = await addLesson({ title: 'Week two', body: 'Dripped words.', drip_days: 7 })
  const addPost = async (postSlug: string, audience: Record<string, unknown>) => {
    const created = await api(ctx, 'POST', '/api/v1/posts', {
      key,
      body: {
        slug: postSlug,
        title: postSlug,
        excerpt: `Teaser ${postSlug}`,
        body: `Body of ${postSlug}`,
        audience,
        status: 'live',
      },
    })
    if (created.status !== 201) throw new Error(JSON.stringify(created.body))
    return { id: created.body.id as string, slug: postSlug }
  }
  post.everyone = await addPost('hello', { type: 'everyone' })
  post.gold = await addPost('gold-only', { type: 'tier', min_rank: 2 })
  post.course = await addPost('for-students', { type: 'course', course_id: courseId })
})
afterEach(() => fake.close())

async function buyCourse(email: string) {
  const response = await ctx.app.request(`/buy/${courseId}`)
  await deliverToApp(payments, fake.completeSession(sessionIdOf(response), { email }))
  await idle()
}

/** Lets background work from earlier requests (mail dispatch after a webhook) finish before counting. */
async function idle() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10))
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies and assert on their fields.
type Json = any

async function bodyOf(response: Response): Promise<Json> {
  return response.json()
}

function get(path: string, cookie?: string, accept = 'text/html') {
  return ctx.app.request(path, { headers: { accept, ...(cookie ? { cookie } : {}) } })
}

describe('library: happy', () => {
  it('sends a signed-out visitor to sign in, and shows a buyer what they bought, in one round trip', async () => {
    const out = await get('/me')
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/login?next=/me')
    await buyCourse('reader@example.com')
    const { cookie } = await signIn(ctx, 'reader@example.com')
    await idle()
    ctx.roundTrips.count = 0
    const page = await get('/me', cookie)
    expect(ctx.roundTrips.count).toBe(1)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Writing 101')
    expect(html).toContain(`href="/learn/${courseId}"`)
    const json = await get('/api/v1/me', cookie, 'application/json')
    expect(json.status).toBe(200)
    const body = await bodyOf(json)
    expect(body.items).toHaveLength(1)
    expect(body.items[0]).toMatchObject({
      state: 'active',
      source: 'order',
      ends_at: null,
      open_url: `/learn/${courseId}`,
    })
  })
})

describe('lessons: happy', () => {
  it('opens previews to anyone, the rest to buyers, and drip lessons on their day; one round trip each', async () => {
    expect((await get(`/learn/${courseId}/${lesson.preview}`)).status).toBe(200)
    const locked = await get(`/learn/${courseId}/${lesson.second}`)
    expect(locked.status).toBe(402)
    expect(await locked.text()).not.toContain('secret second')

    await buyCourse('reader@example.com')
    const { cookie } = await signIn(ctx, 'reader@example.com')
    await idle()
    ctx.roundTrips.count = 0
    const open = await get(`/learn/${courseId}/${lesson.second}`, cookie)
    expect(ctx.roundTrips.count).toBe(1)
    expect(open.status).toBe(200)
    expect(await open.text()).toContain('The secret second lesson.')

    const drip = await get(
      `/api/v1/me/courses/${courseId}/lessons/${lesson.drip}`,
      cookie,
      'application/json',
    )
    expect(drip.status).toBe(402)
    const problem = await bodyOf(drip)
    expect(problem).toMatchObject({ reason: 'drip', buy: [] })
    expect(Date.parse(problem.opens_at)).toBe(
      Number((await ctx.sql.execute('select starts_at from entitlements')).rows[0]?.starts_at) + 7 * dayMs,
    )
    ctx.clock.advance(7 * dayMs)
    expect((await get(`/learn/${courseId}/${lesson.drip}`, cookie)).status).toBe(200)
  })

  it('records progress once, from the page form and the API alike', async () => {
    await buyCourse('reader@example.com')
    const { cookie } = await signIn(ctx, 'reader@example.com')
    const csrf = await csrfToken(ctx.deps.config, cookie.split('=')[1] ?? '')
    const done = await postForm(ctx, `/learn/${courseId}/${lesson.second}/complete`, { csrf }, { cookie })
    expect(done.status).toBe(303)
    const again = await ctx.app.request(`/api/v1/me/courses/${courseId}/lessons/${lesson.second}/complete`, {
      method: 'POST',
      headers: { cookie, origin },
    })
    expect(again.status).toBe(200)
    const outline = await bodyOf(await get(`/api/v1/me/courses/${courseId}`, cookie, 'application/json'))
    expect(outline.lessons.map((row: { completed: boolean }) => row.completed)).toEqual([false, true, false])
    expect((await ctx.sql.execute('select count(*) as n from lesson_progress')).rows[0]?.n).toBe(1)
  })
})

describe('posts: happy', () => {
  it('gates by audience: everyone, tier rank ≥ n (with the tiers to buy), course buyers', async () => {
    expect((await get(`/c/${slug}/posts/${post.everyone.slug}`)).status).toBe(200)
    await buyCourse('reader@example.com')
    const { cookie } = await signIn(ctx, 'reader@example.com')
    await idle()
    ctx.roundTrips.count = 0
    const forStudents = await get(`/c/${slug}/posts/${post.course.slug}`, cookie)
    expect(ctx.roundTrips.count).toBe(1)
    expect(forStudents.status).toBe(200)
    expect(await forStudents.text()).toContain('Body of for-students')

    const gold = await get(`/c/${slug}/posts/${post.gold.slug}`, cookie)
    expect(gold.status).toBe(402)
    const html = await gold.text()
    expect(html).toContain('Teaser gold-only')
    expect(html).not.toContain('Body of gold-only')
    expect(html).toContain(`href="/buy/${goldId}"`)
    const json = await get(`/api/v1/me/posts/${post.gold.id}`, cookie, 'application/json')
    expect(json.status).toBe(402)
    expect(await bodyOf(json)).toMatchObject({ reason: 'no_entitlement', buy: [goldId] })

    // A Gold member reads it, and the course through Gold's benefit.
    const member = await signIn(ctx, 'gold@example.com')
    const buyerId = (await ctx.sql.execute("select id from buyers where email = 'gold@example.com'")).rows[0]
      ?.id
    await ctx.sql.execute({
      sql: `insert into entitlements (id, creator_id, buyer_id, offer_id, source, source_id, starts_at, state, created_at, updated_at)
        select 'ent_gold', creator_id, ?, id, 'admin', 'aud_test', ?, 'active', ?, ? from offers where id = ?`,
      args: [String(buyerId), ctx.clock.now(), ctx.clock.now(), ctx.clock.now(), goldId],
    })
    expect((await get(`/c/${slug}/posts/${post.gold.slug}`, member.cookie)).status).toBe(200)
    expect((await get(`/learn/${courseId}/${lesson.second}`, member.cookie)).status).toBe(200)
  })
})

describe('library and content: security', () => {
  it("shows buyer A nothing of buyer B's", async () => {
    await buyCourse('b@example.com')
    const a = await signIn(ctx, 'a@example.com')
    const library = await bodyOf(await get('/api/v1/me', a.cookie, 'application/json'))
    expect(library.items).toEqual([])
    expect((await get(`/learn/${courseId}/${lesson.second}`, a.cookie)).status).toBe(402)
  })

  it('revokes reading when the purchase is refunded', async () => {
    await buyCourse('reader@example.com')
    const { cookie } = await signIn(ctx, 'reader@example.com')
    await deliverToApp(payments, fake.refundCharge(fake.objects<{ id: string }>('charge')[0]?.id ?? ''))
    const refused = await get(
      `/api/v1/me/courses/${courseId}/lessons/${lesson.second}`,
      cookie,
      'application/json',
    )
    expect(refused.status).toBe(402)
    expect((await bodyOf(refused)).reason).toBe('revoked')
  })

  it('answers 401 to the JSON API without a valid session, and refuses forged or cross-site writes', async () => {
    expect((await get('/api/v1/me', undefined, 'application/json')).status).toBe(401)
    expect((await get('/api/v1/me', `qz_session=${'x'.repeat(43)}`, 'application/json')).status).toBe(401)
    await buyCourse('reader@example.com')
    const { cookie } = await signIn(ctx, 'reader@example.com')
    const noCsrf = await postForm(ctx, `/learn/${courseId}/${lesson.second}/complete`, {}, { cookie })
    expect(noCsrf.status).toBe(403)
    const crossSite = await ctx.app.request(
      `/api/v1/me/courses/${courseId}/lessons/${lesson.second}/complete`,
      {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example' },
      },
    )
    expect(crossSite.status).toBe(403)
    expect((await ctx.sql.execute('select count(*) as n from lesson_progress')).rows[0]?.n).toBe(0)
  })

  it('does not open a library for a creator session', async () => {
    await givenCreator(ctx, { slug: 'writer', email: 'writer@example.com' })
    const { cookie } = await signIn(ctx, 'writer@example.com', 'creator')
    expect((await get('/me', cookie)).status).toBe(303)
    expect((await get('/api/v1/me', cookie, 'application/json')).status).toBe(401)
  })
})

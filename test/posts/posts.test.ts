import { beforeEach, describe, expect, it } from 'vitest'
import { offers, prices } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { api, countRows, createTestContext, givenCreator, type TestContext } from '../helpers'

let ctx: TestContext
beforeEach(async () => {
  ctx = await createTestContext()
})

type Creator = Awaited<ReturnType<typeof givenCreator>>

/** Inserts an offer (a live course unless overridden) with one active price, straight into the tables. */
async function givenOffer(
  creator: Creator,
  overrides: Partial<typeof offers.$inferInsert> = {},
): Promise<{ id: string }> {
  const now = ctx.clock.now()
  const id = newId('offer', now)
  await ctx.deps.db.insert(offers).values({
    id,
    creatorId: creator.id,
    kind: 'course',
    slug: `offer-${id.slice(-6)}`,
    title: 'Close reading',
    status: 'live',
    createdAt: now,
    updatedAt: now,
    ...overrides,
  })
  await ctx.deps.db.insert(prices).values({
    id: newId('price', now),
    creatorId: creator.id,
    offerId: id,
    amount: 20000,
    currency: 'CNY',
    interval: overrides.kind === 'tier' ? 'month' : 'once',
    createdAt: now,
  })
  return { id }
}

function newPost(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Reading notes: week one',
    body: 'First paragraph.\n\nSecond paragraph.',
    excerpt: 'What we read this week.',
    audience: { type: 'everyone' },
    ...overrides,
  }
}

async function givenPost(creator: Creator, overrides: Record<string, unknown> = {}) {
  const res = await api(ctx, 'POST', '/api/v1/posts', { key: creator.key, body: newPost(overrides) })
  expect(res.status).toBe(201)
  return res.body as { id: string; slug: string; status: string }
}

async function auditActions(): Promise<string[]> {
  const result = await ctx.sql.execute("select action from audit_log where action like 'post.%' order by id")
  return result.rows.map((row) => String(row.action))
}

describe('POST /api/v1/posts', () => {
  describe('happy', () => {
    it('creates a draft for everyone with a slug derived from the title, and audits it', async () => {
      const creator = await givenCreator(ctx)
      const res = await api(ctx, 'POST', '/api/v1/posts', { key: creator.key, body: newPost() })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({
        id: expect.stringMatching(/^pst_[0-9a-z]{22}$/),
        slug: 'reading-notes-week-one',
        title: 'Reading notes: week one',
        body: 'First paragraph.\n\nSecond paragraph.',
        excerpt: 'What we read this week.',
        audience: { type: 'everyone' },
        status: 'draft',
        published_at: null,
        archived_at: null,
        created_at: new Date(ctx.clock.now()).toISOString(),
        updated_at: new Date(ctx.clock.now()).toISOString(),
      })
      const stored = await ctx.sql.execute('select creator_id, created_at from posts')
      expect(stored.rows[0]).toMatchObject({ creator_id: creator.id, created_at: ctx.clock.now() })
      expect(await auditActions()).toEqual(['post.create'])
    })

    it('sets published_at when a post is created live', async () => {
      const creator = await givenCreator(ctx)
      const res = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ status: 'live' }),
      })
      expect(res.body.status).toBe('live')
      expect(res.body.published_at).toBe(new Date(ctx.clock.now()).toISOString())
    })

    it('gives a Chinese title a short random slug', async () => {
      const creator = await givenCreator(ctx)
      const res = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ title: '第一周读书笔记' }),
      })
      expect(res.status).toBe(201)
      expect(res.body.slug).toMatch(/^post-[0-9a-z]{8}$/)
    })

    it('keeps a slug the creator chose', async () => {
      const creator = await givenCreator(ctx)
      const res = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ slug: 'week-1' }),
      })
      expect(res.body.slug).toBe('week-1')
    })

    it('makes a derived slug unique when the title repeats', async () => {
      const creator = await givenCreator(ctx)
      const first = await givenPost(creator)
      const second = await givenPost(creator)
      expect(first.slug).toBe('reading-notes-week-one')
      expect(second.slug).toMatch(/^reading-notes-week-one-[0-9a-z]{6}$/)
      expect(await countRows(ctx, 'posts')).toBe(2)
    })

    it('accepts a tier audience and a course audience naming one of my courses', async () => {
      const creator = await givenCreator(ctx)
      const course = await givenOffer(creator, { kind: 'course', status: 'draft' })
      const tier = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ audience: { type: 'tier', min_rank: 2 } }),
      })
      expect(tier.body.audience).toEqual({ type: 'tier', min_rank: 2 })
      const forCourse = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ title: 'For students', audience: { type: 'course', course_id: course.id } }),
      })
      expect(forCourse.status).toBe(201)
      expect(forCourse.body.audience).toEqual({ type: 'course', course_id: course.id })
      const stored = await ctx.sql.execute('select course_offer_id from posts where id = ?', [
        forCourse.body.id,
      ])
      expect(stored.rows[0]?.course_offer_id).toBe(course.id)
    })
  })

  describe('error', () => {
    it('answers 409 for a slug already taken by my posts and writes nothing', async () => {
      const creator = await givenCreator(ctx)
      await givenPost(creator, { slug: 'week-1' })
      const res = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ title: 'Other', slug: 'week-1' }),
      })
      expect(res.status).toBe(409)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(res.body.detail).toContain('week-1')
      expect(await countRows(ctx, 'posts')).toBe(1)
      expect(await auditActions()).toEqual(['post.create'])
    })

    it('lets two creators use the same slug', async () => {
      const a = await givenCreator(ctx)
      const b = await givenCreator(ctx)
      await givenPost(a, { slug: 'week-1' })
      const res = await api(ctx, 'POST', '/api/v1/posts', { key: b.key, body: newPost({ slug: 'week-1' }) })
      expect(res.status).toBe(201)
    })

    it('answers 422 listing each invalid field and writes nothing', async () => {
      const creator = await givenCreator(ctx)
      const res = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: {
          title: 'x'.repeat(201),
          slug: 'Not A Slug',
          body: 'x'.repeat(200_001),
          excerpt: 'x'.repeat(1001),
          audience: { type: 'tier', min_rank: 0 },
          status: 'archived',
        },
      })
      expect(res.status).toBe(422)
      const paths = res.body.errors.map((error: { path: string }) => error.path).sort()
      expect(paths).toEqual(['audience.min_rank', 'body', 'excerpt', 'slug', 'status', 'title'])
      expect(await countRows(ctx, 'posts')).toBe(0)
      expect(await countRows(ctx, 'audit_log')).toBe(1) // creator.create only
    })

    it('refuses a missing title or audience, an empty title and an unknown audience type', async () => {
      const creator = await givenCreator(ctx)
      const missing = await api(ctx, 'POST', '/api/v1/posts', { key: creator.key, body: { body: '' } })
      expect(missing.status).toBe(422)
      expect(missing.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
        'audience',
        'title',
      ])
      const blank = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ title: '   ' }),
      })
      expect(blank.status).toBe(422)
      const unknown = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ audience: { type: 'friends' } }),
      })
      expect(unknown.status).toBe(422)
      expect(unknown.body.errors[0].path).toMatch(/^audience/)
      expect(await countRows(ctx, 'posts')).toBe(0)
    })

    it('answers 422 at audience.course_id for an unknown offer id', async () => {
      const creator = await givenCreator(ctx)
      const res = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ audience: { type: 'course', course_id: newId('offer') } }),
      })
      expect(res.status).toBe(422)
      expect(res.body.errors).toEqual([{ path: 'audience.course_id', message: 'is not one of your offers' }])
      expect(await countRows(ctx, 'posts')).toBe(0)
    })

    it('answers 422 at audience.course_id for an offer that is not a course', async () => {
      const creator = await givenCreator(ctx)
      const tier = await givenOffer(creator, { kind: 'tier', rank: 1 })
      const res = await api(ctx, 'POST', '/api/v1/posts', {
        key: creator.key,
        body: newPost({ audience: { type: 'course', course_id: tier.id } }),
      })
      expect(res.status).toBe(422)
      expect(res.body.errors).toEqual([
        { path: 'audience.course_id', message: 'must be a course offer, not a tier' },
      ])
      expect(await countRows(ctx, 'posts')).toBe(0)
    })

    it('answers 400 for malformed JSON', async () => {
      const creator = await givenCreator(ctx)
      const res = await api(ctx, 'POST', '/api/v1/posts', { key: creator.key, body: '{"title":' })
      expect(res.status).toBe(400)
      expect(await countRows(ctx, 'posts')).toBe(0)
    })
  })

  describe('security', () => {
    it('answers 401 without an API key', async () => {
      const res = await api(ctx, 'POST', '/api/v1/posts', { body: newPost() })
      expect(res.status).toBe(401)
      expect(await countRows(ctx, 'posts')).toBe(0)
    })

    it("refuses another creator's course exactly like an unknown id", async () => {
      const a = await givenCreator(ctx)
      const b = await givenCreator(ctx)
      const course = await givenOffer(a, { kind: 'course' })
      const res = await api(ctx, 'POST', '/api/v1/posts', {
        key: b.key,
        body: newPost({ audience: { type: 'course', course_id: course.id } }),
      })
      expect(res.status).toBe(422)
      expect(res.body.errors).toEqual([{ path: 'audience.course_id', message: 'is not one of your offers' }])
      expect(await countRows(ctx, 'posts')).toBe(0)
    })
  })
})

describe('GET /api/v1/posts', () => {
  describe('happy', () => {
    it('pages through my posts, newest first', async () => {
      const creator = await givenCreator(ctx)
      const ids: string[] = []
      for (let i = 0; i < 5; i++) {
        ctx.clock.advance(1000)
        ids.push((await givenPost(creator, { title: `Post ${i}` })).id)
      }
      const first = await api(ctx, 'GET', '/api/v1/posts?limit=2', { key: creator.key })
      expect(first.status).toBe(200)
      const newestFirst = [...ids].reverse()
      expect(first.body.data.map((post: { id: string }) => post.id)).toEqual(newestFirst.slice(0, 2))
      expect(first.body.next_cursor).toBe(newestFirst[1])
      const second = await api(ctx, 'GET', `/api/v1/posts?limit=2&cursor=${first.body.next_cursor}`, {
        key: creator.key,
      })
      expect(second.body.data.map((post: { id: string }) => post.id)).toEqual(newestFirst.slice(2, 4))
      const last = await api(ctx, 'GET', `/api/v1/posts?limit=2&cursor=${second.body.next_cursor}`, {
        key: creator.key,
      })
      expect(last.body.data.map((post: { id: string }) => post.id)).toEqual(newestFirst.slice(4))
      expect(last.body.next_cursor).toBeNull()
    })

    it('answers next_cursor null when the page holds exactly the remaining posts', async () => {
      const creator = await givenCreator(ctx)
      await givenPost(creator, { title: 'One' })
      await givenPost(creator, { title: 'Two' })
      const res = await api(ctx, 'GET', '/api/v1/posts?limit=2', { key: creator.key })
      expect(res.body.data).toHaveLength(2)
      expect(res.body.next_cursor).toBeNull()
    })

    it('filters by status', async () => {
      const creator = await givenCreator(ctx)
      await givenPost(creator, { title: 'Draft' })
      const live = await givenPost(creator, { title: 'Live', status: 'live' })
      const res = await api(ctx, 'GET', '/api/v1/posts?status=live', { key: creator.key })
      expect(res.body.data.map((post: { id: string }) => post.id)).toEqual([live.id])
    })
  })

  describe('error', () => {
    it('answers 422 for an unknown status or a limit out of range', async () => {
      const creator = await givenCreator(ctx)
      expect((await api(ctx, 'GET', '/api/v1/posts?status=gone', { key: creator.key })).status).toBe(422)
      expect((await api(ctx, 'GET', '/api/v1/posts?limit=101', { key: creator.key })).status).toBe(422)
    })
  })
})

describe('GET /api/v1/posts/:id', () => {
  it('reads one of my posts', async () => {
    const creator = await givenCreator(ctx)
    const post = await givenPost(creator)
    const res = await api(ctx, 'GET', `/api/v1/posts/${post.id}`, { key: creator.key })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: post.id, title: 'Reading notes: week one' })
  })

  it('answers 404 for an unknown or malformed id', async () => {
    const creator = await givenCreator(ctx)
    for (const id of [newId('post'), 'nope']) {
      const res = await api(ctx, 'GET', `/api/v1/posts/${id}`, { key: creator.key })
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
    }
  })
})

describe('PATCH /api/v1/posts/:id', () => {
  describe('happy', () => {
    it('changes only the fields sent and audits the change', async () => {
      const creator = await givenCreator(ctx)
      const post = await givenPost(creator)
      ctx.clock.advance(60_000)
      const res = await api(ctx, 'PATCH', `/api/v1/posts/${post.id}`, {
        key: creator.key,
        body: { title: 'New title', audience: { type: 'tier', min_rank: 3 } },
      })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        title: 'New title',
        slug: post.slug,
        body: 'First paragraph.\n\nSecond paragraph.',
        audience: { type: 'tier', min_rank: 3 },
        status: 'draft',
        updated_at: new Date(ctx.clock.now()).toISOString(),
      })
      expect(await auditActions()).toEqual(['post.create', 'post.update'])
      const detail = await ctx.sql.execute("select detail from audit_log where action = 'post.update'")
      expect(JSON.parse(String(detail.rows[0]?.detail))).toEqual({ fields: ['title', 'audience'] })
    })

    it('clears the old audience columns when the audience changes', async () => {
      const creator = await givenCreator(ctx)
      const course = await givenOffer(creator)
      const post = await givenPost(creator, { audience: { type: 'course', course_id: course.id } })
      const res = await api(ctx, 'PATCH', `/api/v1/posts/${post.id}`, {
        key: creator.key,
        body: { audience: { type: 'everyone' } },
      })
      expect(res.body.audience).toEqual({ type: 'everyone' })
      const stored = await ctx.sql.execute('select audience, min_rank, course_offer_id from posts')
      expect(stored.rows[0]).toMatchObject({ audience: 'everyone', min_rank: null, course_offer_id: null })
    })

    it('sets published_at the first time a post goes live and keeps it afterwards', async () => {
      const creator = await givenCreator(ctx)
      const post = await givenPost(creator)
      ctx.clock.advance(1000)
      const firstLive = new Date(ctx.clock.now()).toISOString()
      const live = await api(ctx, 'PATCH', `/api/v1/posts/${post.id}`, {
        key: creator.key,
        body: { status: 'live' },
      })
      expect(live.body.published_at).toBe(firstLive)
      ctx.clock.advance(1000)
      await api(ctx, 'PATCH', `/api/v1/posts/${post.id}`, { key: creator.key, body: { status: 'draft' } })
      ctx.clock.advance(1000)
      const again = await api(ctx, 'PATCH', `/api/v1/posts/${post.id}`, {
        key: creator.key,
        body: { status: 'live' },
      })
      expect(again.body.status).toBe('live')
      expect(again.body.published_at).toBe(firstLive)
    })

    it('brings an archived post back to live', async () => {
      const creator = await givenCreator(ctx)
      const post = await givenPost(creator, { status: 'live' })
      await api(ctx, 'POST', `/api/v1/posts/${post.id}/archive`, { key: creator.key })
      const res = await api(ctx, 'PATCH', `/api/v1/posts/${post.id}`, {
        key: creator.key,
        body: { status: 'live' },
      })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ status: 'live', archived_at: null })
    })
  })

  describe('error', () => {
    it('answers 409 when the new slug is taken and changes nothing', async () => {
      const creator = await givenCreator(ctx)
      await givenPost(creator, { slug: 'taken' })
      const post = await givenPost(creator, { slug: 'mine' })
      const res = await api(ctx, 'PATCH', `/api/v1/posts/${post.id}`, {
        key: creator.key,
        body: { slug: 'taken', title: 'Changed' },
      })
      expect(res.status).toBe(409)
      const stored = await ctx.sql.execute('select slug, title from posts where id = ?', [post.id])
      expect(stored.rows[0]).toMatchObject({ slug: 'mine', title: 'Reading notes: week one' })
      expect(await auditActions()).toEqual(['post.create', 'post.create'])
    })

    it('answers 422 for an empty body, an invalid field or a non-course audience, writing nothing', async () => {
      const creator = await givenCreator(ctx)
      const post = await givenPost(creator)
      const tier = await givenOffer(creator, { kind: 'tier', rank: 1 })
      const bodies = [
        {},
        { title: '' },
        { status: 'archived' },
        { audience: { type: 'course', course_id: tier.id } },
      ]
      for (const body of bodies) {
        const res = await api(ctx, 'PATCH', `/api/v1/posts/${post.id}`, { key: creator.key, body })
        expect(res.status).toBe(422)
      }
      expect(await auditActions()).toEqual(['post.create'])
    })

    it('answers 404 for an unknown id', async () => {
      const creator = await givenCreator(ctx)
      const res = await api(ctx, 'PATCH', `/api/v1/posts/${newId('post')}`, {
        key: creator.key,
        body: { title: 'x' },
      })
      expect(res.status).toBe(404)
    })
  })
})

describe('POST /api/v1/posts/:id/archive', () => {
  it('archives a post and answers the same post when archived twice, auditing once', async () => {
    const creator = await givenCreator(ctx)
    const post = await givenPost(creator, { status: 'live' })
    ctx.clock.advance(1000)
    const first = await api(ctx, 'POST', `/api/v1/posts/${post.id}/archive`, { key: creator.key })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({
      status: 'archived',
      archived_at: new Date(ctx.clock.now()).toISOString(),
    })
    expect(first.body.published_at).not.toBeNull()
    ctx.clock.advance(1000)
    const second = await api(ctx, 'POST', `/api/v1/posts/${post.id}/archive`, { key: creator.key })
    expect(second.status).toBe(200)
    expect(second.body).toEqual(first.body)
    expect(await auditActions()).toEqual(['post.create', 'post.archive'])
  })

  it('answers 404 for an unknown id', async () => {
    const creator = await givenCreator(ctx)
    const res = await api(ctx, 'POST', `/api/v1/posts/${newId('post')}/archive`, { key: creator.key })
    expect(res.status).toBe(404)
  })
})

describe("another creator's posts", () => {
  describe('security', () => {
    async function givenTwoCreators() {
      const a = await givenCreator(ctx)
      const b = await givenCreator(ctx)
      const post = await givenPost(a, { status: 'live', slug: 'private' })
      const before = await ctx.sql.execute('select * from posts')
      return { a, b, post, before: JSON.stringify(before.rows) }
    }

    async function expectUnchanged(before: string) {
      const after = await ctx.sql.execute('select * from posts')
      expect(JSON.stringify(after.rows)).toBe(before)
      expect(await auditActions()).toEqual(['post.create'])
    }

    it('cannot be read: 404 exactly like an unknown id', async () => {
      const { b, post } = await givenTwoCreators()
      const theirs = await api(ctx, 'GET', `/api/v1/posts/${post.id}`, { key: b.key })
      const unknownId = newId('post')
      const unknown = await api(ctx, 'GET', `/api/v1/posts/${unknownId}`, { key: b.key })
      expect(theirs.status).toBe(404)
      expect(theirs.body.detail.replace(post.id, 'ID')).toBe(unknown.body.detail.replace(unknownId, 'ID'))
    })

    it('are not listed', async () => {
      const { a, b } = await givenTwoCreators()
      const res = await api(ctx, 'GET', '/api/v1/posts', { key: b.key })
      expect(res.body).toEqual({ data: [], next_cursor: null })
      const own = await api(ctx, 'GET', '/api/v1/posts', { key: a.key })
      expect(own.body.data).toHaveLength(1)
    })

    it('cannot be updated', async () => {
      const { b, post, before } = await givenTwoCreators()
      const res = await api(ctx, 'PATCH', `/api/v1/posts/${post.id}`, {
        key: b.key,
        body: { title: 'Mine now', status: 'draft' },
      })
      expect(res.status).toBe(404)
      await expectUnchanged(before)
    })

    it('cannot be archived', async () => {
      const { b, post, before } = await givenTwoCreators()
      const res = await api(ctx, 'POST', `/api/v1/posts/${post.id}/archive`, { key: b.key })
      expect(res.status).toBe(404)
      await expectUnchanged(before)
    })

    it('do not block my slug', async () => {
      const { b, post } = await givenTwoCreators()
      const res = await api(ctx, 'POST', '/api/v1/posts', { key: b.key, body: newPost({ slug: post.slug }) })
      expect(res.status).toBe(201)
    })
  })
})

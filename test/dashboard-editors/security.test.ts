import { beforeEach, describe, expect, it } from 'vitest'
import { countRows, createTestContext, type TestContext } from '../helpers'
import { postForm, signIn } from '../sign-in'
import { type Editor, editorFor, givenCourse, givenLesson, idIn, lessonIdsOn } from './harness'

let ctx: TestContext
let editor: Editor

beforeEach(async () => {
  ctx = await createTestContext()
  editor = await editorFor(ctx)
})

const pages = [
  '/dashboard/offers',
  '/dashboard/offers/new?kind=tier',
  '/dashboard/posts',
  '/dashboard/settings',
]

describe('editor security', () => {
  it('sends a signed-out visitor to the creator sign-in, for pages and for form posts', async () => {
    for (const path of pages) {
      const response = await ctx.app.request(path)
      expect(response.status, path).toBe(303)
      expect(response.headers.get('location'), path).toBe(
        `/login?as=creator&next=${encodeURIComponent(path)}`,
      )
    }
    const posted = await postForm(ctx, '/dashboard/offers', { kind: 'course', title: 'x' })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toMatch(/^\/login\?as=creator/)
    expect(await countRows(ctx, 'offers')).toBe(0)
  })

  it("sends a buyer's session to the creator sign-in", async () => {
    const { cookie } = await signIn(ctx, 'reader@example.com')
    for (const path of pages) {
      const response = await ctx.app.request(path, { headers: { cookie } })
      expect(response.status, path).toBe(303)
    }
    const posted = await postForm(ctx, '/dashboard/settings', { name: 'Hijack' }, { cookie })
    expect(posted.status).toBe(303)
  })

  it('refuses a form without its CSRF token, or with another session’s, and writes nothing', async () => {
    const fields = { kind: 'course', title: 'Writing', slug: 'writing', currency: 'CNY', price: '1.00' }
    const missing = await postForm(ctx, '/dashboard/offers', fields, { cookie: editor.cookie })
    expect(missing.status).toBe(403)
    const other = await editorFor(ctx, { slug: 'other' })
    const foreignToken =
      /name="csrf" value="([^"]+)"/.exec((await other.get('/dashboard/offers')).html)?.[1] ?? ''
    const wrong = await postForm(
      ctx,
      '/dashboard/offers',
      { ...fields, csrf: foreignToken },
      { cookie: editor.cookie },
    )
    expect(wrong.status).toBe(403)
    const settings = await postForm(
      ctx,
      '/dashboard/settings',
      { name: 'Changed' },
      { cookie: editor.cookie },
    )
    expect(settings.status).toBe(403)
    expect(await countRows(ctx, 'offers')).toBe(0)
    const name = await ctx.sql.execute({
      sql: 'select name from creators where id = ?',
      args: [editor.creator.id],
    })
    expect(name.rows[0]?.name).toBe('Creator writer')
  })

  it("answers 404 for another creator's offer, lesson and post, reading or writing", async () => {
    const other = await editorFor(ctx, { slug: 'other' })
    const courseId = await givenCourse(other)
    await givenLesson(other, courseId, 'Their lesson')
    const [lessonId] = lessonIdsOn((await other.get(`/dashboard/offers/${courseId}`)).html)
    const post = await other.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: 'Theirs',
      audience: 'everyone',
      body: 'x',
      intent: 'save',
    })
    const postId = idIn(post.location, 'pst')

    expect((await editor.get(`/dashboard/offers/${courseId}`)).status).toBe(404)
    expect((await editor.get(`/dashboard/offers/${courseId}/lessons/new`)).status).toBe(404)
    expect((await editor.get(`/dashboard/lessons/${lessonId}`)).status).toBe(404)
    expect((await editor.get(`/dashboard/posts/${postId}`)).status).toBe(404)
    const writes: [string, Record<string, string>][] = [
      [`/dashboard/offers/${courseId}`, { title: 'Mine now', slug: 'mine', currency: 'CNY', price: '1.00' }],
      [`/dashboard/offers/${courseId}/status`, { status: 'live' }],
      [`/dashboard/offers/${courseId}/archive`, {}],
      [`/dashboard/offers/${courseId}/lessons`, { title: 'Injected' }],
      [`/dashboard/lessons/${lessonId}/move`, { direction: 'down' }],
      [`/dashboard/lessons/${lessonId}/delete`, {}],
      [`/dashboard/posts/${postId}`, { title: 'Mine', audience: 'everyone', body: 'x', intent: 'save' }],
      [`/dashboard/posts/${postId}/archive`, {}],
    ]
    for (const [action, fields] of writes) {
      const response = await editor.submit('/dashboard/offers', action, fields)
      expect(response.status, action).toBe(404)
    }
    const offer = await ctx.sql.execute({
      sql: 'select title, status from offers where id = ?',
      args: [courseId],
    })
    expect(offer.rows[0]).toMatchObject({ title: 'Writing 101', status: 'draft' })
    expect(await countRows(ctx, 'lessons')).toBe(1)
    const theirs = await ctx.sql.execute({ sql: 'select status from posts where id = ?', args: [postId] })
    expect(theirs.rows[0]?.status).toBe('draft')
  })

  it('records every editor write in the audit log as the signed-in creator', async () => {
    const courseId = await givenCourse(editor)
    await givenLesson(editor, courseId, 'Lesson one')
    await editor.submit(`/dashboard/offers/${courseId}`, `/dashboard/offers/${courseId}/status`, {
      status: 'live',
    })
    await editor.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: 'Hello',
      audience: 'everyone',
      body: 'x',
      intent: 'save',
    })
    await editor.submit('/dashboard/settings', '/dashboard/settings', {
      name: 'Writer',
      locale: 'en',
      time_zone: 'Asia/Shanghai',
      grace_days: '3',
      default_currency: 'CNY',
    })
    const audit = await ctx.sql.execute(
      "select action, actor_type, actor_id from audit_log where action != 'creator.create'",
    )
    // The test clock stands still, so ids (time-sortable) do not give the order: compare as sets.
    expect(audit.rows.map((row) => String(row.action)).sort()).toEqual([
      'creator.update',
      'lesson.create',
      'offer.create',
      'offer.update',
      'post.create',
    ])
    for (const row of audit.rows)
      expect(row).toMatchObject({ actor_type: 'creator', actor_id: editor.creator.id })
  })
})

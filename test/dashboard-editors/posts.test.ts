import { describe, expect, it } from 'vitest'
import { countRows } from '../helpers'
import { givenCourse, idIn, newEditor, quiet } from './harness'

describe('post editor', () => {
  it('previews a post as buyers will see it without saving anything', async () => {
    const editor = await newEditor()
    const preview = await editor.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: 'Hello readers',
      slug: '',
      audience: 'everyone',
      excerpt: '',
      body: 'First paragraph\nsame paragraph\n\n<b>Not bold</b>',
      intent: 'preview',
    })
    expect(preview.status).toBe(200)
    expect(preview.html).toContain('Preview (not saved)')
    expect(preview.html).toContain(
      '<p>First paragraph<br/>same paragraph</p><p>&lt;b&gt;Not bold&lt;/b&gt;</p>',
    )
    expect(preview.html).toContain('value="Hello readers"')
    expect(await countRows(editor.ctx, 'posts')).toBe(0)
    expect(await countRows(editor.ctx, 'audit_log')).toBe(1) // creator.create only
  })

  it('writes a post for a course audience, edits, publishes and archives it', async () => {
    const editor = await newEditor()
    const courseId = await givenCourse(editor)
    const form = await editor.get('/dashboard/posts/new')
    expect(form.html).toContain(
      `<option value="course:${courseId}">Buyers of the course “Writing 101”</option>`,
    )
    const created = await editor.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: 'Week one notes',
      slug: '',
      audience: `course:${courseId}`,
      excerpt: 'What we covered.',
      body: 'The notes.',
      intent: 'save',
    })
    expect(created.status).toBe(303)
    const postId = idIn(created.location, 'pst')
    const row = await editor.ctx.sql.execute({ sql: 'select * from posts where id = ?', args: [postId] })
    expect(row.rows[0]).toMatchObject({
      slug: 'week-one-notes',
      audience: 'course',
      course_offer_id: courseId,
      status: 'draft',
    })

    const page = `/dashboard/posts/${postId}`
    const previewed = await editor.submit(page, page, {
      title: 'Week one notes',
      slug: 'week-one-notes',
      audience: `course:${courseId}`,
      body: 'Changed but only previewed.',
      intent: 'preview',
    })
    expect(previewed.status).toBe(200)
    expect(previewed.html).toContain('<p>Changed but only previewed.</p>')
    const unchanged = await editor.ctx.sql.execute({
      sql: 'select body from posts where id = ?',
      args: [postId],
    })
    expect(unchanged.rows[0]?.body).toBe('The notes.')

    const saved = await editor.submit(page, page, {
      title: 'Week one notes',
      slug: 'week-one',
      audience: 'everyone',
      excerpt: '',
      body: 'Revised notes.',
      intent: 'save',
    })
    expect(saved.status).toBe(303)
    const published = await editor.submit(page, `${page}/status`, { status: 'live' })
    expect(published.status).toBe(303)
    const live = await editor.ctx.app.request(`/c/writer/posts/week-one`)
    expect(live.status).toBe(200)
    expect(await live.text()).toContain('Revised notes.')
    const archived = await editor.submit(page, `${page}/archive`, {})
    expect(archived.status).toBe(303)
    const final = await editor.ctx.sql.execute({
      sql: 'select status, audience from posts where id = ?',
      args: [postId],
    })
    expect(final.rows[0]).toMatchObject({ status: 'archived', audience: 'everyone' })
    expect((await editor.get('/dashboard/posts')).html).toContain('class="badge status-archived"')
  })

  it('offers each tier rank as an audience and refuses an empty title with 422', async () => {
    const editor = await newEditor()
    const tier = await editor.submit('/dashboard/offers/new?kind=tier', '/dashboard/offers', {
      kind: 'tier',
      title: 'Inner circle',
      slug: 'inner-circle',
      currency: 'CNY',
      rank: '2',
      price_year: '100.00',
    })
    expect(tier.status).toBe(303)
    const refused = await editor.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: '',
      audience: 'tier:2',
      body: 'Body kept',
      intent: 'save',
    })
    expect(refused.status).toBe(422)
    expect(refused.html).toContain(
      '<option value="tier:2" selected="">Members of Inner circle (rank 2) and above</option>',
    )
    expect(refused.html).toContain('id="f-title-error"')
    expect(refused.html).toContain('>Body kept</textarea>')
    expect(await countRows(editor.ctx, 'posts')).toBe(0)
    const ok = await editor.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: 'Members only',
      audience: 'tier:2',
      body: 'Secret',
      intent: 'save',
    })
    expect(ok.status).toBe(303)
    const row = await editor.ctx.sql.execute('select audience, min_rank from posts')
    expect(row.rows[0]).toMatchObject({ audience: 'tier', min_rank: 2 })
  })

  it('says what is wrong with a field in the page’s language', async () => {
    const chinese = await newEditor({ locale: 'zh-CN' })
    const refused = await chinese.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: '',
      audience: 'everyone',
      body: 'B',
      intent: 'save',
    })
    expect(refused.status).toBe(422)
    expect(refused.html).toMatch(/id="f-title-error"[^>]*>[^<]*必填/)
    const english = await newEditor({ locale: 'en' })
    const again = await english.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: '',
      audience: 'everyone',
      body: 'B',
      intent: 'save',
    })
    expect(again.html).not.toContain('必填')
  })

  it('shows a post in 2: the session, then the post and the offers for its audience in one batch', async () => {
    const editor = await newEditor()
    const courseId = await givenCourse(editor)
    const created = await editor.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: 'Week one notes',
      slug: '',
      audience: `course:${courseId}`,
      excerpt: '',
      body: 'The notes.',
      intent: 'save',
    })
    const page = `/dashboard/posts/${idIn(created.location, 'pst')}`
    await quiet(editor.ctx)
    editor.ctx.roundTrips.count = 0
    const shown = await editor.get(page)
    expect(editor.ctx.roundTrips.count).toBe(2)
    expect(shown.status).toBe(200)
    expect(shown.html).toContain('value="Week one notes"')
    expect(shown.html).toContain(
      `<option value="course:${courseId}" selected="">Buyers of the course “Writing 101”</option>`,
    )
    // Still a 404 for an unknown id (read in the batch) and a malformed one (refused before any read).
    expect((await editor.get('/dashboard/posts/pst_0000000000000000000000')).status).toBe(404)
    expect((await editor.get('/dashboard/posts/not-a-post')).status).toBe(404)
  })

  it('saves an edit in 3: the session, the post (and a course audience) read, the write', async () => {
    const editor = await newEditor()
    const courseId = await givenCourse(editor)
    const created = await editor.submit('/dashboard/posts/new', '/dashboard/posts', {
      title: 'Week one notes',
      slug: '',
      audience: 'everyone',
      excerpt: '',
      body: 'The notes.',
      intent: 'save',
    })
    const page = `/dashboard/posts/${idIn(created.location, 'pst')}`
    const saved = await editor.submitCounted(page, page, {
      title: 'Week one notes, revised',
      slug: 'week-one-notes',
      audience: `course:${courseId}`,
      excerpt: '',
      body: 'The notes, revised.',
      intent: 'save',
    })
    expect(saved).toMatchObject({ status: 303, location: `${page}?saved=1`, roundTrips: 3 })
    const row = await editor.ctx.sql.execute('select title, course_offer_id from posts')
    expect(row.rows[0]).toMatchObject({ title: 'Week one notes, revised', course_offer_id: courseId })
  })
})

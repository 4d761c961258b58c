import { describe, expect, it } from 'vitest'
import { api, countRows } from '../helpers'
import { courseForm, givenCourse, givenLesson, idIn, lessonIdsOn, newEditor, quiet } from './harness'

describe('offer editor', () => {
  it('creates a course, adds two lessons, reorders them, publishes it, and the storefront shows it', async () => {
    const editor = await newEditor()
    const form = await editor.get('/dashboard/offers/new?kind=course')
    expect(form.status).toBe(200)
    expect(form.html).toContain('<label for="f-price">Price</label>')
    const courseId = await givenCourse(editor)
    const price = await editor.ctx.sql.execute({
      sql: 'select amount, currency, interval from prices where offer_id = ?',
      args: [courseId],
    })
    expect(price.rows).toEqual([
      expect.objectContaining({ amount: 19900, currency: 'CNY', interval: 'once' }),
    ])

    await givenLesson(editor, courseId, 'Lesson one')
    await givenLesson(editor, courseId, 'Lesson two')
    const page = await editor.get(`/dashboard/offers/${courseId}`)
    expect(page.html.indexOf('Lesson one')).toBeLessThan(page.html.indexOf('Lesson two'))
    const [first, second] = lessonIdsOn(page.html)

    const moved = await editor.submit(`/dashboard/offers/${courseId}`, `/dashboard/lessons/${second}/move`, {
      direction: 'up',
    })
    expect(moved.status).toBe(303)
    expect(moved.location).toBe(`/dashboard/offers/${courseId}#lessons`)
    const after = await editor.get(`/dashboard/offers/${courseId}`)
    expect(lessonIdsOn(after.html)).toEqual([second, first])
    const positions = await editor.ctx.sql.execute({
      sql: 'select title, position from lessons where offer_id = ? order by position',
      args: [courseId],
    })
    expect(positions.rows.map((row) => row.title)).toEqual(['Lesson two', 'Lesson one'])

    expect((await editor.ctx.app.request('/c/writer/writing-101')).status).toBe(404)
    const published = await editor.submit(
      `/dashboard/offers/${courseId}`,
      `/dashboard/offers/${courseId}/status`,
      {
        status: 'live',
      },
    )
    expect(published.status).toBe(303)
    const storefront = await editor.ctx.app.request('/c/writer/writing-101')
    expect(storefront.status).toBe(200)
    const html = await storefront.text()
    expect(html).toContain('Writing 101')
    expect(html.indexOf('Lesson two')).toBeLessThan(html.indexOf('Lesson one'))
    const list = await editor.get('/dashboard/offers')
    expect(list.html).toContain('href="/c/writer/writing-101"')
    expect(list.html).toContain('class="badge status-live"')
  })

  it('creates a tier with a yearly price and a pass that includes a course', async () => {
    const editor = await newEditor()
    const courseId = await givenCourse(editor)
    const form = await editor.get('/dashboard/offers/new?kind=tier')
    expect(form.html).toContain(`value="${courseId}"`)
    const created = await editor.submit('/dashboard/offers/new?kind=tier', '/dashboard/offers', {
      kind: 'tier',
      title: 'Inner circle',
      slug: 'inner-circle',
      currency: 'CNY',
      rank: '2',
      price_month: '',
      price_year: '1,200.00',
      price_pass: '1200',
      pass_days: '365',
      trial_days: '7',
      included_offer_ids: courseId,
    })
    expect(created.status).toBe(303)
    const tier = await api(editor.ctx, 'GET', `/api/v1/offers/${idIn(created.location, 'off')}`, {
      key: editor.creator.key,
    })
    expect(tier.body).toMatchObject({
      kind: 'tier',
      rank: 2,
      trial_days: 7,
      status: 'draft',
      included_offer_ids: [courseId],
      prices: [
        { amount: 120000, currency: 'CNY', interval: 'year', term_days: null },
        { amount: 120000, currency: 'CNY', interval: 'once', term_days: 365 },
      ],
    })
  })

  it('answers 422 with the typed values and each message beside its field when an amount is not a number', async () => {
    const editor = await newEditor()
    const refused = await editor.submit('/dashboard/offers/new?kind=course', '/dashboard/offers', {
      kind: 'course',
      title: 'Writing 101',
      slug: 'Bad Slug',
      currency: 'USD',
      price: 'abc',
    })
    expect(refused.status).toBe(422)
    expect(refused.html).toContain('role="alert"')
    expect(refused.html).toMatch(/name="price" type="text" value="abc"[^>]*aria-invalid="true"/)
    expect(refused.html).toContain('aria-describedby="f-price-error"')
    expect(refused.html).toContain(
      '<span id="f-price-error" class="error">Enter an amount such as 200.00</span>',
    )
    expect(refused.html).toContain('value="Writing 101"')
    expect(refused.html).toContain('<option value="USD" selected="">USD</option>')
    expect(refused.html).toContain('must be lower-case letters, digits and single hyphens')
    expect(await countRows(editor.ctx, 'offers')).toBe(0)
  })

  it("shows the verb's own rules on the right field: a tier pass needs its length", async () => {
    const editor = await newEditor()
    const refused = await editor.submit('/dashboard/offers/new?kind=tier', '/dashboard/offers', {
      kind: 'tier',
      title: 'Inner circle',
      slug: 'inner-circle',
      currency: 'CNY',
      rank: '1',
      price_year: '100.00',
      price_pass: '100.00',
      pass_days: '',
    })
    expect(refused.status).toBe(422)
    expect(refused.html).toContain(
      '<span id="f-pass_days-error" class="error">Enter the pass length in days, e.g. 365</span>',
    )
    expect(refused.html).toContain('value="100.00"')
    expect(await countRows(editor.ctx, 'offers')).toBe(0)
  })

  it('creates a consultation and a group, edits a price, unpublishes and archives', async () => {
    const editor = await newEditor()
    const consultation = await editor.submit('/dashboard/offers/new?kind=consultation', '/dashboard/offers', {
      kind: 'consultation',
      title: 'One-on-one',
      slug: 'one-on-one',
      currency: 'CNY',
      price: '500',
      duration_minutes: '45',
      time_zone: 'Asia/Shanghai',
    })
    expect(consultation.status).toBe(303)
    const group = await editor.submit('/dashboard/offers/new?kind=group', '/dashboard/offers', {
      kind: 'group',
      title: 'Reading group',
      slug: 'reading-group',
      currency: 'CNY',
      price: '99.00',
      term_days: '365',
      platform: 'telegram',
      invite_url: 'https://t.me/+AbCdEf',
      qr_image_url: '',
      instructions: 'Say hello.',
      capacity: '200',
    })
    expect(group.status).toBe(303)
    const groupId = idIn(group.location, 'off')
    const read = await api(editor.ctx, 'GET', `/api/v1/offers/${groupId}`, { key: editor.creator.key })
    expect(read.body).toMatchObject({
      prices: [{ amount: 9900, interval: 'once', term_days: 365 }],
      group: { platform: 'telegram', invite_url: 'https://t.me/+AbCdEf', capacity: 200 },
    })
    const consultationId = idIn(consultation.location, 'off')
    const read2 = await api(editor.ctx, 'GET', `/api/v1/offers/${consultationId}`, {
      key: editor.creator.key,
    })
    expect(read2.body).toMatchObject({
      duration_minutes: 45,
      time_zone: 'Asia/Shanghai',
      prices: [{ amount: 50000 }],
    })

    const page = `/dashboard/offers/${groupId}`
    const editForm = await editor.get(page)
    expect(editForm.html).toContain('value="99.00"')
    const edited = await editor.submit(page, page, {
      title: 'Reading group',
      slug: 'reading-group',
      currency: 'CNY',
      price: '129.00',
      term_days: '365',
      platform: 'telegram',
      invite_url: 'https://t.me/+AbCdEf',
      instructions: 'Say hello.',
      capacity: '200',
    })
    expect(edited.status).toBe(303)
    expect(edited.location).toBe(`${page}?saved=1`)
    expect((await editor.get(edited.location ?? '')).html).toContain('Saved.')
    const updated = await api(editor.ctx, 'GET', `/api/v1/offers/${groupId}`, { key: editor.creator.key })
    expect(updated.body.prices).toEqual([expect.objectContaining({ amount: 12900 })])

    await editor.submit(page, `${page}/status`, { status: 'live' })
    expect(
      (await api(editor.ctx, 'GET', `/api/v1/offers/${groupId}`, { key: editor.creator.key })).body.status,
    ).toBe('live')
    await editor.submit(page, `${page}/status`, { status: 'draft' })
    expect(
      (await api(editor.ctx, 'GET', `/api/v1/offers/${groupId}`, { key: editor.creator.key })).body.status,
    ).toBe('draft')
    const archived = await editor.submit(page, `${page}/archive`, {})
    expect(archived.status).toBe(303)
    expect(
      (await api(editor.ctx, 'GET', `/api/v1/offers/${groupId}`, { key: editor.creator.key })).body.status,
    ).toBe('archived')
  })

  it('edits and removes a lesson', async () => {
    const editor = await newEditor()
    const courseId = await givenCourse(editor)
    await givenLesson(editor, courseId, 'Lesson one')
    await givenLesson(editor, courseId, 'Lesson two')
    const [first] = lessonIdsOn((await editor.get(`/dashboard/offers/${courseId}`)).html)
    const edited = await editor.submit(`/dashboard/lessons/${first}`, `/dashboard/lessons/${first}`, {
      title: 'Lesson one, revised',
      body: 'New body',
      free_preview: '1',
      drip_days: '3',
    })
    expect(edited.status).toBe(303)
    const row = await editor.ctx.sql.execute({
      sql: 'select * from lessons where id = ?',
      args: [first ?? ''],
    })
    expect(row.rows[0]).toMatchObject({ title: 'Lesson one, revised', free_preview: 1, drip_days: 3 })
    const invalid = await editor.submit(`/dashboard/lessons/${first}`, `/dashboard/lessons/${first}`, {
      title: '',
      drip_days: 'soon',
    })
    expect(invalid.status).toBe(422)
    expect(invalid.html).toContain('id="f-drip_days-error"')
    expect(invalid.html).toContain('value="soon"')
    const removed = await editor.submit(
      `/dashboard/offers/${courseId}`,
      `/dashboard/lessons/${first}/delete`,
      {},
    )
    expect(removed.status).toBe(303)
    expect(await countRows(editor.ctx, 'lessons')).toBe(1)
    const remaining = await editor.ctx.sql.execute('select title, position from lessons')
    expect(remaining.rows[0]).toMatchObject({ title: 'Lesson two', position: 1 })
  })

  it('shows a taken slug on the slug field with 409 and keeps the form', async () => {
    const editor = await newEditor()
    await givenCourse(editor)
    const again = await editor.submit('/dashboard/offers/new?kind=course', '/dashboard/offers', {
      kind: 'course',
      title: 'Writing 102',
      slug: 'writing-101',
      currency: 'CNY',
      price: '10.00',
    })
    expect(again.status).toBe(409)
    expect(again.html).toContain('<span id="f-slug-error" class="error">This slug is already taken</span>')
    expect(again.html).toContain('value="Writing 102"')
    expect(await countRows(editor.ctx, 'offers')).toBe(1)
  })
})

/**
 * Round trips of each form's success path: one for the session (the page gate), one read, one write batch; a
 * new offer needs no read. A page must not read a row the verb reads again, nor read back what it just wrote in
 * a second round trip.
 */
describe('offer editor: round trips', () => {
  it('creates an offer in 2: the session, then the write that reads it back', async () => {
    const editor = await newEditor()
    const created = await editor.submitCounted('/dashboard/offers/new?kind=course', '/dashboard/offers', {
      kind: 'course',
      ...courseForm,
    })
    expect(created.status).toBe(303)
    expect(created.roundTrips).toBe(2)
  })

  it('shows a course in 2: the session, then the offer and its lessons in one batch', async () => {
    const editor = await newEditor()
    const courseId = await givenCourse(editor)
    await givenLesson(editor, courseId, 'Lesson one')
    await givenLesson(editor, courseId, 'Lesson two')
    const page = `/dashboard/offers/${courseId}`
    await quiet(editor.ctx)
    editor.ctx.roundTrips.count = 0
    const shown = await editor.get(page)
    expect(editor.ctx.roundTrips.count).toBe(2)
    expect(shown.status).toBe(200)
    expect(shown.html).toContain('value="Writing 101"')
    expect(lessonIdsOn(shown.html)).toHaveLength(2)
    expect(shown.html.indexOf('Lesson one')).toBeLessThan(shown.html.indexOf('Lesson two'))
    expect((await editor.get('/dashboard/offers/off_0000000000000000000000')).status).toBe(404)
  })

  it('edits, publishes and archives an offer in 3 each', async () => {
    const editor = await newEditor()
    const courseId = await givenCourse(editor)
    const page = `/dashboard/offers/${courseId}`
    const edited = await editor.submitCounted(page, page, { ...courseForm, title: 'Writing 101, revised' })
    expect(edited).toMatchObject({ status: 303, location: `${page}?saved=1`, roundTrips: 3 })
    const published = await editor.submitCounted(page, `${page}/status`, { status: 'live' })
    expect(published).toMatchObject({ status: 303, location: page, roundTrips: 3 })
    const archived = await editor.submitCounted(page, `${page}/archive`, {})
    expect(archived).toMatchObject({ status: 303, location: '/dashboard/offers', roundTrips: 3 })
    const read = await api(editor.ctx, 'GET', `/api/v1/offers/${courseId}`, { key: editor.creator.key })
    expect(read.body).toMatchObject({ title: 'Writing 101, revised', status: 'archived' })
  })

  it('edits, moves and removes a lesson in 3 each', async () => {
    const editor = await newEditor()
    const courseId = await givenCourse(editor)
    await givenLesson(editor, courseId, 'Lesson one')
    await givenLesson(editor, courseId, 'Lesson two')
    const page = `/dashboard/offers/${courseId}`
    const [first, second] = lessonIdsOn((await editor.get(page)).html)
    const back = `${page}#lessons`
    const edited = await editor.submitCounted(`/dashboard/lessons/${first}`, `/dashboard/lessons/${first}`, {
      title: 'Lesson one, revised',
      body: 'New body',
      drip_days: '0',
    })
    expect(edited).toMatchObject({ status: 303, location: back, roundTrips: 3 })
    const moved = await editor.submitCounted(page, `/dashboard/lessons/${second}/move`, { direction: 'up' })
    expect(moved).toMatchObject({ status: 303, location: back, roundTrips: 3 })
    expect(lessonIdsOn((await editor.get(page)).html)).toEqual([second, first])
    const removed = await editor.submitCounted(page, `/dashboard/lessons/${first}/delete`, {})
    expect(removed).toMatchObject({ status: 303, location: back, roundTrips: 3 })
    expect(lessonIdsOn((await editor.get(page)).html)).toEqual([second])
  })
})

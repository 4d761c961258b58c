/**
 * Driving the dashboard editors as a browser does: sign in by magic link, GET a page, read the CSRF token from
 * the form on it, post the form from this origin.
 */
import { createTestContext, givenCreator, type TestContext } from '../helpers'
import { postForm, signIn } from '../sign-in'

export interface Editor {
  ctx: TestContext
  creator: { id: string; slug: string; key: string }
  cookie: string
  /** GET as the signed-in creator; answers the status and the HTML. */
  get(path: string): Promise<{ status: number; html: string; location: string | null }>
  /** GETs `page`, then posts `fields` to `action` with the CSRF token that page's forms carry. */
  submit(
    page: string,
    action: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; html: string; location: string | null }>
  /**
   * `submit`, with the database round trips of the POST alone (counted once the database is quiet: no mail
   * dispatch left over from an earlier request).
   */
  submitCounted(
    page: string,
    action: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; html: string; location: string | null; roundTrips: number }>
}

/** Waits until the database has been idle for a moment (work a response left running, e.g. mail dispatch). */
export async function quiet(ctx: TestContext): Promise<void> {
  for (let seen = -1; seen !== ctx.roundTrips.count; ) {
    seen = ctx.roundTrips.count
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export function csrfOf(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html)
  if (!match?.[1]) throw new Error('no CSRF field on the page')
  return match[1]
}

export async function editorFor(
  ctx: TestContext,
  options: { slug?: string; locale?: 'en' | 'zh-CN' } = {},
): Promise<Editor> {
  const slug = options.slug ?? 'writer'
  const email = `${slug}@example.com`
  const creator = await givenCreator(ctx, { slug, email, locale: options.locale ?? 'en' })
  const { cookie } = await signIn(ctx, email, 'creator')
  const read = async (response: Response) => ({
    status: response.status,
    html: await response.text(),
    location: response.headers.get('location'),
  })
  const get = async (path: string) => read(await ctx.app.request(path, { headers: { cookie } }))
  return {
    ctx,
    creator,
    cookie,
    get,
    async submit(page, action, fields) {
      const shown = await get(page)
      if (shown.status !== 200) throw new Error(`GET ${page} answered ${shown.status}`)
      return read(await postForm(ctx, action, { csrf: csrfOf(shown.html), ...fields }, { cookie }))
    },
    async submitCounted(page, action, fields) {
      const shown = await get(page)
      if (shown.status !== 200) throw new Error(`GET ${page} answered ${shown.status}`)
      await quiet(ctx)
      ctx.roundTrips.count = 0
      const response = await postForm(ctx, action, { csrf: csrfOf(shown.html), ...fields }, { cookie })
      const roundTrips = ctx.roundTrips.count
      return { ...(await read(response)), roundTrips }
    },
  }
}

export async function newEditor(options: { locale?: 'en' | 'zh-CN' } = {}): Promise<Editor> {
  return editorFor(await createTestContext(), options)
}

/** The id in a redirect to an editor page, e.g. `/dashboard/offers/off_…?saved=1` → `off_…`. */
export function idIn(location: string | null, prefix: string): string {
  const match = new RegExp(`(${prefix}_[0-9a-z]+)`).exec(location ?? '')
  if (!match?.[1]) throw new Error(`no ${prefix} id in ${location}`)
  return match[1]
}

/** The course form's fields, filled in: a ¥199 course, Writing 101. */
export const courseForm = {
  title: 'Writing 101',
  slug: 'writing-101',
  description: 'Learn to write.',
  currency: 'CNY',
  price: '199.00',
  term_days: '',
}

/** Creates a course through the pages and answers its id. */
export async function givenCourse(editor: Editor, fields: Record<string, string> = {}): Promise<string> {
  const created = await editor.submit('/dashboard/offers/new?kind=course', '/dashboard/offers', {
    kind: 'course',
    ...courseForm,
    ...fields,
  })
  if (created.status !== 303) throw new Error(`creating a course answered ${created.status}: ${created.html}`)
  return idIn(created.location, 'off')
}

/** Adds a lesson through the pages and answers its id (read back from the course page). */
export async function givenLesson(editor: Editor, courseId: string, title: string): Promise<void> {
  const added = await editor.submit(
    `/dashboard/offers/${courseId}/lessons/new`,
    `/dashboard/offers/${courseId}/lessons`,
    { title, body: `${title} body`, drip_days: '0' },
  )
  if (added.status !== 303) throw new Error(`adding a lesson answered ${added.status}: ${added.html}`)
}

export const lessonIdsOn = (html: string) =>
  [...html.matchAll(/data-lesson="(les_[0-9a-z]+)"/g)].map((m) => m[1])

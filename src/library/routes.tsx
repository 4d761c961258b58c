/**
 * The buyer's side, as pages and as JSON over the same verbs:
 * - pages: `/me` (library), `POST /me/billing-portal`, `/c/:creator/posts/:post`, `/learn/:course`,
 *   `/learn/:course/:lesson`, `POST /learn/:course/:lesson/complete`;
 * - JSON under `/api/v1/me` (session cookie; app.ts checks the origin of unsafe calls): the library, a post, a
 *   course outline, a lesson, completing a lesson. A refusal is a 402 problem with `reason` and `buy`.
 * Every read is one round trip (content, viewer and access in one batch); forms carry the session's CSRF token.
 */
import type { Context } from 'hono'
import type { Decision } from '../access/access-rules'
import { csrfToken, requireCsrf } from '../accounts/csrf'
import { sessionFrom } from '../accounts/sessions'
import type { AppEnv } from '../app-env'
import type { Locale } from '../db/schema'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute } from '../lib/api-route'
import { errorResponses, jsonResponse, named, pathId } from '../lib/openapi'
import { paymentRequired, unauthorized } from '../lib/problem'
import { toIso } from '../lib/time'
import * as z from '../lib/zod'
import { pageLocale } from '../web/locale'
import { completeLesson, readCourse, readPost } from './content'
import { changeOwnTier, NoBuyerSession, openBillingPortal, readLibrary } from './library'
import { CoursePage, LessonPage, LibraryPage, PostPage } from './pages'

async function sessionHash(c: Context) {
  return (await sessionFrom(c))?.hash ?? null
}

function refused(decision: Decision, what: string) {
  if (decision.allowed) throw new Error('refused() called for an allowed decision')
  if (decision.reason === 'sign_in')
    return unauthorized(`Sign in to read this ${what}.`, 'Cookie realm="quanzi"')
  return paymentRequired(`You have no access to this ${what} now (${decision.reason}).`, {
    reason: decision.reason,
    buy: decision.buy,
    opens_at: decision.opensAt === undefined ? null : toIso(decision.opensAt),
  })
}

// ---- JSON schemas ----

const libraryItemSchema = z.object({
  entitlement_id: z.string(),
  offer: z.object({ id: z.string(), title: z.string(), kind: z.string(), slug: z.string() }),
  creator: z.object({ slug: z.string(), name: z.string() }),
  state: z.enum(['active', 'grace', 'lapsed', 'revoked', 'expired']),
  source: z.enum(['order', 'subscription', 'admin']),
  starts_at: z.string(),
  ends_at: z.nullable(z.string()),
  subscription: z.nullable(
    z.object({
      status: z.string(),
      cancel_at_period_end: z.boolean(),
      pending_offer_id: z.nullable(z.string()),
    }),
  ),
  open_url: z.string(),
  renew_url: z.nullable(z.string()),
})
const librarySchema = named(
  z.object({
    email: z.string(),
    items: z.array(libraryItemSchema),
    bookings: z.array(
      z.object({
        slot_id: z.string(),
        offer_title: z.string(),
        creator_name: z.string(),
        starts_at: z.string(),
        ends_at: z.string(),
        time_zone: z.string(),
        meeting_details: z.string(),
      }),
    ),
    can_manage_billing: z.boolean(),
  }),
  'Library',
)

const postSchema = named(
  z.object({ id: z.string(), slug: z.string(), title: z.string(), excerpt: z.string(), body: z.string() }),
  'MemberPost',
)
const lessonStateSchema = z.object({
  id: z.string(),
  position: z.int(),
  title: z.string(),
  free_preview: z.boolean(),
  open: z.boolean(),
  opens_at: z.nullable(z.string()),
  completed: z.boolean(),
})
const courseSchema = named(
  z.object({ id: z.string(), title: z.string(), access: z.boolean(), lessons: z.array(lessonStateSchema) }),
  'MemberCourse',
)
const lessonSchema = named(
  z.object({
    id: z.string(),
    course_id: z.string(),
    title: z.string(),
    body: z.string(),
    completed: z.boolean(),
  }),
  'MemberLesson',
)

const courseParams = z.object({ course_id: pathId('The course (offer) id', 'off_01m84d7bvcq981y6dza0ec') })
const lessonParams = z.extend(courseParams, {
  lesson_id: pathId('The lesson id', 'les_01m84d7bvcq981y6dza0ec'),
})
const security = [{ sessionCookie: [] }]

const api = {
  library: defineRoute({
    method: 'get',
    path: '/api/v1/me',
    tags: ['me'],
    security,
    summary: 'The signed-in buyer’s library: everything they hold or held, and their consultations',
    responses: { 200: jsonResponse(librarySchema, 'The library'), ...errorResponses(401) },
  }),
  post: defineRoute({
    method: 'get',
    path: '/api/v1/me/posts/{post_id}',
    tags: ['me'],
    security,
    summary: 'A post with its body, if the buyer’s access allows it (402 with what would)',
    request: { params: z.object({ post_id: pathId('The post id', 'pst_01m84d7bvcq981y6dza0ec') }) },
    responses: { 200: jsonResponse(postSchema, 'The post'), ...errorResponses(401, 402, 404) },
  }),
  course: defineRoute({
    method: 'get',
    path: '/api/v1/me/courses/{course_id}',
    tags: ['me'],
    security,
    summary: 'A course outline with each lesson’s state for the buyer (open, drip date, completed)',
    request: { params: courseParams },
    responses: { 200: jsonResponse(courseSchema, 'The course'), ...errorResponses(401, 404) },
  }),
  lesson: defineRoute({
    method: 'get',
    path: '/api/v1/me/courses/{course_id}/lessons/{lesson_id}',
    tags: ['me'],
    security,
    summary: 'A lesson’s body, if open for the buyer (402 with the reason, buy links or drip date)',
    request: { params: lessonParams },
    responses: { 200: jsonResponse(lessonSchema, 'The lesson'), ...errorResponses(401, 402, 404) },
  }),
  complete: defineRoute({
    method: 'post',
    path: '/api/v1/me/courses/{course_id}/lessons/{lesson_id}/complete',
    tags: ['me'],
    security,
    summary: 'Mark a lesson completed (idempotent)',
    request: { params: lessonParams },
    responses: {
      200: jsonResponse(lessonSchema, 'The lesson, completed'),
      ...errorResponses(401, 402, 403, 404),
    },
  }),
}

function localeOf(c: Context): Locale {
  return pageLocale(c)
}

export function libraryRoutes(deps: Deps) {
  // ---- JSON ----
  const routes = apiRoutes<AppEnv>()
    .openapi(api.library, async (c) => {
      let library: Awaited<ReturnType<typeof readLibrary>>
      try {
        library = await readLibrary(deps, await sessionHash(c))
      } catch (error) {
        if (error instanceof NoBuyerSession)
          throw unauthorized('Sign in as a buyer first.', 'Cookie realm="quanzi"')
        throw error
      }
      return c.json(
        {
          email: library.viewer.email,
          can_manage_billing: library.canManageBilling,
          items: library.items.map((item) => ({
            entitlement_id: item.entitlementId,
            offer: item.offer,
            creator: item.creator,
            state: item.state,
            source: item.source,
            starts_at: toIso(item.startsAt) ?? '',
            ends_at: toIso(item.endsAt),
            subscription: item.subscription
              ? {
                  id: item.subscription.id,
                  status: item.subscription.status,
                  cancel_at_period_end: item.subscription.cancelAtPeriodEnd,
                  pending_offer_id: item.subscription.pendingOfferId,
                  moves: item.subscription.moves.map((move) => ({
                    offer_id: move.offerId,
                    title: move.title,
                    when: move.when,
                  })),
                }
              : null,
            open_url: item.openPath,
            renew_url: item.renewPath,
          })),
          bookings: library.bookings.map((booking) => ({
            slot_id: booking.slotId,
            offer_title: booking.offerTitle,
            creator_name: booking.creatorName,
            starts_at: toIso(booking.startsAt) ?? '',
            ends_at: toIso(booking.endsAt) ?? '',
            time_zone: booking.timeZone,
            meeting_details: booking.meetingDetails,
          })),
        },
        200,
      )
    })
    .openapi(api.post, async (c) => {
      const read = await readPost(deps, await sessionHash(c), { postId: c.req.valid('param').post_id })
      if (!read.decision.allowed) throw refused(read.decision, 'post')
      const { post } = read
      return c.json(
        { id: post.id, slug: post.slug, title: post.title, excerpt: post.excerpt, body: post.body },
        200,
      )
    })
    .openapi(api.course, async (c) => {
      const read = await readCourse(deps, await sessionHash(c), c.req.valid('param').course_id)
      return c.json(
        {
          id: read.course.id,
          title: read.course.title,
          access: read.decision.allowed,
          lessons: read.lessons.map((lesson) => ({
            id: lesson.id,
            position: lesson.position,
            title: lesson.title,
            free_preview: lesson.freePreview,
            open: lesson.open,
            opens_at: toIso(lesson.opensAt),
            completed: lesson.completed,
          })),
        },
        200,
      )
    })
    .openapi(api.lesson, async (c) => {
      const { course_id, lesson_id } = c.req.valid('param')
      const read = await readCourse(deps, await sessionHash(c), course_id, lesson_id)
      const lesson = read.lesson
      if (!lesson) throw new Error('readCourse returned no lesson for a lesson id')
      if (!lesson.decision.allowed) throw refused(lesson.decision, 'lesson')
      const completed = read.lessons.find((row) => row.id === lesson_id)?.completed ?? false
      return c.json(
        { id: lesson.row.id, course_id, title: lesson.row.title, body: lesson.row.body, completed },
        200,
      )
    })
    .openapi(api.complete, async (c) => {
      const { course_id, lesson_id } = c.req.valid('param')
      const done = await completeLesson(deps, await sessionHash(c), course_id, lesson_id)
      const lesson = done.lesson
      if (!lesson) throw new Error('readCourse returned no lesson for a lesson id')
      if (done.viewer?.role !== 'buyer')
        throw unauthorized('Sign in as a buyer first.', 'Cookie realm="quanzi"')
      if (!lesson.decision.allowed) throw refused(lesson.decision, 'lesson')
      return c.json(
        { id: lesson.row.id, course_id, title: lesson.row.title, body: lesson.row.body, completed: true },
        200,
      )
    })
  // ---- Pages ----
  routes.app
    .get('/me', async (c) => {
      const session = await sessionFrom(c)
      if (!session) return c.redirect('/login?next=/me', 303)
      let library: Awaited<ReturnType<typeof readLibrary>>
      try {
        library = await readLibrary(deps, session.hash)
      } catch (error) {
        if (error instanceof NoBuyerSession) return c.redirect('/login?next=/me', 303)
        throw error
      }
      c.header('Cache-Control', 'private, no-store')
      return c.html(
        <LibraryPage
          library={library}
          locale={localeOf(c)}
          csrf={await csrfToken(deps.config, session.value)}
          changed={c.req.query('changed') === '1'}
        />,
      )
    })
    .post('/me/billing-portal', async (c) => {
      const session = await sessionFrom(c)
      if (!session) return c.redirect('/login?next=/me', 303)
      await requireCsrf(deps.config, session.value, (await c.req.parseBody()).csrf)
      return c.redirect(await openBillingPortal(deps, session.hash), 303)
    })
    .post('/me/subscriptions/:id/tier', async (c) => {
      const session = await sessionFrom(c)
      if (!session) return c.redirect('/login?next=/me', 303)
      const form = await c.req.parseBody()
      await requireCsrf(deps.config, session.value, form.csrf)
      await changeOwnTier(deps, session.hash, c.req.param('id'), String(form.offer_id ?? ''))
      return c.redirect('/me?changed=1', 303)
    })
    .get('/c/:creator/posts/:post', async (c) => {
      const read = await readPost(deps, await sessionHash(c), {
        creatorSlug: c.req.param('creator'),
        postSlug: c.req.param('post'),
      })
      c.header('Cache-Control', 'private, no-store')
      return c.html(
        <PostPage
          title={read.post.title}
          excerpt={read.post.excerpt}
          body={read.decision.allowed ? read.post.body : null}
          creator={{ ...read.creator, locale: pageLocale(c, read.creator.locale) }}
          decision={read.decision}
          offers={read.access.offers}
          path={c.req.path}
        />,
        read.decision.allowed ? 200 : 402,
      )
    })
    .get('/learn/:course', async (c) => {
      const read = await readCourse(deps, await sessionHash(c), c.req.param('course'))
      c.header('Cache-Control', 'private, no-store')
      return c.html(
        <CoursePage
          course={{ id: read.course.id, title: read.course.title, description: read.course.description }}
          creator={{ ...read.creator, locale: pageLocale(c, read.creator.locale) }}
          lessons={read.lessons}
          decision={read.decision}
          offers={read.access.offers}
        />,
      )
    })
    .get('/learn/:course/:lesson', async (c) => {
      const session = await sessionFrom(c)
      const read = await readCourse(deps, session?.hash ?? null, c.req.param('course'), c.req.param('lesson'))
      const lesson = read.lesson
      if (!lesson) throw new Error('readCourse returned no lesson for a lesson id')
      const index = read.lessons.findIndex((row) => row.id === lesson.row.id)
      c.header('Cache-Control', 'private, no-store')
      return c.html(
        <LessonPage
          course={read.course}
          creator={{ ...read.creator, locale: pageLocale(c, read.creator.locale) }}
          lesson={lesson.row}
          decision={lesson.decision}
          completed={read.lessons[index]?.completed ?? false}
          next={read.lessons[index + 1] ?? null}
          offers={read.access.offers}
          csrf={session && read.viewer?.role === 'buyer' ? await csrfToken(deps.config, session.value) : null}
        />,
        lesson.decision.allowed ? 200 : 402,
      )
    })
    .post('/learn/:course/:lesson/complete', async (c) => {
      const session = await sessionFrom(c)
      const path = `/learn/${c.req.param('course')}/${c.req.param('lesson')}`
      if (!session) return c.redirect(`/login?next=${encodeURIComponent(path)}`, 303)
      await requireCsrf(deps.config, session.value, (await c.req.parseBody()).csrf)
      await completeLesson(deps, session.hash, c.req.param('course'), c.req.param('lesson'))
      return c.redirect(path, 303)
    })
  return routes
}

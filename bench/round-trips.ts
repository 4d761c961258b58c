/**
 * Database round trips per request, counted with `countRoundTrips` around the app's libSQL client, for EVERY
 * route the app serves: each operation in its OpenAPI document and each page, form and file route Hono lists in
 * `app.routes` (`routeKeys`). In-process `app.request`, no load. Design principle 3: a page view costs one round
 * trip; the issue's targets are 1 for a gated read and at most 2 for checkout start, the rest are reported.
 *
 * Each probe drives one realistic successful request (or the route's normal refusal, said in the row's name).
 * A probe that changes something prepares a fresh subject each time (a new lesson to delete, a new paid order to
 * refund…); the preparation goes through the app too but is not counted. Every probe runs once unmeasured (so
 * one-time work such as a lazily built route is not counted), then once measured. Work a request leaves running
 * after its response (the mail outbox's `dispatchAfterResponse`) is waited for and shown apart.
 *
 * `probedRoutes` (the probes' route keys) and `routeKeys(app)` are what test/bench/round-trips-coverage.test.ts
 * compares: a route without a probe fails that test, and shows here as a row marked **no**.
 */
import type { Client, InStatement } from '@libsql/client'
import type Stripe from 'stripe'
import { csrfToken } from '../src/accounts/csrf'
import { type FakeStripe, startFakeStripe } from '../src/dev/local-stripe'
import { randomToken, sha256Hex } from '../src/lib/crypto'
import { dayMs } from '../src/lib/time'
import { stylesheetPath } from '../src/web/assets'
import { postEvent, startCheckout } from './payments'
import type { Row } from './table'
import { createWorld, type World } from './world'

type App = World['app']

// ---------------------------------------------------------------------------------------------------------------
// Route enumeration

/**
 * Every route of the app as `METHOD /path/:pattern`: the routes Hono registered (`app.routes`, less the `ALL …*`
 * entries `app.use` adds for middleware) and every operation of the OpenAPI document (`{id}` written `:id`).
 * The stylesheet's content-hashed path is one route, `GET /assets/*`.
 */
export async function routeKeys(app: App): Promise<string[]> {
  const keys = new Set<string>()
  for (const route of app.routes) {
    if (isMiddleware(route)) continue
    keys.add(`${route.method} ${route.path.startsWith('/assets/') ? '/assets/*' : route.path}`)
  }
  const document = (await (await app.request('/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>
  }
  const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options'])
  for (const [path, item] of Object.entries(document.paths))
    for (const method of Object.keys(item))
      if (methods.has(method)) keys.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
  return [...keys].sort()
}

/** `app.use(path, …)` registers method ALL on a wildcard path; an `app.all('/x')` handler would still count. */
export function isMiddleware(route: { method: string; path: string }): boolean {
  return route.method === 'ALL' && route.path.endsWith('*')
}

/** Routes with no probe on purpose, each with its reason. Keep this short. */
export const unprobedRoutes: Record<string, string> = {}

// ---------------------------------------------------------------------------------------------------------------
// The bench's world, beyond bench/world.ts's shop

interface Buyer {
  buyerId: string
  email: string
  cookie: string
}

interface Bench {
  world: World
  fake: FakeStripe
  /** Round trips about the `mails` table (the outbox dispatcher's), counted apart. */
  mail: { count: number }
  /** Member 1: holds the tier (rank 1), not the course; entitled to the group by a grant. */
  member: Buyer
  /** Bought the course by card. */
  student: Buyer
  /** A card subscription to the tier: has a Stripe customer (billing portal). */
  subscriber: Buyer
  /** The creator's session cookie, from the sign-in flow. */
  creator: string
  /** A second scratch course (draft), so edits and deletions leave the shop's course alone. */
  scratchCourseId: string
  scratchLessonId: string
  scratchPostId: string
  tier2Id: string
  consultationId: string
  groupId: string
  /** A consultation slot booked (and paid) by the student. */
  bookedSlotId: string
  /** Whole hour from which new slots are laid out (`slotStart`). */
  slotBase: number
  /** A number never handed out before: unique slugs, emails, slot times. */
  next(): number
}

const origin = 'http://localhost'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until the app has sent nothing to the database for 20 ms (detached work such as mail dispatch). */
async function settle(world: World): Promise<void> {
  let last = -1
  while (world.counter.count !== last) {
    last = world.counter.count
    await sleep(20)
  }
}

async function must(response: Response | Promise<Response>, status: number, what: string): Promise<string> {
  const answered = await response
  const text = await answered.text()
  if (answered.status !== status)
    throw new Error(`${what}: expected ${status}, got ${answered.status}: ${text}`)
  return text
}

type Who = 'key' | 'admin' | 'anonymous' | { cookie: string }

function authHeaders(b: Bench, who: Who): Record<string, string> {
  if (who === 'key') return { authorization: `Bearer ${b.world.shop.apiKey}` }
  if (who === 'admin') return { authorization: `Bearer ${b.world.deps.config.ADMIN_TOKEN}` }
  if (who === 'anonymous') return {}
  return { cookie: who.cookie }
}

/** A JSON API call (the creator's key unless told otherwise). */
function api(b: Bench, method: string, path: string, body?: unknown, who: Who = 'key') {
  return b.world.app.request(path, {
    method,
    headers: {
      origin,
      ...authHeaders(b, who),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

/** An API call made while preparing a probe: must succeed; answers the parsed body. */
async function setupCall<T = { id: string }>(
  b: Bench,
  method: string,
  path: string,
  body?: unknown,
  who: Who = 'key',
): Promise<T> {
  const response = await api(b, method, path, body, who)
  const text = await response.text()
  if (!response.ok) throw new Error(`setup ${method} ${path} answered ${response.status}: ${text}`)
  return (text ? JSON.parse(text) : null) as T
}

/** A page as a browser asks for it. */
function page(b: Bench, path: string, cookie?: string) {
  return b.world.app.request(path, { headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } })
}

/** A form posted from this site, with the CSRF token of the session in `cookie` (when signed in). */
async function form(b: Bench, path: string, cookie: string | null, fields: Record<string, string> = {}) {
  const value = cookie?.replace(/^qz_session=/, '')
  const csrf: Record<string, string> = value ? { csrf: await csrfToken(b.world.deps.config, value) } : {}
  return b.world.app.request(path, {
    method: 'POST',
    headers: {
      origin,
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams({ ...csrf, ...fields }).toString(),
  })
}

/** A live session for a buyer or a creator, inserted as sign-in would leave it (uncounted). */
async function sessionCookie(world: World, owner: { buyerId: string } | { creatorId: string }) {
  const value = randomToken(32)
  const now = Date.now()
  await world.client.execute({
    sql: `insert into sessions (id_hash, role, buyer_id, creator_id, expires_at, created_at)
      values (?, ?, ?, ?, ?, ?)`,
    args: [
      await sha256Hex(value),
      'buyerId' in owner ? 'buyer' : 'creator',
      'buyerId' in owner ? owner.buyerId : null,
      'creatorId' in owner ? owner.creatorId : null,
      now + 30 * dayMs,
      now,
    ],
  })
  return `qz_session=${value}`
}

/** A new member of the shop (an active tier entitlement) with a session, inserted directly (uncounted). */
async function newBuyer(b: Bench, name = 'buyer'): Promise<Buyer> {
  const n = b.next()
  const buyerId = `buy_rt${n}`
  const email = `${name}${n}@example.com`
  const now = Date.now()
  const { shop } = b.world
  await b.world.client.batch(
    [
      {
        sql: 'insert into buyers (id, email, name, created_at, updated_at) values (?, ?, ?, ?, ?)',
        args: [buyerId, email, `${name} ${n}`, now, now],
      },
      {
        sql: `insert into entitlements (id, creator_id, buyer_id, offer_id, source, source_id, starts_at, ends_at,
            state, created_at, updated_at)
          values (?, ?, ?, ?, 'admin', ?, ?, ?, 'active', ?, ?)`,
        args: [
          `ent_rt${n}`,
          shop.creatorId,
          buyerId,
          shop.tierId,
          `rt${n}`,
          now - dayMs,
          now + 365 * dayMs,
          now,
          now,
        ],
      },
    ],
    'write',
  )
  return { buyerId, email, cookie: await sessionCookie(b.world, { buyerId }) }
}

/** Pays for an offer by card through /buy, the fake Stripe's checkout and the signed webhook events. */
async function buy(
  b: Bench,
  offerId: string,
  email: string,
  query = '',
): Promise<{ orderId: string; buyer: Buyer; sessionId: string }> {
  const sessionId = await startCheckout(b.world, offerId, query)
  for (const event of b.fake.completeSession(sessionId, { email })) await postEvent(b.world, b.fake, event)
  const [order, buyer] = await b.world.client.batch([
    { sql: 'select id from orders where checkout_session_id = ?', args: [sessionId] },
    { sql: 'select id from buyers where email = ?', args: [email] },
  ])
  const buyerId = buyer?.rows[0]?.id
  if (!buyerId) throw new Error(`no buyer ${email} after checkout session ${sessionId}`)
  return {
    orderId: String(order?.rows[0]?.id ?? ''),
    sessionId,
    buyer: {
      buyerId: String(buyerId),
      email,
      cookie: await sessionCookie(b.world, { buyerId: String(buyerId) }),
    },
  }
}

/** A card subscription to the shop's tier for a new buyer; answers the Stripe subscription id and the buyer. */
async function subscribeFresh(b: Bench): Promise<{ subscriptionId: string; buyer: Buyer }> {
  const before = new Set(b.fake.objects<{ id: string }>('subscription').map((sub) => sub.id))
  const { buyer } = await buy(b, b.world.shop.tierId, `subscriber${b.next()}@example.com`, '?rail=card')
  const subscription = b.fake.objects<{ id: string }>('subscription').find((sub) => !before.has(sub.id))
  if (!subscription) throw new Error('the fake Stripe made no subscription')
  return { subscriptionId: subscription.id, buyer }
}

/** Start times for new consultation slots: an hour long, two hours apart, from 40 days ahead, never reused. */
function slotStart(b: Bench): number {
  return b.slotBase + b.next() * 2 * 60 * 60_000
}

async function addSlot(b: Bench): Promise<string> {
  const added = await setupCall<{ data: { id: string }[] }>(
    b,
    'POST',
    `/api/v1/offers/${b.consultationId}/slots`,
    { slots: [{ starts_at: new Date(slotStart(b)).toISOString(), meeting_details: 'Video call.' }] },
  )
  const slot = added.data[0]
  if (!slot) throw new Error('no slot added')
  return slot.id
}

/** A booked (paid) consultation slot for a new buyer. */
async function book(b: Bench): Promise<{ slotId: string; buyer: Buyer }> {
  const slotId = await addSlot(b)
  const { buyer } = await buy(b, b.consultationId, `booker${b.next()}@example.com`, `?slot=${slotId}`)
  return { slotId, buyer }
}

async function addLesson(b: Bench, courseId = b.scratchCourseId): Promise<string> {
  return (await setupCall(b, 'POST', `/api/v1/offers/${courseId}/lessons`, { title: `Lesson ${b.next()}` }))
    .id
}

async function addPost(b: Bench): Promise<string> {
  const n = b.next()
  return (
    await setupCall(b, 'POST', '/api/v1/posts', {
      title: `Note ${n}`,
      slug: `note-${n}`,
      body: 'A short note.',
      audience: { type: 'everyone' },
      status: 'live',
    })
  ).id
}

async function addCourse(b: Bench): Promise<string> {
  const n = b.next()
  return (
    await setupCall(b, 'POST', '/api/v1/offers', {
      kind: 'course',
      slug: `course-${n}`,
      title: `Course ${n}`,
      prices: [{ amount: 9900, currency: 'CNY', interval: 'once' }],
    })
  ).id
}

/** A new buyer granted the group, who revealed its invite (so is a group member), then lost the access. */
async function formerGroupMember(b: Bench): Promise<Buyer> {
  const buyer = await newBuyer(b, 'leaver')
  const granted = await setupCall(b, 'POST', `/api/v1/members/${buyer.buyerId}/entitlements`, {
    offer_id: b.groupId,
  })
  await setupCall(b, 'GET', `/api/v1/me/groups/${b.groupId}`, undefined, { cookie: buyer.cookie })
  await setupCall(b, 'DELETE', `/api/v1/members/${buyer.buyerId}/entitlements/${granted.id}`)
  return buyer
}

/** Asks for a sign-in link as a browser would; answers the token from the queued mail. */
async function signInToken(b: Bench, email: string, role: 'buyer' | 'creator' = 'buyer'): Promise<string> {
  await must(
    b.world.app.request('/login', {
      method: 'POST',
      headers: {
        origin,
        'content-type': 'application/x-www-form-urlencoded',
        // Each sign-in from its own address: the per-IP limit is not what the bench measures.
        'x-forwarded-for': `198.51.100.${b.next() % 250}`,
      },
      body: new URLSearchParams({ email, role, next: role === 'creator' ? '/dashboard' : '/me' }).toString(),
    }),
    200,
    'POST /login',
  )
  await settle(b.world)
  const rows = await b.world.client.execute({
    sql: `select text from mails where "to" = ? and text like '%/login/verify?token=%'
      order by created_at desc, id desc limit 1`,
    args: [email],
  })
  const match = /\/login\/verify\?token=([\w-]+)/.exec(String(rows.rows[0]?.text ?? ''))
  if (!match?.[1]) throw new Error(`no sign-in mail to ${email}`)
  return match[1]
}

async function createBench(world: World, fake: FakeStripe, mail: { count: number }): Promise<Bench> {
  let counter = 0
  const slotBase = Math.ceil((Date.now() + 40 * dayMs) / 3_600_000) * 3_600_000
  const b = { world, fake, mail, slotBase, next: () => ++counter } as Bench
  const { shop } = world

  b.member = { buyerId: world.member.buyerId, email: world.member.email, cookie: world.member.cookie }
  // The creator signs in by magic link, as in a browser.
  const token = await signInToken(b, 'bench-club@example.com', 'creator')
  const verified = await world.app.request('/login/verify', {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  })
  const cookie = /qz_session=([^;]*)/.exec(verified.headers.get('set-cookie') ?? '')?.[1]
  if (verified.status !== 303 || !cookie) throw new Error(`creator sign-in answered ${verified.status}`)
  b.creator = `qz_session=${cookie}`

  const offer = (body: Record<string, unknown>) => setupCall(b, 'POST', '/api/v1/offers', body)
  b.tier2Id = (
    await offer({
      kind: 'tier',
      slug: 'patrons',
      title: 'Patrons',
      rank: 2,
      status: 'live',
      prices: [{ amount: 50000, currency: 'CNY', interval: 'year' }],
    })
  ).id
  b.consultationId = (
    await offer({
      kind: 'consultation',
      slug: 'one-on-one',
      title: 'One-on-one',
      duration_minutes: 60,
      time_zone: 'Asia/Shanghai',
      status: 'live',
      prices: [{ amount: 50000, currency: 'CNY', interval: 'once' }],
    })
  ).id
  b.groupId = (
    await offer({
      kind: 'group',
      slug: 'reading-group',
      title: 'Reading group',
      status: 'live',
      prices: [{ amount: 9900, currency: 'CNY', interval: 'once', term_days: 365 }],
      group: { platform: 'wechat', qr_image_url: 'https://example.com/qr.png', capacity: 200 },
    })
  ).id
  b.scratchCourseId = (
    await offer({
      kind: 'course',
      slug: 'scratch-course',
      title: 'Scratch course',
      description: 'Edited by the bench.',
      prices: [{ amount: 9900, currency: 'CNY', interval: 'once' }],
    })
  ).id
  b.scratchLessonId = await addLesson(b)
  await addLesson(b)
  b.scratchPostId = await addPost(b)
  await setupCall(b, 'POST', `/api/v1/members/${b.member.buyerId}/entitlements`, { offer_id: b.groupId })

  b.student = (await buy(b, shop.courseId, 'student@example.com')).buyer
  b.subscriber = (await subscribeFresh(b)).buyer
  const booked = await book(b)
  b.bookedSlotId = booked.slotId
  await settle(world)
  return b
}

// ---------------------------------------------------------------------------------------------------------------
// Probes

export interface Probe {
  /** The route, as `routeKeys` names it. */
  route: string
  /** What was driven, when the row should say (a refusal, who asked). */
  note: string | undefined
  /** null: reported, no target. */
  max: number | null
  /** Prepares, then sends the request once; answers its own round trips and the mail dispatch's. */
  once(b: Bench): Promise<{ own: number; mail: number }>
}

interface Spec<S> {
  route: string
  note?: string
  max?: number
  /** The expected answer: the success, or the route's normal refusal. */
  status: number
  /** For forms that always redirect: the Location must contain this (the success notice). */
  location?: string
  prepare?: (b: Bench) => Promise<S>
  send: (b: Bench, state: S) => Response | Promise<Response>
}

function probe<S = undefined>(spec: Spec<S>): Probe {
  return {
    route: spec.route,
    note: spec.note,
    max: spec.max ?? null,
    async once(b) {
      const state = spec.prepare ? await spec.prepare(b) : (undefined as S)
      await settle(b.world)
      b.world.counter.count = 0
      b.mail.count = 0
      const response = await spec.send(b, state)
      // Read the whole body: a streamed answer (the CSV exports) reads the database while it is sent.
      const text = await response.text()
      const location = response.headers.get('location') ?? ''
      if (response.status !== spec.status || (spec.location && !location.includes(spec.location)))
        throw new Error(
          `${spec.route}: expected ${spec.status}${spec.location ? ` to …${spec.location}` : ''}, ` +
            `got ${response.status}${location ? ` to ${location}` : ''}: ${text.slice(0, 500)}`,
        )
      await settle(b.world)
      return { own: b.world.counter.count - b.mail.count, mail: b.mail.count }
    },
  }
}

const gated = 'gated read'
const future = (b: Bench) => new Date(slotStart(b)).toISOString()
/** A slot time as the dashboard's datetime-local field takes it, in the consultation's zone (UTC+8). */
const shanghaiLocal = (ms: number) => new Date(ms + 8 * 60 * 60_000).toISOString().slice(0, 16)

const apiProbes: Probe[] = [
  // The operator
  probe({
    route: 'POST /api/v1/admin/creators',
    status: 201,
    send: (b) => {
      const n = b.next()
      return api(
        b,
        'POST',
        '/api/v1/admin/creators',
        { slug: `club-${n}`, name: `Club ${n}`, email: `club${n}@example.com` },
        'admin',
      )
    },
  }),
  // Public
  probe({
    route: 'GET /api/v1/public/creators/:creator',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/public/creators/${b.world.shop.creatorSlug}`, undefined, 'anonymous'),
  }),
  // The creator's API (API key)
  probe({ route: 'GET /api/v1/creator', status: 200, send: (b) => api(b, 'GET', '/api/v1/creator') }),
  probe({
    route: 'PATCH /api/v1/creator',
    status: 200,
    send: (b) => api(b, 'PATCH', '/api/v1/creator', { bio: `Writing club, season ${b.next()}.` }),
  }),
  probe({
    route: 'POST /api/v1/offers',
    note: 'a course',
    status: 201,
    send: (b) => {
      const n = b.next()
      return api(b, 'POST', '/api/v1/offers', {
        kind: 'course',
        slug: `new-course-${n}`,
        title: `New course ${n}`,
        prices: [{ amount: 9900, currency: 'CNY', interval: 'once' }],
      })
    },
  }),
  probe({ route: 'GET /api/v1/offers', status: 200, send: (b) => api(b, 'GET', '/api/v1/offers') }),
  probe({
    route: 'GET /api/v1/offers/:id',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/offers/${b.world.shop.courseId}`),
  }),
  probe({
    route: 'PATCH /api/v1/offers/:id',
    status: 200,
    send: (b) => api(b, 'PATCH', `/api/v1/offers/${b.scratchCourseId}`, { title: `Scratch ${b.next()}` }),
  }),
  probe({
    route: 'POST /api/v1/offers/:id/archive',
    status: 200,
    prepare: addCourse,
    send: (b, id) => api(b, 'POST', `/api/v1/offers/${id}/archive`),
  }),
  probe({
    route: 'GET /api/v1/offers/:id/lessons',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/offers/${b.world.shop.courseId}/lessons`),
  }),
  probe({
    route: 'POST /api/v1/offers/:id/lessons',
    status: 201,
    send: (b) =>
      api(b, 'POST', `/api/v1/offers/${b.scratchCourseId}/lessons`, {
        title: `Lesson ${b.next()}`,
        body: 'A paragraph.',
      }),
  }),
  probe({
    route: 'PUT /api/v1/offers/:id/lessons/order',
    note: 'reversed',
    status: 200,
    prepare: async (b) =>
      (
        await b.world.client.execute({
          sql: 'select id from lessons where offer_id = ? order by position desc',
          args: [b.scratchCourseId],
        })
      ).rows.map((row) => String(row.id)),
    send: (b, ids) => api(b, 'PUT', `/api/v1/offers/${b.scratchCourseId}/lessons/order`, { lesson_ids: ids }),
  }),
  probe({
    route: 'GET /api/v1/lessons/:id',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/lessons/${b.world.shop.lessonId}`),
  }),
  probe({
    route: 'PATCH /api/v1/lessons/:id',
    status: 200,
    send: (b) => api(b, 'PATCH', `/api/v1/lessons/${b.scratchLessonId}`, { title: `Lesson ${b.next()}` }),
  }),
  probe({
    route: 'DELETE /api/v1/lessons/:id',
    status: 204,
    prepare: (b) => addLesson(b),
    send: (b, id) => api(b, 'DELETE', `/api/v1/lessons/${id}`),
  }),
  probe({
    route: 'GET /api/v1/offers/:id/slots',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/offers/${b.consultationId}/slots`),
  }),
  probe({
    route: 'POST /api/v1/offers/:id/slots',
    note: 'one slot',
    status: 201,
    send: (b) =>
      api(b, 'POST', `/api/v1/offers/${b.consultationId}/slots`, { slots: [{ starts_at: future(b) }] }),
  }),
  probe({
    route: 'GET /api/v1/slots/:id',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/slots/${b.bookedSlotId}`),
  }),
  probe({
    route: 'PATCH /api/v1/slots/:id',
    note: 'meeting details of a booked slot',
    status: 200,
    send: (b) => api(b, 'PATCH', `/api/v1/slots/${b.bookedSlotId}`, { meeting_details: `Room ${b.next()}` }),
  }),
  probe({
    route: 'DELETE /api/v1/slots/:id',
    note: 'a free slot',
    status: 200,
    prepare: addSlot,
    send: (b, id) => api(b, 'DELETE', `/api/v1/slots/${id}`),
  }),
  probe({
    route: 'POST /api/v1/posts',
    status: 201,
    send: (b) => {
      const n = b.next()
      return api(b, 'POST', '/api/v1/posts', {
        title: `Post ${n}`,
        slug: `post-${n}`,
        body: 'A paragraph.',
        audience: { type: 'tier', min_rank: 1 },
        status: 'live',
      })
    },
  }),
  probe({ route: 'GET /api/v1/posts', status: 200, send: (b) => api(b, 'GET', '/api/v1/posts') }),
  probe({
    route: 'GET /api/v1/posts/:id',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/posts/${b.world.shop.postId}`),
  }),
  probe({
    route: 'PATCH /api/v1/posts/:id',
    status: 200,
    send: (b) => api(b, 'PATCH', `/api/v1/posts/${b.scratchPostId}`, { title: `Note ${b.next()}` }),
  }),
  probe({
    route: 'POST /api/v1/posts/:id/archive',
    status: 200,
    prepare: addPost,
    send: (b, id) => api(b, 'POST', `/api/v1/posts/${id}/archive`),
  }),
  probe({ route: 'GET /api/v1/orders', status: 200, send: (b) => api(b, 'GET', '/api/v1/orders') }),
  probe({
    route: 'POST /api/v1/orders/:id/refund',
    note: 'a paid course order, fake Stripe',
    status: 202,
    prepare: (b) => buy(b, b.world.shop.courseId, `refund${b.next()}@example.com`),
    send: (b, { orderId }) => api(b, 'POST', `/api/v1/orders/${orderId}/refund`, {}),
  }),
  probe({ route: 'GET /api/v1/members', status: 200, send: (b) => api(b, 'GET', '/api/v1/members') }),
  probe({
    route: 'GET /api/v1/members/:id',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/members/${b.member.buyerId}`),
  }),
  probe({
    route: 'POST /api/v1/members/:id/entitlements',
    note: 'grant a course',
    status: 201,
    prepare: (b) => newBuyer(b, 'granted'),
    send: (b, buyer) =>
      api(b, 'POST', `/api/v1/members/${buyer.buyerId}/entitlements`, { offer_id: b.world.shop.courseId }),
  }),
  probe({
    route: 'DELETE /api/v1/members/:id/entitlements/:entitlement_id',
    status: 200,
    prepare: async (b) => {
      const buyer = await newBuyer(b, 'revoked')
      const granted = await setupCall(b, 'POST', `/api/v1/members/${buyer.buyerId}/entitlements`, {
        offer_id: b.world.shop.courseId,
      })
      return { buyerId: buyer.buyerId, entitlementId: granted.id }
    },
    send: (b, { buyerId, entitlementId }) =>
      api(b, 'DELETE', `/api/v1/members/${buyerId}/entitlements/${entitlementId}`),
  }),
  probe({
    route: 'POST /api/v1/subscriptions/:id/tier',
    note: 'upgrade, fake Stripe',
    status: 200,
    prepare: subscribeFresh,
    send: (b, { subscriptionId }) =>
      api(b, 'POST', `/api/v1/subscriptions/${subscriptionId}/tier`, { offer_id: b.tier2Id }),
  }),
  probe({
    route: 'GET /api/v1/members/:id/access',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/members/${b.member.buyerId}/access`),
  }),
  probe({
    route: 'GET /api/v1/stats/revenue',
    status: 200,
    send: (b) => api(b, 'GET', '/api/v1/stats/revenue'),
  }),
  probe({
    route: 'GET /api/v1/stats/overview',
    status: 200,
    send: (b) => api(b, 'GET', '/api/v1/stats/overview'),
  }),
  probe({ route: 'GET /api/v1/audit-log', status: 200, send: (b) => api(b, 'GET', '/api/v1/audit-log') }),
  probe({
    route: 'GET /api/v1/exports/members.csv',
    status: 200,
    send: (b) => api(b, 'GET', '/api/v1/exports/members.csv'),
  }),
  probe({
    route: 'GET /api/v1/exports/orders.csv',
    status: 200,
    send: (b) => api(b, 'GET', '/api/v1/exports/orders.csv'),
  }),
  probe({
    route: 'GET /api/v1/exports/entitlements.csv',
    status: 200,
    send: (b) => api(b, 'GET', '/api/v1/exports/entitlements.csv'),
  }),
  probe({ route: 'GET /api/v1/bookings', status: 200, send: (b) => api(b, 'GET', '/api/v1/bookings') }),
  probe({
    route: 'POST /api/v1/bookings/:slot_id/cancel',
    note: 'refund, fake Stripe',
    status: 200,
    prepare: book,
    send: (b, { slotId }) => api(b, 'POST', `/api/v1/bookings/${slotId}/cancel`, { reason: 'Ill.' }),
  }),
  probe({
    route: 'GET /api/v1/offers/:id/group/members',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/offers/${b.groupId}/group/members`),
  }),
  probe({
    route: 'POST /api/v1/offers/:id/group/members/:buyer_id/removed',
    note: 'a member whose access was revoked',
    status: 200,
    prepare: formerGroupMember,
    send: (b, buyer) => api(b, 'POST', `/api/v1/offers/${b.groupId}/group/members/${buyer.buyerId}/removed`),
  }),
  // The buyer's API (session cookie)
  probe({
    route: 'GET /api/v1/me',
    note: gated,
    max: 1,
    status: 200,
    send: (b) => api(b, 'GET', '/api/v1/me', undefined, { cookie: b.member.cookie }),
  }),
  probe({
    route: 'GET /api/v1/me/posts/:post_id',
    note: gated,
    max: 1,
    status: 200,
    send: (b) =>
      api(b, 'GET', `/api/v1/me/posts/${b.world.shop.postId}`, undefined, { cookie: b.member.cookie }),
  }),
  probe({
    route: 'GET /api/v1/me/courses/:course_id',
    note: `outline, ${gated}`,
    max: 1,
    status: 200,
    send: (b) =>
      api(b, 'GET', `/api/v1/me/courses/${b.world.shop.courseId}`, undefined, { cookie: b.member.cookie }),
  }),
  probe({
    route: 'GET /api/v1/me/courses/:course_id/lessons/:lesson_id',
    note: `course bought, ${gated}`,
    max: 1,
    status: 200,
    send: (b) =>
      api(
        b,
        'GET',
        `/api/v1/me/courses/${b.world.shop.courseId}/lessons/${b.world.shop.lessonId}`,
        undefined,
        {
          cookie: b.student.cookie,
        },
      ),
  }),
  probe({
    route: 'POST /api/v1/me/courses/:course_id/lessons/:lesson_id/complete',
    note: 'course bought',
    status: 200,
    send: (b) =>
      api(
        b,
        'POST',
        `/api/v1/me/courses/${b.world.shop.courseId}/lessons/${b.world.shop.lessonId}/complete`,
        undefined,
        { cookie: b.student.cookie },
      ),
  }),
  probe({
    route: 'GET /api/v1/me/groups/:offer_id',
    note: 'invite, granted the group',
    status: 200,
    send: (b) => api(b, 'GET', `/api/v1/me/groups/${b.groupId}`, undefined, { cookie: b.member.cookie }),
  }),
  probe({
    route: 'GET /openapi.json',
    status: 200,
    send: (b) => api(b, 'GET', '/openapi.json', undefined, 'anonymous'),
  }),
]

const pageProbes: Probe[] = [
  probe({
    route: 'GET /assets/*',
    note: 'the stylesheet',
    status: 200,
    send: (b) => page(b, stylesheetPath),
  }),
  probe({ route: 'GET /healthz', status: 200, send: (b) => page(b, '/healthz') }),
  probe({
    route: 'GET /lang/:locale',
    note: 'the footer switch, back to the page it was on',
    status: 303,
    send: (b) =>
      b.world.app.request('http://localhost:8787/lang/en', {
        headers: { referer: 'http://localhost:8787/login?as=creator' },
      }),
  }),
  // Storefront and checkout
  probe({
    route: 'GET /c/:creator',
    note: 'storefront',
    max: 1,
    status: 200,
    send: (b) => page(b, `/c/${b.world.shop.creatorSlug}`),
  }),
  probe({
    route: 'GET /c/:creator/:offer',
    note: 'a tier',
    max: 1,
    status: 200,
    send: (b) => page(b, `/c/${b.world.shop.creatorSlug}/inner-circle`),
  }),
  probe({
    route: 'GET /c/:creator/posts/:post',
    note: `signed in, ${gated}`,
    max: 1,
    status: 200,
    send: (b) => page(b, `/c/${b.world.shop.creatorSlug}/posts/${b.world.shop.postSlug}`, b.member.cookie),
  }),
  probe({
    route: 'GET /buy/:offerId',
    note: 'checkout start, a course, fake Stripe',
    max: 2,
    status: 303,
    send: (b) => page(b, `/buy/${b.world.shop.courseId}`),
  }),
  probe({
    route: 'GET /checkout/success',
    note: 'paid, before the webhook, fake Stripe',
    status: 200,
    prepare: async (b) => {
      const sessionId = await startCheckout(b.world, b.world.shop.courseId)
      b.fake.completeSession(sessionId, { email: `returning${b.next()}@example.com` })
      return sessionId
    },
    send: (b, sessionId) => page(b, `/checkout/success?session_id=${sessionId}`),
  }),
  // Signing in and out
  probe({ route: 'GET /login', status: 200, send: (b) => page(b, '/login') }),
  probe({
    route: 'POST /login',
    note: 'a link is mailed',
    status: 200,
    send: (b) =>
      b.world.app.request('/login', {
        method: 'POST',
        headers: {
          origin,
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': `203.0.113.${b.next() % 250}`,
        },
        body: new URLSearchParams({ email: `reader${b.next()}@example.com`, next: '/me' }).toString(),
      }),
  }),
  probe({
    route: 'GET /login/verify',
    status: 200,
    send: (b) => page(b, `/login/verify?token=${randomToken(32)}`),
  }),
  probe({
    route: 'POST /login/verify',
    note: 'signs in',
    status: 303,
    prepare: (b) => signInToken(b, `verify${b.next()}@example.com`),
    send: (b, token) => form(b, '/login/verify', null, { token }),
  }),
  probe({
    route: 'POST /logout',
    status: 303,
    prepare: (b) => newBuyer(b, 'leaving'),
    send: (b, buyer) => form(b, '/logout', buyer.cookie),
  }),
  // The buyer's pages
  probe({
    route: 'GET /me',
    note: `library, ${gated}`,
    max: 1,
    status: 200,
    send: (b) => page(b, '/me', b.member.cookie),
  }),
  probe({
    route: 'POST /me/billing-portal',
    note: 'fake Stripe',
    status: 303,
    send: (b) => form(b, '/me/billing-portal', b.subscriber.cookie),
  }),
  probe({
    route: 'POST /me/subscriptions/:id/tier',
    note: 'upgrade, fake Stripe',
    status: 303,
    prepare: subscribeFresh,
    send: (b, { subscriptionId, buyer }) =>
      form(b, `/me/subscriptions/${subscriptionId}/tier`, buyer.cookie, { offer_id: b.tier2Id }),
  }),
  probe({
    route: 'GET /me/groups/:offerId',
    note: 'invite, granted the group',
    status: 200,
    send: (b) => page(b, `/me/groups/${b.groupId}`, b.member.cookie),
  }),
  probe({
    route: 'GET /learn/:course',
    note: `outline, tier member, ${gated}`,
    max: 1,
    status: 200,
    send: (b) => page(b, `/learn/${b.world.shop.courseId}`, b.member.cookie),
  }),
  probe({
    route: 'GET /learn/:course/:lesson',
    note: `course bought, ${gated}`,
    max: 1,
    status: 200,
    send: (b) => page(b, `/learn/${b.world.shop.courseId}/${b.world.shop.lessonId}`, b.student.cookie),
  }),
  probe({
    route: 'POST /learn/:course/:lesson/complete',
    note: 'course bought',
    status: 303,
    send: (b) =>
      form(b, `/learn/${b.world.shop.courseId}/${b.world.shop.lessonId}/complete`, b.student.cookie),
  }),
]

const dashboardProbes: Probe[] = [
  probe({ route: 'GET /dashboard', status: 200, send: (b) => page(b, '/dashboard', b.creator) }),
  // Offers, lessons, slots
  probe({
    route: 'GET /dashboard/offers',
    status: 200,
    send: (b) => page(b, '/dashboard/offers', b.creator),
  }),
  probe({
    route: 'GET /dashboard/offers/new',
    note: 'a tier',
    status: 200,
    send: (b) => page(b, '/dashboard/offers/new?kind=tier', b.creator),
  }),
  probe({
    route: 'POST /dashboard/offers',
    note: 'a course',
    status: 303,
    send: (b) => {
      const n = b.next()
      return form(b, '/dashboard/offers', b.creator, {
        kind: 'course',
        title: `Form course ${n}`,
        slug: `form-course-${n}`,
        description: 'Made in the dashboard.',
        currency: 'CNY',
        price: '99.00',
        term_days: '',
      })
    },
  }),
  probe({
    route: 'GET /dashboard/offers/:id',
    note: 'a course',
    status: 200,
    send: (b) => page(b, `/dashboard/offers/${b.world.shop.courseId}`, b.creator),
  }),
  probe({
    route: 'POST /dashboard/offers/:id',
    note: 'a course',
    status: 303,
    send: (b) =>
      form(b, `/dashboard/offers/${b.scratchCourseId}`, b.creator, {
        title: `Scratch ${b.next()}`,
        slug: 'scratch-course',
        description: 'Edited by the bench.',
        currency: 'CNY',
        price: '99.00',
        term_days: '',
      }),
  }),
  probe({
    route: 'POST /dashboard/offers/:id/status',
    note: 'publish',
    status: 303,
    prepare: async (b) => {
      await setupCall(b, 'PATCH', `/api/v1/offers/${b.scratchCourseId}`, { status: 'draft' })
    },
    send: (b) => form(b, `/dashboard/offers/${b.scratchCourseId}/status`, b.creator, { status: 'live' }),
  }),
  probe({
    route: 'POST /dashboard/offers/:id/archive',
    status: 303,
    prepare: addCourse,
    send: (b, id) => form(b, `/dashboard/offers/${id}/archive`, b.creator),
  }),
  probe({
    route: 'GET /dashboard/offers/:id/lessons/new',
    status: 200,
    send: (b) => page(b, `/dashboard/offers/${b.scratchCourseId}/lessons/new`, b.creator),
  }),
  probe({
    route: 'POST /dashboard/offers/:id/lessons',
    status: 303,
    send: (b) =>
      form(b, `/dashboard/offers/${b.scratchCourseId}/lessons`, b.creator, {
        title: `Form lesson ${b.next()}`,
        body: 'A paragraph.',
        drip_days: '0',
      }),
  }),
  probe({
    route: 'GET /dashboard/lessons/:id',
    status: 200,
    send: (b) => page(b, `/dashboard/lessons/${b.scratchLessonId}`, b.creator),
  }),
  probe({
    route: 'POST /dashboard/lessons/:id',
    status: 303,
    send: (b) =>
      form(b, `/dashboard/lessons/${b.scratchLessonId}`, b.creator, {
        title: `Lesson ${b.next()}`,
        body: 'Revised.',
        drip_days: '0',
      }),
  }),
  probe({
    route: 'POST /dashboard/lessons/:id/move',
    note: 'down',
    status: 303,
    send: (b) => form(b, `/dashboard/lessons/${b.scratchLessonId}/move`, b.creator, { direction: 'down' }),
  }),
  probe({
    route: 'POST /dashboard/lessons/:id/delete',
    status: 303,
    prepare: (b) => addLesson(b),
    send: (b, id) => form(b, `/dashboard/lessons/${id}/delete`, b.creator),
  }),
  probe({
    route: 'GET /dashboard/offers/:id/slots/new',
    status: 200,
    send: (b) => page(b, `/dashboard/offers/${b.consultationId}/slots/new`, b.creator),
  }),
  probe({
    route: 'POST /dashboard/offers/:id/slots',
    status: 303,
    send: (b) =>
      form(b, `/dashboard/offers/${b.consultationId}/slots`, b.creator, {
        starts_at: shanghaiLocal(slotStart(b)),
        meeting_details: 'Video call.',
      }),
  }),
  probe({
    route: 'POST /dashboard/slots/:id/delete',
    note: 'a free slot',
    status: 303,
    prepare: addSlot,
    send: (b, id) => form(b, `/dashboard/slots/${id}/delete`, b.creator),
  }),
  // Posts
  probe({ route: 'GET /dashboard/posts', status: 200, send: (b) => page(b, '/dashboard/posts', b.creator) }),
  probe({
    route: 'GET /dashboard/posts/new',
    status: 200,
    send: (b) => page(b, '/dashboard/posts/new', b.creator),
  }),
  probe({
    route: 'POST /dashboard/posts',
    note: 'a draft',
    status: 303,
    send: (b) => {
      const n = b.next()
      return form(b, '/dashboard/posts', b.creator, {
        title: `Form post ${n}`,
        slug: `form-post-${n}`,
        excerpt: 'An excerpt.',
        body: 'A paragraph.',
        audience: 'everyone',
      })
    },
  }),
  probe({
    route: 'GET /dashboard/posts/:id',
    status: 200,
    send: (b) => page(b, `/dashboard/posts/${b.world.shop.postId}`, b.creator),
  }),
  probe({
    route: 'POST /dashboard/posts/:id',
    status: 303,
    send: (b) =>
      form(b, `/dashboard/posts/${b.scratchPostId}`, b.creator, {
        title: `Note ${b.next()}`,
        slug: '',
        excerpt: 'An excerpt.',
        body: 'Revised.',
        audience: 'everyone',
      }),
  }),
  probe({
    route: 'POST /dashboard/posts/:id/status',
    note: 'publish',
    status: 303,
    prepare: async (b) => {
      await setupCall(b, 'PATCH', `/api/v1/posts/${b.scratchPostId}`, { status: 'draft' })
    },
    send: (b) => form(b, `/dashboard/posts/${b.scratchPostId}/status`, b.creator, { status: 'live' }),
  }),
  probe({
    route: 'POST /dashboard/posts/:id/archive',
    status: 303,
    prepare: addPost,
    send: (b, id) => form(b, `/dashboard/posts/${id}/archive`, b.creator),
  }),
  // Settings
  probe({
    route: 'GET /dashboard/settings',
    status: 200,
    send: (b) => page(b, '/dashboard/settings', b.creator),
  }),
  probe({
    route: 'POST /dashboard/settings',
    status: 303,
    send: (b) =>
      form(b, '/dashboard/settings', b.creator, {
        name: 'Bench club',
        bio: `Season ${b.next()}.`,
        locale: 'zh-CN',
        time_zone: 'Asia/Shanghai',
        grace_days: '3',
        default_currency: 'CNY',
      }),
  }),
  // Members, groups, revenue, bookings
  probe({
    route: 'GET /dashboard/members',
    status: 200,
    send: (b) => page(b, '/dashboard/members', b.creator),
  }),
  probe({
    route: 'GET /dashboard/members/groups',
    note: 'one group',
    status: 200,
    send: (b) => page(b, '/dashboard/members/groups', b.creator),
  }),
  probe({
    route: 'POST /dashboard/members/groups/:offerId/:buyerId/removed',
    note: 'access revoked',
    status: 303,
    location: 'notice=removed',
    prepare: formerGroupMember,
    send: (b, buyer) => form(b, `/dashboard/members/groups/${b.groupId}/${buyer.buyerId}/removed`, b.creator),
  }),
  probe({
    route: 'GET /dashboard/members/:id',
    status: 200,
    send: (b) => page(b, `/dashboard/members/${b.member.buyerId}`, b.creator),
  }),
  probe({
    route: 'POST /dashboard/members/:id/grant',
    note: 'a course',
    status: 303,
    location: 'notice=granted',
    prepare: (b) => newBuyer(b, 'given'),
    send: (b, buyer) =>
      form(b, `/dashboard/members/${buyer.buyerId}/grant`, b.creator, {
        offer_id: b.world.shop.courseId,
        last_day: '',
      }),
  }),
  probe({
    route: 'POST /dashboard/members/:id/entitlements/:entitlementId/revoke',
    status: 303,
    location: 'notice=revoked',
    prepare: async (b) => {
      const buyer = await newBuyer(b, 'taken')
      const granted = await setupCall(b, 'POST', `/api/v1/members/${buyer.buyerId}/entitlements`, {
        offer_id: b.world.shop.courseId,
      })
      return { buyerId: buyer.buyerId, entitlementId: granted.id }
    },
    send: (b, { buyerId, entitlementId }) =>
      form(b, `/dashboard/members/${buyerId}/entitlements/${entitlementId}/revoke`, b.creator),
  }),
  probe({
    route: 'POST /dashboard/members/:id/orders/:orderId/refund',
    note: 'fake Stripe',
    status: 303,
    location: 'notice=refundRequested',
    prepare: (b) => buy(b, b.world.shop.courseId, `refunded${b.next()}@example.com`),
    send: (b, { orderId, buyer }) =>
      form(b, `/dashboard/members/${buyer.buyerId}/orders/${orderId}/refund`, b.creator),
  }),
  probe({
    route: 'GET /dashboard/revenue',
    status: 200,
    send: (b) => page(b, '/dashboard/revenue', b.creator),
  }),
  probe({
    route: 'GET /dashboard/bookings',
    status: 200,
    send: (b) => page(b, '/dashboard/bookings', b.creator),
  }),
  probe({
    route: 'GET /dashboard/bookings/:slotId/cancel',
    note: 'confirm',
    status: 200,
    send: (b) => page(b, `/dashboard/bookings/${b.bookedSlotId}/cancel`, b.creator),
  }),
  probe({
    route: 'POST /dashboard/bookings/:slotId/cancel',
    note: 'refund, fake Stripe',
    status: 303,
    location: 'notice=cancelled',
    prepare: book,
    send: (b, { slotId }) => form(b, `/dashboard/bookings/${slotId}/cancel`, b.creator, { reason: 'Ill.' }),
  }),
]

/**
 * Stripe's webhook: an event's own round trips. A processed event dispatches its queued mail right after
 * (`dispatchAfterResponse`), shown apart as "+N mail dispatch".
 */
const webhookProbes: Probe[] = [
  probe<Stripe.Event>({
    route: 'POST /webhooks/stripe',
    note: 'purchase: checkout.session.completed',
    status: 200,
    prepare: async (b) => {
      const sessionId = await startCheckout(b.world, b.world.shop.courseId)
      const [completed] = b.fake.completeSession(sessionId, { email: `webhook${b.next()}@example.com` })
      if (!completed) throw new Error('no checkout.session.completed')
      return completed
    },
    send: (b, event) => postEvent(b.world, b.fake, event),
  }),
  probe<Stripe.Event>({
    route: 'POST /webhooks/stripe',
    note: 'renewal: invoice.paid',
    status: 200,
    prepare: async (b) => {
      const { subscriptionId } = await subscribeFresh(b)
      const invoicePaid = b.fake
        .renewSubscription(subscriptionId)
        .find((event) => event.type === 'invoice.paid')
      if (!invoicePaid) throw new Error('the renewal made no invoice.paid')
      return invoicePaid
    },
    send: (b, event) => postEvent(b.world, b.fake, event),
  }),
]

export const probes: Probe[] = [...apiProbes, ...pageProbes, ...dashboardProbes, ...webhookProbes]

/** The routes the probes cover, as `routeKeys` names them. */
export const probedRoutes: string[] = [...new Set(probes.map((p) => p.route))].sort()

// ---------------------------------------------------------------------------------------------------------------
// The run

export async function measureRoundTrips(): Promise<Row[]> {
  const fake = await startFakeStripe()
  const mail = { count: 0 }
  const world = await createWorld({ fake, wrap: (client) => countMailCalls(client, mail) })
  try {
    const b = await createBench(world, fake, mail)
    const rows: { route: string; row: Row }[] = []
    for (const probe of probes) {
      await probe.once(b)
      const { own, mail: dispatched } = await probe.once(b)
      rows.push({ route: probe.route, row: row(probe, own, dispatched) })
    }
    const probed = new Set(probedRoutes)
    for (const route of await routeKeys(world.app))
      if (!probed.has(route) && !(route in unprobedRoutes))
        rows.push({
          route,
          row: { measure: `round trips: ${route}`, quanzi: 'no probe', target: 'a probe', met: false },
        })
    return rows
      .sort((x, y) => compareRoutes(x.route, y.route) || x.row.measure.localeCompare(y.row.measure))
      .map((entry) => entry.row)
  } finally {
    world.close()
    await fake.close()
  }
}

/** By path, then method: a route's GET page and its POST form sit together. */
function compareRoutes(a: string, b: string): number {
  const [methodA = '', pathA = ''] = a.split(' ')
  const [methodB = '', pathB = ''] = b.split(' ')
  return pathA.localeCompare(pathB) || methodA.localeCompare(methodB)
}

function row(probe: Probe, own: number, mail: number): Row {
  return {
    measure: `round trips: ${probe.route}${probe.note ? ` (${probe.note})` : ''}`,
    quanzi: mail ? `${own} (+${mail} mail dispatch)` : String(own),
    target: probe.max === null ? '(reported)' : probe.max === 1 ? '1' : `≤ ${probe.max}`,
    met: probe.max === null ? null : own <= probe.max,
  }
}

/** Counts the client calls whose statements all touch the `mails` table (the outbox dispatcher's). */
function countMailCalls(client: Client, counter: { count: number }): Client {
  const aboutMails = (statement: InStatement) =>
    /\b(from|update|into) "mails"/.test(typeof statement === 'string' ? statement : statement.sql)
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      if (property === 'execute')
        return (statement: InStatement, ...rest: unknown[]) => {
          if (aboutMails(statement)) counter.count++
          return Reflect.apply(value, target, [statement, ...rest])
        }
      if (property === 'batch')
        return (statements: InStatement[], ...rest: unknown[]) => {
          if (statements.length > 0 && statements.every(aboutMails)) counter.count++
          return Reflect.apply(value, target, [statements, ...rest])
        }
      return value.bind(target)
    },
  })
}

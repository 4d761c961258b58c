/**
 * Database round trips per request, counted with `countRoundTrips` around the app's libSQL client, for each page
 * and API route the bench can drive cheaply: in-process `app.request`, no load. Design principle 3: a page view
 * costs one round trip.
 */
import type { Client, InStatement } from '@libsql/client'
import { startFakeStripe } from '../src/dev/local-stripe'
import { postEvent, startCheckout, subscribe } from './payments'
import type { Row } from './table'
import { createWorld, type World } from './world'

interface Probe {
  measure: string
  /** null: reported, no target. */
  max: number | null
  run(world: World): Promise<Response>
}

export async function measureRoundTrips(): Promise<Row[]> {
  const fake = await startFakeStripe()
  const mailCalls = { count: 0 }
  const world = await createWorld({ fake, wrap: (client) => countMailCalls(client, mailCalls) })
  try {
    const { shop, member } = world
    const signedIn = { headers: { cookie: member.cookie, accept: 'text/html' } }
    const withKey = { headers: { authorization: `Bearer ${shop.apiKey}` } }
    const expect = (status: number) => async (response: Response | Promise<Response>) => {
      const answered = await response
      if (answered.status !== status)
        throw new Error(`expected ${status}, got ${answered.status}: ${await answered.text()}`)
      return answered
    }
    const ok = expect(200)
    const probes: Probe[] = [
      { measure: 'storefront page', max: 1, run: (w) => ok(w.app.request(`/c/${shop.creatorSlug}`)) },
      {
        measure: 'offer page',
        max: 1,
        run: (w) => ok(w.app.request(`/c/${shop.creatorSlug}/inner-circle`)),
      },
      {
        measure: 'post page, signed in (gated read)',
        max: 1,
        run: (w) => ok(w.app.request(`/c/${shop.creatorSlug}/posts/${shop.postSlug}`, signedIn)),
      },
      { measure: '/me, signed in', max: 1, run: (w) => ok(w.app.request('/me', signedIn)) },
      {
        measure: 'course outline page, signed in (gated read)',
        max: 1,
        run: (w) => ok(w.app.request(`/learn/${shop.courseId}`, signedIn)),
      },
      {
        measure: 'lesson page, signed in (gated read)',
        max: 1,
        // The member holds the tier, not the course: a refused lesson (402) is still one gated read.
        run: (w) => expect(402)(w.app.request(`/learn/${shop.courseId}/${shop.lessonId}`, signedIn)),
      },
      { measure: 'GET /api/v1/me', max: 1, run: (w) => ok(w.app.request('/api/v1/me', signedIn)) },
      {
        measure: 'GET /api/v1/me/courses/{id} (outline)',
        max: 1,
        run: (w) => ok(w.app.request(`/api/v1/me/courses/${shop.courseId}`, signedIn)),
      },
      {
        measure: 'GET /api/v1/me/posts/{id}',
        max: 1,
        run: (w) => ok(w.app.request(`/api/v1/me/posts/${shop.postId}`, signedIn)),
      },
      {
        measure: 'checkout start (GET /buy/…, fake Stripe)',
        max: 2,
        run: (w) => expect(303)(w.app.request(`/buy/${shop.courseId}`)),
      },
      {
        measure: 'creator API: GET /api/v1/offers',
        max: null,
        run: (w) => ok(w.app.request('/api/v1/offers', withKey)),
      },
      {
        measure: 'creator API: GET /api/v1/posts',
        max: null,
        run: (w) => ok(w.app.request('/api/v1/posts', withKey)),
      },
      {
        measure: 'creator API: GET /api/v1/members',
        max: null,
        run: (w) => ok(w.app.request('/api/v1/members', withKey)),
      },
      {
        measure: 'creator API: GET /api/v1/orders',
        max: null,
        run: (w) => ok(w.app.request('/api/v1/orders', withKey)),
      },
    ]
    const rows: Row[] = []
    for (const probe of probes) {
      // Once unmeasured, so one-time work (a first sign of a key, a lazily built route) is not counted.
      await probe.run(world)
      world.counter.count = 0
      await probe.run(world)
      rows.push(row(probe.measure, world.counter.count, probe.max))
    }

    // A course bought by card: checkout.session.completed through the webhook route.
    const sessionId = await startCheckout(world, shop.courseId)
    const [completed] = fake.completeSession(sessionId, { email: 'buyer@example.com' })
    if (!completed) throw new Error('no checkout.session.completed')
    rows.push(
      await webhookRow(world, mailCalls, 'purchase (checkout.session.completed)', () =>
        postEvent(world, fake, completed),
      ),
    )

    // A subscription renewal: invoice.paid (re-reads the subscription from the fake Stripe).
    const { invoicePaid } = await subscribe(world, fake)
    rows.push(
      await webhookRow(world, mailCalls, 'renewal (invoice.paid)', () => postEvent(world, fake, invoicePaid)),
    )
    return rows
  } finally {
    world.close()
    await fake.close()
  }
}

/**
 * A processed event dispatches its queued mail right after (mail/outbox.ts `dispatchAfterResponse`): not awaited
 * by the handler, but its first statements go out while the request is still being answered. The event's own
 * round trips are the total (`countRoundTrips`) less the calls about the `mails` table, shown apart.
 */
async function webhookRow(
  world: World,
  mailCalls: { count: number },
  what: string,
  send: () => Promise<Response>,
): Promise<Row> {
  world.counter.count = 0
  mailCalls.count = 0
  await send()
  await new Promise((resolve) => setTimeout(resolve, 250))
  const event = world.counter.count - mailCalls.count
  return {
    measure: `round trips: webhook ${what}`,
    quanzi: mailCalls.count ? `${event} (+${mailCalls.count} mail dispatch)` : String(event),
    target: '(reported)',
    met: null,
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

function row(measure: string, count: number, max: number | null): Row {
  return {
    measure: `round trips: ${measure}`,
    quanzi: String(count),
    target: max === null ? '(reported)' : max === 1 ? '1' : `≤ ${max}`,
    met: max === null ? null : count <= max,
  }
}

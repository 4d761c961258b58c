/**
 * Cross-creator access, route by route, generated from the OpenAPI document: creator B's API key is sent to
 * every creator route with creator A's real ids in the path (and a body that would be valid for A). Every one
 * must answer 4xx (404 for ids: B cannot even learn they exist), change nothing, and no list B reads may
 * contain one of A's ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { consultationBody, courseBody, groupBody, tierBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, sessionIdOf } from '../payments'

let ctx: TestContext
let fake: FakeStripe
let a: { id: string; key: string }
let b: { id: string; key: string }
const idsOfA: Record<string, string> = {}

async function digest(): Promise<string> {
  const tables = (
    await ctx.sql.execute(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name != 'd1_migrations' and substr(name, 1, 4) != '_cf_'",
    )
  ).rows.map((row) => String(row.name))
  const counts = await Promise.all(
    tables.map(
      async (table) => `${table}:${(await ctx.sql.execute(`select * from "${table}"`)).rows.length}`,
    ),
  )
  const changes = await ctx.sql.execute('select group_concat(updated_at) as at from offers')
  return `${counts.join(',')}|${String(changes.rows[0]?.at)}`
}

beforeAll(async () => {
  const payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
  a = await givenCreator(ctx)
  b = await givenCreator(ctx)
  const offer = async (body: Record<string, unknown>) =>
    (await api(ctx, 'POST', '/api/v1/offers', { key: a.key, body })).body
  const course = await offer(courseBody({ status: 'live' }))
  const tier = await offer(
    tierBody({ status: 'live', prices: [{ amount: 20000, currency: 'CNY', interval: 'year' }] }),
  )
  const group = await offer(groupBody({ status: 'live' }))
  const consultation = await offer(consultationBody({ status: 'live' }))
  const lesson = (
    await api(ctx, 'POST', `/api/v1/offers/${course.id}/lessons`, { key: a.key, body: { title: 'L' } })
  ).body
  const slots = (
    await api(ctx, 'POST', `/api/v1/offers/${consultation.id}/slots`, {
      key: a.key,
      body: { slots: [{ starts_at: new Date(ctx.clock.now() + dayMs).toISOString() }] },
    })
  ).body.data
  const post = (
    await api(ctx, 'POST', '/api/v1/posts', {
      key: a.key,
      body: { slug: 'p', title: 'P', body: 'B', audience: { type: 'everyone' }, status: 'live' },
    })
  ).body
  // A paid course order, a card subscription and a booked slot, through checkout and signed webhooks.
  for (const path of [
    `/buy/${course.id}`,
    `/buy/${tier.id}?rail=card`,
    `/buy/${consultation.id}?slot=${slots[0].id}`,
  ]) {
    const response = await ctx.app.request(path)
    await deliverToApp(payments, fake.completeSession(sessionIdOf(response), { email: 'member@example.com' }))
  }
  const row = async (sql: string) => String((await ctx.sql.execute(sql)).rows[0]?.id ?? '')
  Object.assign(idsOfA, {
    course: course.id,
    tier: tier.id,
    group: group.id,
    consultation: consultation.id,
    lesson: lesson.id,
    slot: slots[0].id,
    post: post.id,
    buyer: await row('select id from buyers limit 1'),
    order: await row(`select id from orders where offer_id = '${course.id}'`),
    entitlement: await row('select id from entitlements limit 1'),
    subscription: await row('select stripe_subscription_id as id from subscriptions limit 1'),
  })
})
afterAll(() => fake?.close())

/** A's id for a path parameter, by route and parameter name. */
function idFor(path: string, name: string): string {
  if (name === 'entitlement_id') return idsOfA.entitlement ?? ''
  if (name === 'buyer_id') return idsOfA.buyer ?? ''
  if (name === 'slot_id') return idsOfA.slot ?? ''
  if (path.startsWith('/api/v1/offers/{id}/lessons')) return idsOfA.course ?? ''
  if (path.startsWith('/api/v1/offers/{id}/slots')) return idsOfA.consultation ?? ''
  if (path.startsWith('/api/v1/offers/{id}/group')) return idsOfA.group ?? ''
  if (path.startsWith('/api/v1/offers/')) return idsOfA.course ?? ''
  if (path.startsWith('/api/v1/lessons/')) return idsOfA.lesson ?? ''
  if (path.startsWith('/api/v1/slots/')) return idsOfA.slot ?? ''
  if (path.startsWith('/api/v1/posts/')) return idsOfA.post ?? ''
  if (path.startsWith('/api/v1/orders/')) return idsOfA.order ?? ''
  if (path.startsWith('/api/v1/members/')) return idsOfA.buyer ?? ''
  if (path.startsWith('/api/v1/subscriptions/')) return idsOfA.subscription ?? ''
  throw new Error(`no id of A for ${path} {${name}}`)
}

/** A body A could send successfully to the route, so that only ownership can refuse it. */
function bodyFor(method: string, path: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined
  if (path.endsWith('/tier')) return { offer_id: idsOfA.tier }
  if (path.endsWith('/entitlements')) return { offer_id: idsOfA.course }
  if (path.endsWith('/lessons')) return { title: 'Injected' }
  if (path.endsWith('/lessons/order')) return { lesson_ids: [idsOfA.lesson] }
  if (path.endsWith('/slots'))
    return { slots: [{ starts_at: new Date(Date.now() + 3 * dayMs).toISOString() }] }
  if (path.startsWith('/api/v1/lessons/')) return { title: 'Renamed' }
  if (path.startsWith('/api/v1/slots/')) return { meeting_details: 'hijacked' }
  if (path.startsWith('/api/v1/posts/')) return { title: 'Renamed' }
  if (path.startsWith('/api/v1/offers/{id}') && method === 'PATCH') return { title: 'Renamed' }
  return {}
}

describe('cross-creator access on every creator route (security)', () => {
  it("answers 404 to creator B for every route that names creator A's rows, and changes nothing", async () => {
    const document = (await api(ctx, 'GET', '/openapi.json')).body
    const refused: string[] = []
    const leaked: string[] = []
    let checked = 0
    const before = await digest()
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      if (!path.includes('{') || /\/api\/v1\/(admin|public|me)\b/.test(path)) continue
      for (const method of Object.keys(item)) {
        const concrete = path.replaceAll(/\{(\w+)\}/g, (_all, name: string) => idFor(path, name))
        const body = bodyFor(method.toUpperCase(), path)
        const response = await api(ctx, method.toUpperCase(), concrete, {
          key: b.key,
          ...(body === undefined ? {} : { body: body as Record<string, unknown> }),
        })
        checked++
        if (response.status !== 404) refused.push(`${method.toUpperCase()} ${concrete} → ${response.status}`)
      }
    }
    expect(checked).toBeGreaterThan(20)
    expect(refused).toEqual([])
    expect(await digest()).toBe(before)

    // Lists and exports B reads never mention A's rows.
    for (const path of [
      '/api/v1/offers',
      '/api/v1/posts',
      '/api/v1/orders',
      '/api/v1/members',
      '/api/v1/bookings',
      '/api/v1/audit-log',
      '/api/v1/stats/overview',
      '/api/v1/stats/revenue',
      '/api/v1/exports/members.csv',
      '/api/v1/exports/orders.csv',
      '/api/v1/exports/entitlements.csv',
    ]) {
      const response = await ctx.app.request(path, { headers: { authorization: `Bearer ${b.key}` } })
      const text = await response.text()
      expect(response.status, path).toBe(200)
      for (const [kind, id] of Object.entries(idsOfA))
        if (id && text.includes(id)) leaked.push(`${path} shows A's ${kind}`)
    }
    expect(leaked).toEqual([])
  })

  it('lets A reach the same routes (so the 404s above are about ownership, not broken requests)', async () => {
    const response = await api(ctx, 'GET', `/api/v1/members/${idsOfA.buyer}/access`, { key: a.key })
    expect(response.status).toBe(200)
    expect((await api(ctx, 'GET', `/api/v1/offers/${idsOfA.course}`, { key: a.key })).status).toBe(200)
    expect((await api(ctx, 'GET', `/api/v1/orders`, { key: a.key })).body.data.length).toBeGreaterThan(0)
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { api, countRows, createTestContext, givenCreator, type TestContext } from '../helpers'
import { consultationBody, courseBody, groupBody, tierBody } from './builders'

let ctx: TestContext
let key: string
beforeEach(async () => {
  ctx = await createTestContext()
  key = (await givenCreator(ctx)).key
})

const create = (body: Record<string, unknown>, as = key) =>
  api(ctx, 'POST', '/api/v1/offers', { key: as, body })

describe('offers: happy', () => {
  it('creates a tier with a card subscription and a wallet pass, as a draft', async () => {
    const res = await create(tierBody())
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      kind: 'tier',
      slug: 'inner-circle',
      status: 'draft',
      rank: 1,
      published_at: null,
      prices: [
        { amount: 20000, currency: 'CNY', interval: 'year', term_days: null },
        { amount: 20000, currency: 'CNY', interval: 'once', term_days: 365 },
      ],
    })
    expect(res.body.id).toMatch(/^off_/)
    expect(res.body.prices[0].id).toMatch(/^pri_/)
  })

  it('creates each of the four kinds and reads them back', async () => {
    for (const body of [tierBody(), courseBody(), consultationBody(), groupBody()]) {
      const created = await create(body)
      expect(created.status).toBe(201)
      const read = await api(ctx, 'GET', `/api/v1/offers/${created.body.id}`, { key })
      expect(read.status).toBe(200)
      expect(read.body).toEqual(created.body)
    }
    const group = await api(ctx, 'GET', '/api/v1/offers?kind=group', { key })
    expect(group.body.data[0].group).toMatchObject({ platform: 'wechat', capacity: 200 })
  })

  it('lets a tier include courses and groups', async () => {
    const course = await create(courseBody())
    const group = await create(groupBody())
    const tier = await create(tierBody({ included_offer_ids: [course.body.id, group.body.id] }))
    expect(tier.status).toBe(201)
    expect(tier.body.included_offer_ids.sort()).toEqual([course.body.id, group.body.id].sort())
  })

  it('publishes an offer and keeps its first publication time', async () => {
    const created = await create(courseBody())
    const live = await api(ctx, 'PATCH', `/api/v1/offers/${created.body.id}`, {
      key,
      body: { status: 'live' },
    })
    expect(live.body.status).toBe('live')
    expect(live.body.published_at).toBe(new Date(ctx.clock.now()).toISOString())
    ctx.clock.advance(60_000)
    await api(ctx, 'PATCH', `/api/v1/offers/${created.body.id}`, { key, body: { status: 'draft' } })
    const again = await api(ctx, 'PATCH', `/api/v1/offers/${created.body.id}`, {
      key,
      body: { status: 'live' },
    })
    expect(again.body.published_at).toBe(live.body.published_at)
  })

  it('replaces prices: unchanged prices keep their id, changed ones are retired, not edited', async () => {
    const created = await create(tierBody())
    const [yearly, pass] = created.body.prices
    const res = await api(ctx, 'PATCH', `/api/v1/offers/${created.body.id}`, {
      key,
      body: {
        prices: [
          { amount: 20000, currency: 'CNY', interval: 'year' },
          { amount: 1990, currency: 'CNY', interval: 'month' },
        ],
      },
    })
    expect(res.status).toBe(200)
    expect(res.body.prices.map((price: { id: string }) => price.id)).toContain(yearly.id)
    expect(res.body.prices.map((price: { id: string }) => price.id)).not.toContain(pass.id)
    expect(res.body.prices).toHaveLength(2)
    const retired = await ctx.sql.execute({ sql: 'select active from prices where id = ?', args: [pass.id] })
    expect(retired.rows[0]?.active).toBe(0)
  })

  it('records when a group invite is rotated', async () => {
    const created = await create(groupBody())
    ctx.clock.advance(7 * 86_400_000)
    const res = await api(ctx, 'PATCH', `/api/v1/offers/${created.body.id}`, {
      key,
      body: { group: { qr_image_url: 'https://example.com/qr-week-2.png' } },
    })
    expect(res.body.group.qr_image_url).toBe('https://example.com/qr-week-2.png')
    expect(res.body.group.rotated_at).toBe(new Date(ctx.clock.now()).toISOString())
    expect(res.body.group.capacity).toBe(200)
  })

  it('archives idempotently, and an archived offer can be restored to draft', async () => {
    const created = await create(courseBody({ status: 'live' }))
    const first = await api(ctx, 'POST', `/api/v1/offers/${created.body.id}/archive`, { key })
    expect(first.body).toMatchObject({ status: 'archived' })
    const second = await api(ctx, 'POST', `/api/v1/offers/${created.body.id}/archive`, { key })
    expect(second.body).toEqual(first.body)
    const audits = await ctx.sql.execute("select count(*) as n from audit_log where action = 'offer.archive'")
    expect(audits.rows[0]?.n).toBe(1)
    const restored = await api(ctx, 'PATCH', `/api/v1/offers/${created.body.id}`, {
      key,
      body: { status: 'draft' },
    })
    expect(restored.body).toMatchObject({ status: 'draft', archived_at: null })
  })

  it('lists newest first with a cursor, and filters by kind and status', async () => {
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      ctx.clock.advance(1000)
      ids.push((await create(courseBody({ slug: `course-${i}` }))).body.id)
    }
    await create(groupBody())
    const first = await api(ctx, 'GET', '/api/v1/offers?kind=course&limit=2', { key })
    expect(first.body.data.map((offer: { id: string }) => offer.id)).toEqual([ids[4], ids[3]])
    const second = await api(
      ctx,
      'GET',
      `/api/v1/offers?kind=course&limit=2&cursor=${first.body.next_cursor}`,
      { key },
    )
    expect(second.body.data.map((offer: { id: string }) => offer.id)).toEqual([ids[2], ids[1]])
    const third = await api(
      ctx,
      'GET',
      `/api/v1/offers?kind=course&limit=2&cursor=${second.body.next_cursor}`,
      { key },
    )
    expect(third.body.data.map((offer: { id: string }) => offer.id)).toEqual([ids[0]])
    expect(third.body.next_cursor).toBeNull()
    const drafts = await api(ctx, 'GET', '/api/v1/offers?status=live', { key })
    expect(drafts.body.data).toEqual([])
  })

  it('lists a page with its prices and benefits in one database round trip', async () => {
    await create(courseBody())
    await create(tierBody())
    ctx.roundTrips.count = 0
    const res = await api(ctx, 'GET', '/api/v1/offers', { key })
    expect(res.body.data).toHaveLength(2)
    // One for the API key lookup, one for the page (last_used_at was refreshed by the create calls).
    expect(ctx.roundTrips.count).toBe(2)
  })
})

/**
 * Writes cost the API key lookup, one read when the verb decides from the stored offer, and one batch that
 * writes and reads the fresh offer back: never a second round trip for the answer.
 */
describe('offers: round trips', () => {
  const counted = async (method: string, path: string, body?: Record<string, unknown>) => {
    ctx.roundTrips.count = 0
    const res = await api(ctx, method, path, { key, ...(body && { body }) })
    return { ...res, roundTrips: ctx.roundTrips.count }
  }

  it('creates in 2 and answers what a read answers', async () => {
    await api(ctx, 'GET', '/api/v1/offers', { key }) // last_used_at is fresh from here on
    const created = await counted('POST', '/api/v1/offers', courseBody())
    expect(created).toMatchObject({ status: 201, roundTrips: 2 })
    expect((await api(ctx, 'GET', `/api/v1/offers/${created.body.id}`, { key })).body).toEqual(created.body)
  })

  it('updates in 3, with new benefits checked in the same read, and archives in 3', async () => {
    const course = (await create(courseBody())).body
    const tier = (await create(tierBody())).body
    const updated = await counted('PATCH', `/api/v1/offers/${course.id}`, { title: 'Writing 102' })
    expect(updated).toMatchObject({ status: 200, roundTrips: 3, body: { title: 'Writing 102' } })
    expect((await api(ctx, 'GET', `/api/v1/offers/${course.id}`, { key })).body).toEqual(updated.body)
    const included = await counted('PATCH', `/api/v1/offers/${tier.id}`, { included_offer_ids: [course.id] })
    expect(included).toMatchObject({ status: 200, roundTrips: 3, body: { included_offer_ids: [course.id] } })
    const refused = await counted('PATCH', `/api/v1/offers/${tier.id}`, { included_offer_ids: [tier.id] })
    expect(refused).toMatchObject({ status: 422, roundTrips: 2 })
    const archived = await counted('POST', `/api/v1/offers/${course.id}/archive`)
    expect(archived).toMatchObject({ status: 200, roundTrips: 3, body: { status: 'archived' } })
    expect((await api(ctx, 'GET', `/api/v1/offers/${course.id}`, { key })).body).toEqual(archived.body)
  })
})

describe('offers: error', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'a negative amount',
      courseBody({ prices: [{ amount: -1, currency: 'CNY', interval: 'once' }] }),
      'prices.0.amount',
    ],
    [
      'a float amount',
      courseBody({ prices: [{ amount: 199.5, currency: 'CNY', interval: 'once' }] }),
      'prices.0.amount',
    ],
    [
      'an unknown currency',
      courseBody({ prices: [{ amount: 100, currency: 'XXX', interval: 'once' }] }),
      'prices.0.currency',
    ],
    [
      'a string amount',
      courseBody({ prices: [{ amount: '100', currency: 'CNY', interval: 'once' }] }),
      'prices.0.amount',
    ],
    ['a tier without a rank', tierBody({ rank: undefined }), 'rank'],
    [
      'a tier pass without term_days',
      tierBody({ prices: [{ amount: 100, currency: 'CNY', interval: 'once' }] }),
      'prices.0.term_days',
    ],
    [
      'a course sold monthly',
      courseBody({ prices: [{ amount: 100, currency: 'CNY', interval: 'month' }] }),
      'prices.0.interval',
    ],
    [
      'mixed currencies',
      tierBody({
        prices: [
          { amount: 100, currency: 'CNY', interval: 'year' },
          { amount: 100, currency: 'USD', interval: 'month' },
        ],
      }),
      'prices',
    ],
    [
      'a consultation without duration',
      consultationBody({ duration_minutes: undefined }),
      'duration_minutes',
    ],
    ['a group without an invite', groupBody({ group: { platform: 'telegram' } }), 'group'],
    ['a rank on a course', courseBody({ rank: 2 }), 'rank'],
    ['no prices', courseBody({ prices: [] }), 'prices'],
    ['an unknown kind', courseBody({ kind: 'ebook' }), 'kind'],
    ['an upper-case slug', courseBody({ slug: 'Writing' }), 'slug'],
    [
      'a javascript: invite URL',
      groupBody({ group: { platform: 'other', invite_url: 'javascript:alert(1)' } }),
      'group.invite_url',
    ],
  ]
  for (const [name, body, path] of cases) {
    it(`refuses ${name} with 422 naming ${path}, writing nothing`, async () => {
      const res = await create(body)
      expect(res.status).toBe(422)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(res.body.errors.map((error: { path: string }) => error.path)).toContain(path)
      expect(await countRows(ctx, 'offers')).toBe(0)
      expect(await countRows(ctx, 'prices')).toBe(0)
    })
  }

  it('answers 409 for a slug already used by this creator, writing nothing', async () => {
    await create(courseBody())
    const res = await create(courseBody({ title: 'Again' }))
    expect(res.status).toBe(409)
    expect(await countRows(ctx, 'offers')).toBe(1)
    expect(await countRows(ctx, 'prices')).toBe(1)
  })

  it('lets two creators use the same slug', async () => {
    await create(courseBody())
    const other = await givenCreator(ctx)
    expect((await create(courseBody(), other.key)).status).toBe(201)
  })

  it('refuses a tier that includes another tier or an unknown offer', async () => {
    const tier = await create(tierBody())
    const res = await create(
      tierBody({ slug: 'top', rank: 2, included_offer_ids: [tier.body.id, 'off_nope'] }),
    )
    expect(res.status).toBe(422)
    expect(res.body.errors).toEqual([
      { path: 'included_offer_ids.0', message: 'a tier includes courses and groups, not a tier' },
      { path: 'included_offer_ids.1', message: 'no offer off_nope exists' },
    ])
  })

  it('refuses an update that would break the kind rules, changing nothing', async () => {
    const created = await create(consultationBody())
    const res = await api(ctx, 'PATCH', `/api/v1/offers/${created.body.id}`, {
      key,
      body: { title: 'New', prices: [{ amount: 100, currency: 'CNY', interval: 'year' }] },
    })
    expect(res.status).toBe(422)
    const read = await api(ctx, 'GET', `/api/v1/offers/${created.body.id}`, { key })
    expect(read.body).toEqual(created.body)
  })

  it('answers 404 for an unknown offer', async () => {
    const res = await api(ctx, 'GET', '/api/v1/offers/off_unknown', { key })
    expect(res.status).toBe(404)
    expect(res.body.detail).toBe('No offer off_unknown exists.')
  })

  it('refuses a limit over 100 and a non-numeric limit', async () => {
    expect((await api(ctx, 'GET', '/api/v1/offers?limit=101', { key })).status).toBe(422)
    expect((await api(ctx, 'GET', '/api/v1/offers?limit=abc', { key })).status).toBe(422)
  })
})

describe('offers: security', () => {
  it("creator B cannot read, list, update or archive creator A's offers", async () => {
    const offer = (await create(courseBody({ status: 'live' }))).body
    const other = await givenCreator(ctx)
    const as = { key: other.key }
    expect((await api(ctx, 'GET', `/api/v1/offers/${offer.id}`, as)).status).toBe(404)
    expect((await api(ctx, 'GET', '/api/v1/offers', as)).body.data).toEqual([])
    const patch = await api(ctx, 'PATCH', `/api/v1/offers/${offer.id}`, {
      ...as,
      body: { title: 'Mine now' },
    })
    expect(patch.status).toBe(404)
    expect((await api(ctx, 'POST', `/api/v1/offers/${offer.id}/archive`, as)).status).toBe(404)
    const read = await api(ctx, 'GET', `/api/v1/offers/${offer.id}`, { key })
    expect(read.body).toEqual(offer)
  })

  it("creator B cannot include creator A's course in a tier", async () => {
    const course = (await create(courseBody())).body
    const other = await givenCreator(ctx)
    const res = await create(tierBody({ included_offer_ids: [course.id] }), other.key)
    expect(res.status).toBe(422)
    expect(res.body.errors[0].message).toBe(`no offer ${course.id} exists`)
  })

  it('requires an API key', async () => {
    expect((await api(ctx, 'GET', '/api/v1/offers')).status).toBe(401)
    expect((await api(ctx, 'POST', '/api/v1/offers', { body: courseBody() })).status).toBe(401)
    expect(await countRows(ctx, 'offers')).toBe(0)
  })

  it('keeps invite URLs out of the audit log', async () => {
    const created = await create(
      groupBody({ group: { platform: 'telegram', invite_url: 'https://t.me/+secret' } }),
    )
    await api(ctx, 'PATCH', `/api/v1/offers/${created.body.id}`, {
      key,
      body: { group: { invite_url: 'https://t.me/+secret2' } },
    })
    const log = await ctx.sql.execute('select detail from audit_log')
    expect(JSON.stringify(log.rows)).not.toContain('secret')
  })
})

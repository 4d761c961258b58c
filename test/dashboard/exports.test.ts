import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { courseBody, groupBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { csvObjects, readCsv } from './csv-reader'
import { buy, type Creator, liveOffer, openShop, refund, type Shop } from './shop'

let shop: Shop
let ctx: TestContext
let creator: Creator
let other: Creator

beforeEach(async () => {
  shop = await openShop()
  ctx = shop.ctx
  creator = await givenCreator(ctx)
  other = await givenCreator(ctx)
})
afterEach(() => shop.fake.close())

async function download(path: string, key: string | null = creator.key) {
  const response = await ctx.app.request(path, key ? { headers: { authorization: `Bearer ${key}` } } : {})
  const bytes = new Uint8Array(await response.arrayBuffer())
  // ignoreBOM keeps the BOM in the text, so the tests can see it.
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  return { response, bytes, text, body: text.replace(/^\uFEFF/, '') }
}

/**
 * `count` members of `offerId` with ids `buy_bulk00001…`, as an admin grant writes them, straight into the
 * database: 1,200 purchases through Checkout and the webhook would take minutes and test nothing more here.
 */
async function givenBulkMembers(creatorId: string, offerId: string, count: number) {
  const now = ctx.clock.now()
  const numbers = 'with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)'
  await ctx.sql.execute({
    sql: `${numbers} insert into buyers (id, email, name, created_at, updated_at)
      select printf('buy_bulk%05d', i), printf('bulk%05d@example.com', i), printf('成员 %d', i), ?, ? from n`,
    args: [count, now, now],
  })
  await ctx.sql.execute({
    sql: `${numbers} insert into entitlements (id, creator_id, buyer_id, offer_id, source, source_id,
        starts_at, ends_at, state, created_at, updated_at)
      select printf('ent_bulk%05d', i), ?, printf('buy_bulk%05d', i), ?, 'admin',
        printf('aud_bulk%05d', i), ?, null, 'active', ?, ? from n`,
    args: [count, creatorId, offerId, now, now, now],
  })
}

const bulkIds = (count: number) =>
  Array.from({ length: count }, (_, index) => `buy_bulk${String(index + 1).padStart(5, '0')}`)

describe('GET /api/v1/exports/*.csv: happy', () => {
  it('streams every member once, 1,201 rows in pages of 500, as an attachment with a BOM', async () => {
    const course = await liveOffer(shop, creator.key, courseBody({ title: '写作课' }))
    const theirs = await liveOffer(shop, other.key, groupBody())
    const reader = await buy(shop, course.id, 'reader@example.com')
    await buy(shop, theirs.id, 'reader@example.com')
    await buy(shop, theirs.id, 'outsider@example.com')
    await givenBulkMembers(creator.id, course.id, 1200)
    await api(ctx, 'GET', '/api/v1/creator', { key: creator.key }) // the key's first use stamps last_used_at
    ctx.roundTrips.count = 0

    const { response, bytes, text, body } = await download('/api/v1/exports/members.csv')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="quanzi-members-2026-11-23.csv"',
    )
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(text.startsWith('\uFEFFid,email,name,first_seen,active_offer_ids,active_offers\r\n')).toBe(true)
    const rows = csvObjects(body)
    expect(rows).toHaveLength(1201)
    const ids = rows.map((row) => row.id)
    expect(new Set(ids).size).toBe(1201)
    expect([...ids].sort()).toEqual([reader.buyerId, ...bulkIds(1200)].sort())
    expect(rows.find((row) => row.id === reader.buyerId)).toEqual({
      id: reader.buyerId,
      email: 'reader@example.com',
      name: '',
      first_seen: '2026-11-23T12:00:00.000Z',
      active_offer_ids: course.id,
      active_offers: '写作课',
    })
    expect(rows.find((row) => row.id === 'buy_bulk01200')?.name).toBe('成员 1200')
    // The API key, then three keyset pages (500 + 500 + 201): never the whole table at once, never per row.
    expect(ctx.roundTrips.count).toBe(4)
  })

  it('reads the next page only when the client reads on', async () => {
    const course = await liveOffer(shop, creator.key, courseBody())
    await givenBulkMembers(creator.id, course.id, 1200)
    await api(ctx, 'GET', '/api/v1/creator', { key: creator.key })
    ctx.roundTrips.count = 0
    const response = await ctx.app.request('/api/v1/exports/members.csv', {
      headers: { authorization: `Bearer ${creator.key}` },
    })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    expect(first.done).toBe(false)
    // The key and the first page; at most one page read ahead, never all three.
    expect(ctx.roundTrips.count).toBeLessThan(4)
    let text = new TextDecoder().decode(first.value)
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += new TextDecoder().decode(chunk.value)
    expect(csvObjects(text)).toHaveLength(1200)
    expect(ctx.roundTrips.count).toBe(4)
  })

  it('exports orders with the fields of the Order JSON, oldest first', async () => {
    const course = await liveOffer(shop, creator.key, courseBody())
    const paid = await buy(shop, course.id, 'one@example.com', '?ref=spring-sale')
    ctx.clock.advance(1000)
    const refunded = await buy(shop, course.id, 'two@example.com')
    await refund(shop, creator.key, refunded.orderId, 5000)
    ctx.clock.advance(1000)
    await ctx.app.request(`/buy/${course.id}`) // left open
    const { response, body } = await download('/api/v1/exports/orders.csv')
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="quanzi-orders-2026-11-23.csv"',
    )
    const json = (await api(ctx, 'GET', '/api/v1/orders', { key: creator.key })).body.data.reverse()
    const [header, ...rows] = readCsv(body)
    expect(header).toEqual(Object.keys(json[0]))
    expect(rows).toEqual(
      json.map((order: Record<string, unknown>) =>
        Object.values(order).map((value) => (value === null ? '' : String(value))),
      ),
    )
    expect(rows.map((row) => row[0])).toEqual([paid.orderId, refunded.orderId, json[2].id])
    expect(csvObjects(body)[1]).toMatchObject({ status: 'paid', refunded_amount: '5000', amount: '19900' })
  })

  it('exports entitlements with the member’s email and the offer’s title', async () => {
    const course = await liveOffer(shop, creator.key, courseBody({ title: 'Writing, with "style"' }))
    const kept = await buy(shop, course.id, 'one@example.com')
    const lost = await buy(shop, course.id, 'two@example.com')
    await refund(shop, creator.key, lost.orderId)
    const rows = csvObjects((await download('/api/v1/exports/entitlements.csv')).body)
    expect(
      rows
        .map(({ id: _id, ...row }) => row)
        .sort((a, b) => String(a.member_email).localeCompare(String(b.member_email))),
    ).toEqual([
      {
        member_email: 'one@example.com',
        offer_id: course.id,
        offer_title: 'Writing, with "style"',
        state: 'active',
        source: 'order',
        source_id: kept.orderId,
        starts_at: '2026-11-23T12:00:00.000Z',
        ends_at: '',
      },
      {
        member_email: 'two@example.com',
        offer_id: course.id,
        offer_title: 'Writing, with "style"',
        state: 'revoked',
        source: 'order',
        source_id: lost.orderId,
        starts_at: '2026-11-23T12:00:00.000Z',
        ends_at: '',
      },
    ])
  })

  it('lists as active offers only those giving access now, by title', async () => {
    const course = await liveOffer(shop, creator.key, courseBody({ title: 'B course' }))
    const group = await liveOffer(shop, creator.key, groupBody({ title: 'A group' }))
    const refunded = await liveOffer(shop, creator.key, courseBody({ slug: 'refunded', title: 'C refunded' }))
    const { buyerId } = await buy(shop, course.id, 'reader@example.com')
    await buy(shop, group.id, 'reader@example.com')
    const { orderId } = await buy(shop, refunded.id, 'reader@example.com')
    await refund(shop, creator.key, orderId)
    const rows = csvObjects((await download('/api/v1/exports/members.csv')).body)
    expect(rows).toEqual([
      expect.objectContaining({
        id: buyerId,
        active_offer_ids: `${group.id} ${course.id}`,
        active_offers: 'A group; B course',
      }),
    ])
  })

  it('neutralises formulas in names and referral codes, and keeps Chinese text intact', async () => {
    const course = await liveOffer(shop, creator.key, courseBody())
    const { buyerId } = await buy(shop, course.id, 'reader@example.com', '?ref=-1-1')
    const evil = '=HYPERLINK("http://evil.example","点我")'
    await ctx.sql.execute({ sql: 'update buyers set name = ? where id = ?', args: [evil, buyerId] })
    const members = await download('/api/v1/exports/members.csv')
    expect(members.body).toContain(`,"'=HYPERLINK(""http://evil.example"",""点我"")",`)
    expect(csvObjects(members.body)[0]?.name).toBe(`'${evil}`)
    const orders = csvObjects((await download('/api/v1/exports/orders.csv')).body)
    expect(orders[0]?.ref_code).toBe("'-1-1")
  })

  it('dates the file in the creator’s time zone', async () => {
    ctx.clock.set(Date.UTC(2026, 10, 23, 20, 0)) // 04:00 on 24 November in Shanghai
    const { response } = await download('/api/v1/exports/entitlements.csv')
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="quanzi-entitlements-2026-11-24.csv"',
    )
  })

  it('answers a header row alone when there is nothing to export', async () => {
    for (const [kind, header] of [
      ['members', 'id,email,name,first_seen,active_offer_ids,active_offers'],
      [
        'orders',
        'id,offer_id,price_id,buyer_id,email,status,mode,rail,amount,currency,term_days,refunded_amount,' +
          'ref_code,slot_id,paid_at,created_at',
      ],
      ['entitlements', 'id,member_email,offer_id,offer_title,state,source,source_id,starts_at,ends_at'],
    ]) {
      const { response, text } = await download(`/api/v1/exports/${kind}.csv`)
      expect(response.status).toBe(200)
      expect(text).toBe(`\uFEFF${header}\r\n`)
    }
  })
})

describe('GET /api/v1/exports/*.csv: error', () => {
  it('answers a database failure before the first row as a 500 problem, not a broken download', async () => {
    await ctx.sql.execute('alter table orders rename to orders_elsewhere')
    const { response, body } = await download('/api/v1/exports/orders.csv')
    expect(response.status).toBe(500)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(JSON.parse(body)).toMatchObject({ status: 500, title: 'Internal error' })
  })

  it('cuts the download short and logs when a later page fails', async () => {
    const course = await liveOffer(shop, creator.key, courseBody())
    // Three pages: the second may already be read ahead when the table goes; the third cannot be.
    await givenBulkMembers(creator.id, course.id, 1200)
    const response = await ctx.app.request('/api/v1/exports/entitlements.csv', {
      headers: { authorization: `Bearer ${creator.key}` },
    })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    await reader.read()
    await ctx.sql.execute('alter table entitlements rename to entitlements_elsewhere')
    await expect(
      (async () => {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
      })(),
    ).rejects.toThrow()
    expect(JSON.stringify(ctx.logger.lines)).toContain('csv export failed mid-stream')
  })
})

describe('GET /api/v1/exports/*.csv: security', () => {
  it('exports only this creator’s members, orders and entitlements', async () => {
    const mine = await liveOffer(shop, creator.key, courseBody({ title: 'Mine' }))
    const theirs = await liveOffer(shop, other.key, courseBody({ title: 'Theirs' }))
    await buy(shop, mine.id, 'shared@example.com')
    const { buyerId } = await buy(shop, theirs.id, 'shared@example.com')
    await buy(shop, theirs.id, 'outsider@example.com')
    const members = csvObjects((await download('/api/v1/exports/members.csv', other.key)).body)
    expect(members.map((row) => row.email).sort()).toEqual(['outsider@example.com', 'shared@example.com'])
    expect(members.find((row) => row.id === buyerId)?.active_offers).toBe('Theirs')
    const orders = csvObjects((await download('/api/v1/exports/orders.csv', other.key)).body)
    expect(orders.map((row) => row.offer_id)).toEqual([theirs.id, theirs.id])
    const entitlements = csvObjects((await download('/api/v1/exports/entitlements.csv', other.key)).body)
    expect(entitlements.map((row) => row.offer_title)).toEqual(['Theirs', 'Theirs'])
  })

  it('requires an API key', async () => {
    for (const kind of ['members', 'orders', 'entitlements']) {
      const { response } = await download(`/api/v1/exports/${kind}.csv`, null)
      expect(response.status).toBe(401)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
    }
  })
})

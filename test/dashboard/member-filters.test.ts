import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { courseBody, groupBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
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

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((member) => member.id)
const members = (query: string, key = creator.key) => api(ctx, 'GET', `/api/v1/members${query}`, { key })

/** one: course (active) · two: group (active) · three: course, refunded (revoked) and group (active). */
async function threeMembers() {
  const course = await liveOffer(shop, creator.key, courseBody())
  const group = await liveOffer(shop, creator.key, groupBody())
  const one = await buy(shop, course.id, 'one@example.com')
  ctx.clock.advance(1000)
  const two = await buy(shop, group.id, 'two@example.com')
  ctx.clock.advance(1000)
  const three = await buy(shop, course.id, 'three@example.com')
  await buy(shop, group.id, 'three@example.com')
  await refund(shop, creator.key, three.orderId)
  return { course, group, one: one.buyerId, two: two.buyerId, three: three.buyerId }
}

describe('GET /api/v1/members?offer_id=&state=: happy', () => {
  it('lists members holding an entitlement to an offer, or in a state, newest first', async () => {
    const { course, group, one, two, three } = await threeMembers()
    expect(ids(await members(`?offer_id=${course.id}`))).toEqual([three, one])
    expect(ids(await members(`?offer_id=${group.id}`))).toEqual([three, two])
    expect(ids(await members('?state=revoked'))).toEqual([three])
    expect(ids(await members('?state=active'))).toEqual([three, two, one])
    expect(ids(await members('?state=lapsed'))).toEqual([])
  })

  it('applies offer and state to the same entitlement', async () => {
    const { course, group, one, three } = await threeMembers()
    expect(ids(await members(`?offer_id=${course.id}&state=active`))).toEqual([one])
    expect(ids(await members(`?offer_id=${course.id}&state=revoked`))).toEqual([three])
    // three is active (group) and revoked (course), but holds no revoked group entitlement.
    expect(ids(await members(`?offer_id=${group.id}&state=revoked`))).toEqual([])
  })

  it('still lists all of a filtered member’s entitlements', async () => {
    const { three } = await threeMembers()
    const res = await members('?state=revoked')
    expect(res.body.data[0].id).toBe(three)
    expect(res.body.data[0].entitlements.map((e: { state: string }) => e.state).sort()).toEqual([
      'active',
      'revoked',
    ])
  })

  it('combines with the email filter and the cursor', async () => {
    const { course, one, three } = await threeMembers()
    expect(ids(await members(`?offer_id=${course.id}&email=ONE@example.com`))).toEqual([one])
    expect(ids(await members('?state=revoked&email=one@example.com'))).toEqual([])
    const page = await members(`?offer_id=${course.id}&limit=1`)
    expect(ids(page)).toEqual([three])
    const next = await members(`?offer_id=${course.id}&limit=1&cursor=${page.body.next_cursor}`)
    expect(ids(next)).toEqual([one])
    expect(next.body.next_cursor).toBeNull()
  })

  it('still reads a filtered page in one database round trip', async () => {
    const { course } = await threeMembers()
    await members('') // the key's first use also stamps last_used_at
    ctx.roundTrips.count = 0
    const res = await members(`?offer_id=${course.id}&state=active&email=one@example.com`)
    expect(res.body.data).toHaveLength(1)
    expect(ctx.roundTrips.count).toBe(2)
  })
})

describe('GET /api/v1/members?offer_id=&state=: error', () => {
  it('refuses an unknown state with 422', async () => {
    const res = await members('?state=expired')
    expect(res.status).toBe(422)
    expect(res.body.errors[0].path).toBe('state')
  })
})

describe('GET /api/v1/members?offer_id=&state=: security', () => {
  it('finds nothing through another creator’s offer or key', async () => {
    const { course } = await threeMembers()
    const theirs = await liveOffer(shop, other.key, courseBody())
    await buy(shop, theirs.id, 'one@example.com')
    expect(ids(await members(`?offer_id=${course.id}`, other.key))).toEqual([])
    expect(ids(await members('?state=revoked', other.key))).toEqual([])
    expect(ids(await members(`?offer_id=${theirs.id}`))).toEqual([])
  })
})

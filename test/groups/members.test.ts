import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dayMs } from '../../src/lib/time'
import { courseBody, groupBody, tierBody } from '../catalog/builders'
import { api, countRows, givenCreator } from '../helpers'
import {
  buyerCookie,
  createGroupsContext,
  type GroupsContext,
  givenPurchase,
  liveOffer,
  quiet,
  refund,
  revealJson,
  rows,
} from './harness'

let g: GroupsContext

beforeEach(async () => {
  g = await createGroupsContext()
})
afterEach(() => g.fake.close())

const members = (offerId: string, query = '', key: string | null = g.creator.key) =>
  api(g.ctx, 'GET', `/api/v1/offers/${offerId}/group/members${query}`, { key })

const markRemoved = (offerId: string, buyerId: string, key: string | null = g.creator.key) =>
  api(g.ctx, 'POST', `/api/v1/offers/${offerId}/group/members/${buyerId}/removed`, { key })

/** A live group with one buyer who bought it directly and revealed its invite. */
async function givenMember(email = 'reader@example.com', groupOverrides: Record<string, unknown> = {}) {
  const group = await liveOffer(g, groupBody(groupOverrides))
  const purchase = await givenPurchase(g, group.id, email)
  const cookie = await buyerCookie(g, email)
  expect((await revealJson(g, group.id, cookie)).status).toBe(200)
  return { group, cookie, ...purchase }
}

describe('group members: happy', () => {
  it('lists who was let in, with email, first reveal and access now, in one round trip after the key', async () => {
    const { group, buyerId } = await givenMember()
    await quiet(g)
    g.ctx.roundTrips.count = 0
    const res = await members(group.id)
    expect(g.ctx.roundTrips.count).toBe(2) // the API key, then one batch
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      offer_id: group.id,
      capacity: 200,
      seats_taken: 1,
      data: [
        {
          buyer_id: buyerId,
          email: 'reader@example.com',
          name: '',
          status: 'member',
          recorded_status: 'member',
          has_access: true,
          access_reason: null,
          first_revealed_at: new Date(g.ctx.clock.now()).toISOString(),
          removed_at: null,
        },
      ],
    })
    expect((await members(group.id, '?status=to_remove')).body.data).toEqual([])
  })

  it('puts a refunded member on the to-remove list until the creator marks them removed', async () => {
    const { group, buyerId, orderId, cookie } = await givenMember()
    await refund(g, orderId)

    const toRemove = await members(group.id, '?status=to_remove')
    expect(toRemove.body.data).toMatchObject([
      { buyer_id: buyerId, status: 'to_remove', recorded_status: 'member', has_access: false },
    ])
    expect(toRemove.body.data[0].access_reason).toBe('revoked')
    expect(toRemove.body.seats_taken).toBe(1) // still in the chat until removed
    expect((await members(group.id, '?status=member')).body.data).toEqual([])
    // The refunded buyer no longer sees the invite.
    const refused = await revealJson(g, group.id, cookie)
    expect(refused.status).toBe(402)
    expect(refused.body).toMatchObject({ reason: 'revoked', buy: [group.id] })

    g.ctx.clock.advance(60_000)
    const removed = await markRemoved(group.id, buyerId)
    expect(removed.status).toBe(200)
    expect(removed.body).toMatchObject({
      buyer_id: buyerId,
      status: 'removed',
      recorded_status: 'removed',
      has_access: false,
      removed_at: new Date(g.ctx.clock.now()).toISOString(),
    })
    expect((await members(group.id, '?status=to_remove')).body.data).toEqual([])
    expect((await members(group.id, '?status=removed')).body).toMatchObject({
      seats_taken: 0,
      data: [{ buyer_id: buyerId, status: 'removed' }],
    })
    const audit = await rows(
      g,
      "select actor_type, subject_type, subject_id, detail from audit_log where action = 'group_member.remove'",
    )
    expect(audit).toEqual([
      {
        actor_type: 'api_key',
        subject_type: 'group_member',
        subject_id: buyerId,
        detail: JSON.stringify({ offer_id: group.id, status_before: 'member' }),
      },
    ])

    // Marking again changes nothing and logs nothing.
    g.ctx.clock.advance(60_000)
    const auditRows = await countRows(g.ctx, 'audit_log')
    const again = await markRemoved(group.id, buyerId)
    expect(again.status).toBe(200)
    expect(again.body.removed_at).toBe(removed.body.removed_at)
    expect(await countRows(g.ctx, 'audit_log')).toBe(auditRows)
  })

  it('puts a member whose tier pass ran out on the to-remove list, and lets them back in on renewal', async () => {
    const group = await liveOffer(g, groupBody())
    const tier = await liveOffer(
      g,
      tierBody({
        included_offer_ids: [group.id],
        prices: [{ amount: 30000, currency: 'CNY', interval: 'once', term_days: 30 }],
      }),
    )
    const { buyerId } = await givenPurchase(g, tier.id, 'member@example.com')
    const cookie = await buyerCookie(g, 'member@example.com')
    expect((await revealJson(g, group.id, cookie)).status).toBe(200)
    const firstRevealedAt = new Date(g.ctx.clock.now()).toISOString()

    // A member with access cannot be marked removed: they would simply rejoin.
    const early = await markRemoved(group.id, buyerId)
    expect(early.status).toBe(409)
    expect(await rows(g, 'select status from group_members')).toEqual([{ status: 'member' }])

    // No event announces a pass running out: the list sees it from the rules alone.
    g.ctx.clock.advance(31 * dayMs)
    expect((await members(group.id, '?status=to_remove')).body.data).toMatchObject([
      { buyer_id: buyerId, status: 'to_remove', access_reason: 'expired' },
    ])
    expect((await markRemoved(group.id, buyerId)).status).toBe(200)

    // Renewed: revealing again makes them a member again, keeping their first reveal.
    await givenPurchase(g, tier.id, 'member@example.com')
    // Sessions last 30 days: sign in again.
    expect((await revealJson(g, group.id, await buyerCookie(g, 'member@example.com'))).status).toBe(200)
    expect((await members(group.id)).body.data).toMatchObject([
      {
        buyer_id: buyerId,
        status: 'member',
        has_access: true,
        first_revealed_at: firstRevealedAt,
        removed_at: null,
      },
    ])
  })
})

describe('group members: error', () => {
  it('answers 404 for an unknown group, a non-group offer and a buyer who never revealed it', async () => {
    const { group } = await givenMember()
    const course = await liveOffer(g, courseBody())
    expect((await members('off_unknown')).status).toBe(404)
    expect((await members(course.id)).status).toBe(404)
    const stranger = await givenPurchase(g, course.id, 'stranger@example.com')
    const res = await markRemoved(group.id, stranger.buyerId)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect((await markRemoved(course.id, stranger.buyerId)).status).toBe(404)
  })

  it('rejects an unknown status filter with 422', async () => {
    const { group } = await givenMember()
    const res = await members(group.id, '?status=gone')
    expect(res.status).toBe(422)
    expect(res.body.errors[0].path).toBe('status')
  })
})

describe('group members: security', () => {
  it("hides a group's members from another creator's key, and refuses to mark them (404)", async () => {
    const { group, buyerId, orderId } = await givenMember()
    await refund(g, orderId)
    const other = await givenCreator(g.ctx)
    expect((await members(group.id, '', other.key)).status).toBe(404)
    expect((await markRemoved(group.id, buyerId, other.key)).status).toBe(404)
    expect(await rows(g, 'select status from group_members')).toEqual([{ status: 'member' }])
    expect((await members(group.id, '', null)).status).toBe(401)
    expect((await markRemoved(group.id, buyerId, null)).status).toBe(401)
  })

  it('keeps a buyer’s own API cookie away from the creator routes', async () => {
    const { group, cookie } = await givenMember()
    const res = await api(g.ctx, 'GET', `/api/v1/offers/${group.id}/group/members`, { headers: { cookie } })
    expect(res.status).toBe(401)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { groupBody } from '../catalog/builders'
import { buy, liveOffer, refund } from '../dashboard/shop'
import { api } from '../helpers'
import { postForm, signIn } from '../sign-in'
import { counted, getPage, html, type InsightsContext, openInsights, rows, submit } from './harness'

let i: InsightsContext
let groupId: string

beforeEach(async () => {
  i = await openInsights()
  groupId = (await liveOffer(i.shop, i.creator.key, groupBody())).id
})
afterEach(() => i.shop.fake.close())

/** A buyer who bought the group and revealed its invite (so they are in the chat). */
async function joined(email: string) {
  const purchase = await buy(i.shop, groupId, email)
  const { cookie } = await signIn(i.shop.ctx, email)
  expect((await api(i.shop.ctx, 'GET', `/api/v1/me/groups/${groupId}`, { headers: { cookie } })).status).toBe(
    200,
  )
  return purchase
}

const section = (page: string) => /<section data-group="[^"]+">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? ''

describe('groups to remove', () => {
  it('lists a member who lost access, and the button marks them removed as the creator', async () => {
    const lapsed = await joined('gone@example.com')
    await joined('staying@example.com')
    await refund(i.shop, i.creator.key, lapsed.orderId)
    const page = await html(i, '/dashboard/members/groups')
    expect(section(page)).toContain('gone@example.com')
    expect(section(page)).toContain('refunded, disputed or revoked')
    expect(section(page)).not.toContain('staying@example.com')
    expect(await html(i, '/dashboard/members')).toContain('href="/dashboard/members/groups"')

    const action = `/dashboard/members/groups/${groupId}/${lapsed.buyerId}/removed`
    const removed = await submit(i, '/dashboard/members/groups', action)
    expect(removed.status).toBe(303)
    expect(removed.headers.get('location')).toBe('/dashboard/members/groups?notice=removed')
    expect(await rows(i, 'select status from group_members where buyer_id = ?', [lapsed.buyerId])).toEqual([
      { status: 'removed' },
    ])
    const audit = await rows(
      i,
      "select actor_type, actor_id from audit_log where action = 'group_member.remove'",
    )
    expect(audit).toEqual([{ actor_type: 'creator', actor_id: i.creator.id }])
    const after = await html(i, '/dashboard/members/groups?notice=removed')
    expect(section(after)).not.toContain('gone@example.com')
    expect(section(after)).toContain('Nobody to remove.')
  })

  it('shows every group in 2 round trips: the session, then the offers and all the lists in one batch', async () => {
    i.shop.ctx.clock.advance(1000)
    const otherId = (
      await liveOffer(i.shop, i.creator.key, groupBody({ slug: 'other-group', title: 'Other' }))
    ).id
    const lapsed = await joined('gone@example.com')
    await joined('staying@example.com')
    await refund(i.shop, i.creator.key, lapsed.orderId)
    const shown = await counted(i, () => getPage(i, '/dashboard/members/groups'))
    expect(shown.response.status).toBe(200)
    expect(shown.roundTrips).toBe(2)
    const page = await shown.response.text()
    const sectionOf = (offerId: string) =>
      new RegExp(`<section data-group="${offerId}">([\\s\\S]*?)</section>`).exec(page)?.[1] ?? ''
    // Each group shows its own list: the lapsed member only under the group they joined.
    expect(sectionOf(groupId)).toContain('gone@example.com')
    expect(sectionOf(groupId)).not.toContain('staying@example.com')
    expect(sectionOf(otherId)).toContain('Other')
    expect(sectionOf(otherId)).toContain('Nobody to remove.')
    expect(sectionOf(otherId)).not.toContain('gone@example.com')
    // Newest offer first, as the offers API pages them.
    expect(page.indexOf(`data-group="${otherId}"`)).toBeLessThan(page.indexOf(`data-group="${groupId}"`))
  })

  it('refuses to mark a member who still has access, with a readable notice', async () => {
    const member = await joined('staying@example.com')
    const action = `/dashboard/members/groups/${groupId}/${member.buyerId}/removed`
    const refused = await submit(i, '/dashboard/members/groups', action)
    expect(refused.headers.get('location')).toBe('/dashboard/members/groups?notice=stillHasAccess')
    expect(await rows(i, 'select status from group_members')).toEqual([{ status: 'member' }])
    expect(await html(i, '/dashboard/members/groups?notice=stillHasAccess')).toContain('still has access')
  })

  it('security: signed out → sign-in, no token → 403', async () => {
    const lapsed = await joined('gone@example.com')
    await refund(i.shop, i.creator.key, lapsed.orderId)
    expect((await getPage(i, '/dashboard/members/groups', null)).status).toBe(303)
    const action = `/dashboard/members/groups/${groupId}/${lapsed.buyerId}/removed`
    expect((await postForm(i.shop.ctx, action, {}, { cookie: i.cookie })).status).toBe(403)
    expect((await postForm(i.shop.ctx, action, {})).status).toBe(303)
    expect(await rows(i, 'select status from group_members')).toEqual([{ status: 'member' }])
  })
})

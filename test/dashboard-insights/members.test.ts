import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { courseBody, groupBody } from '../catalog/builders'
import { buy, deliverSince, liveOffer } from '../dashboard/shop'
import { countRows, givenCreator } from '../helpers'
import { postForm, signIn } from '../sign-in'
import { counted, csrfOf, getPage, html, type InsightsContext, openInsights, rows, submit } from './harness'

let i: InsightsContext

beforeEach(async () => {
  i = await openInsights()
})
afterEach(() => i.shop.fake.close())

/** A course and a group; `one` bought the course, `two` the group. */
async function twoMembers() {
  const course = await liveOffer(i.shop, i.creator.key, courseBody())
  const group = await liveOffer(i.shop, i.creator.key, groupBody())
  const one = await buy(i.shop, course.id, 'one@example.com')
  i.shop.ctx.clock.advance(1000)
  const two = await buy(i.shop, group.id, 'two@example.com')
  return { course, group, one, two }
}

/** The `data-access` of an offer's card in the explainer. */
function accessOf(page: string, offerId: string): string | undefined {
  return new RegExp(`data-offer="${offerId}" data-access="(yes|no)"`).exec(page)?.[1]
}

describe('members page: happy', () => {
  it('lists a buyer after a purchase, linked to their page', async () => {
    const { one } = await twoMembers()
    // The session, then the members and the offers for the filters in one batch.
    const shown = await counted(i, () => getPage(i, '/dashboard/members'))
    expect(shown.response.status).toBe(200)
    expect(shown.roundTrips).toBe(2)
    const page = await shown.response.text()
    expect(page).toContain('one@example.com')
    expect(page).toContain(`href="/dashboard/members/${one.buyerId}"`)
    expect(page).toContain('two@example.com')
    expect(page).toContain('aria-current="page">Members<')
  })

  it('filters by offer, state and email through the GET form', async () => {
    const { course, group } = await twoMembers()
    const byCourse = await html(i, `/dashboard/members?offer_id=${course.id}&state=&email=`)
    expect(byCourse).toContain('one@example.com')
    expect(byCourse).not.toContain('two@example.com')
    expect(byCourse).toContain(`<option value="${course.id}" selected="">`)
    const byGroup = await html(i, `/dashboard/members?offer_id=${group.id}`)
    expect(byGroup).toContain('two@example.com')
    expect(byGroup).not.toContain('one@example.com')
    const lapsed = await html(i, '/dashboard/members?state=lapsed')
    expect(lapsed).not.toContain('one@example.com')
    expect(lapsed).toContain('No members match.')
    const byEmail = await html(i, '/dashboard/members?email=TWO@example.com')
    expect(byEmail).toContain('two@example.com')
    expect(byEmail).not.toContain('one@example.com')
  })

  it('pages with a next link that keeps the filters', async () => {
    const { course } = await twoMembers()
    await buy(i.shop, course.id, 'three@example.com')
    const first = await html(i, `/dashboard/members?offer_id=${course.id}&limit=1`)
    expect(first).toContain('three@example.com')
    const next = /rel="next" href="([^"]+)"/.exec(first)?.[1]?.replaceAll('&amp;', '&')
    expect(next).toContain(`offer_id=${course.id}`)
    const second = await html(i, next ?? '')
    expect(second).toContain('one@example.com')
    expect(second).not.toContain('three@example.com')
    expect(second).not.toContain('rel="next"')
  })

  it('shows the member’s entitlements and the explainer with the Stripe event behind each change', async () => {
    const { course, group, one } = await twoMembers()
    // The session, then the member and the explainer (explainAccessRead) in one batch.
    const shown = await counted(i, () => getPage(i, `/dashboard/members/${one.buyerId}`))
    expect(shown.response.status).toBe(200)
    expect(shown.roundTrips).toBe(2)
    const page = await shown.response.text()
    expect(page).toContain('one@example.com')
    expect(accessOf(page, course.id)).toBe('yes')
    expect(accessOf(page, group.id)).toBe('no')
    expect(page).toContain('<code>checkout.session.completed</code>')
    expect(page).toContain('<strong>Granted</strong>')
    expect(page).toContain('never held')
  })
})

describe('members page: grant, revoke, refund by form', () => {
  it('grants access to an offer and revokes it again, as the creator', async () => {
    const { group, one } = await twoMembers()
    const path = `/dashboard/members/${one.buyerId}`
    const granted = await submit(i, path, `${path}/grant`, { offer_id: group.id, last_day: '' })
    expect(granted.status).toBe(303)
    expect(granted.headers.get('location')).toBe(`${path}?notice=granted`)
    const [entitlement] = await rows(
      i,
      'select id, state, ends_at from entitlements where buyer_id = ? and offer_id = ?',
      [one.buyerId, group.id],
    )
    expect(entitlement).toMatchObject({ state: 'active', ends_at: null })
    let page = await html(i, `${path}?notice=granted`)
    expect(page).toContain('Access granted.')
    expect(accessOf(page, group.id)).toBe('yes')
    expect(page).toContain('Admin action entitlement.grant (creator)')

    i.shop.ctx.clock.advance(1000) // so the audit rows sort by time
    const revoked = await submit(i, path, `${path}/entitlements/${entitlement?.id}/revoke`)
    expect(revoked.status).toBe(303)
    expect(revoked.headers.get('location')).toBe(`${path}?notice=revoked`)
    page = await html(i, path)
    expect(accessOf(page, group.id)).toBe('no')
    const audit = await rows(
      i,
      "select action, actor_type, actor_id from audit_log where action like 'entitlement.%' order by at, id",
    )
    expect(audit).toEqual([
      { action: 'entitlement.grant', actor_type: 'creator', actor_id: i.creator.id },
      { action: 'entitlement.revoke', actor_type: 'creator', actor_id: i.creator.id },
    ])
  })

  it('ends a dated grant at midnight after the last day, in the creator’s time zone', async () => {
    const { group, one } = await twoMembers()
    const path = `/dashboard/members/${one.buyerId}`
    await submit(i, path, `${path}/grant`, { offer_id: group.id, last_day: '2026-12-31' })
    const [entitlement] = await rows(
      i,
      'select ends_at from entitlements where offer_id = ? and buyer_id = ?',
      [group.id, one.buyerId],
    )
    // Asia/Shanghai (the default zone) is UTC+8: 1 January 2027 00:00 there.
    expect(entitlement?.ends_at).toBe(Date.UTC(2026, 11, 31, 16))
  })

  it('refuses a grant ending in the past with a readable notice and writes nothing', async () => {
    const { group, one } = await twoMembers()
    const path = `/dashboard/members/${one.buyerId}`
    const before = await countRows(i.shop.ctx, 'entitlements')
    const refused = await submit(i, path, `${path}/grant`, { offer_id: group.id, last_day: '2020-01-01' })
    expect(refused.headers.get('location')).toBe(`${path}?notice=invalidGrant`)
    expect(await countRows(i.shop.ctx, 'entitlements')).toBe(before)
    expect(await html(i, `${path}?notice=invalidGrant`)).toContain('role="alert"')
  })

  it('refunds a paid order through Stripe; once Stripe’s events arrive the member shows revoked', async () => {
    const { course, one } = await twoMembers()
    const path = `/dashboard/members/${one.buyerId}`
    const from = i.shop.fake.events.length
    const csrf = csrfOf(await html(i, path))
    const { response: refunded, roundTrips } = await counted(i, () =>
      postForm(i.shop.ctx, `${path}/orders/${one.orderId}/refund`, { csrf }, { cookie: i.cookie }),
    )
    // The session, the member with the order (one batch), then (after Stripe) the audit row.
    expect(roundTrips).toBe(3)
    expect(refunded.status).toBe(303)
    expect(refunded.headers.get('location')).toBe(`${path}?notice=refundRequested`)
    expect(i.shop.fake.objects<{ amount: number }>('refund').map((refund) => refund.amount)).toEqual([19900])
    await deliverSince(i.shop, from)
    const page = await html(i, path)
    expect(page).toMatch(/data-entitlement="ent_\w+" data-state="revoked"/)
    expect(accessOf(page, course.id)).toBe('no')
    expect(page).toContain('<code>charge.refunded</code>')
    const audit = await rows(i, "select actor_type from audit_log where action = 'order.refund'")
    expect(audit).toEqual([{ actor_type: 'creator' }])
  })

  it('shows a readable error when Stripe refuses the refund, and refunds nothing', async () => {
    const { one } = await twoMembers()
    const path = `/dashboard/members/${one.buyerId}`
    const csrfPage = await html(i, path)
    i.shop.fake.failNext(1, 500, { shouldRetry: false })
    const failed = await postForm(
      i.shop.ctx,
      `${path}/orders/${one.orderId}/refund`,
      { csrf: /name="csrf" value="([^"]+)"/.exec(csrfPage)?.[1] ?? '' },
      { cookie: i.cookie },
    )
    expect(failed.status).toBe(303)
    expect(failed.headers.get('location')).toBe(`${path}?notice=refundFailed`)
    expect(i.shop.fake.objects('refund')).toEqual([])
    const page = await html(i, `${path}?notice=refundFailed`)
    expect(page).toContain('Stripe did not accept the refund.')
  })
})

describe('members page: security', () => {
  it('sends a signed-out visitor and a buyer to the creator sign-in', async () => {
    const { one } = await twoMembers()
    const out = await getPage(i, '/dashboard/members', null)
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/login?as=creator&next=%2Fdashboard%2Fmembers')
    const { cookie } = await signIn(i.shop.ctx, 'one@example.com')
    expect((await getPage(i, `/dashboard/members/${one.buyerId}`, cookie)).status).toBe(303)
    const posted = await postForm(
      i.shop.ctx,
      `/dashboard/members/${one.buyerId}/grant`,
      { offer_id: 'x' },
      { cookie },
    )
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toContain('/login?as=creator')
  })

  it('refuses a form without its CSRF token with 403 and writes nothing', async () => {
    const { group, one } = await twoMembers()
    const before = await countRows(i.shop.ctx, 'entitlements')
    const forged = await postForm(
      i.shop.ctx,
      `/dashboard/members/${one.buyerId}/grant`,
      { offer_id: group.id },
      { cookie: i.cookie },
    )
    expect(forged.status).toBe(403)
    const wrong = await postForm(
      i.shop.ctx,
      `/dashboard/members/${one.buyerId}/grant`,
      { offer_id: group.id, csrf: 'not-the-token' },
      { cookie: i.cookie },
    )
    expect(wrong.status).toBe(403)
    expect(await countRows(i.shop.ctx, 'entitlements')).toBe(before)
  })

  it('answers 404 for another creator’s member, on the page and on its forms', async () => {
    const other = await givenCreator(i.shop.ctx)
    const theirs = await liveOffer(i.shop, other.key, courseBody())
    const stranger = await buy(i.shop, theirs.id, 'stranger@example.com')
    await twoMembers()
    expect((await getPage(i, `/dashboard/members/${stranger.buyerId}`)).status).toBe(404)
    expect(await html(i, '/dashboard/members')).not.toContain('stranger@example.com')
    const path = `/dashboard/members/${stranger.buyerId}`
    const refund = await submit(i, '/dashboard/members', `${path}/orders/${stranger.orderId}/refund`)
    expect(refund.status).toBe(404)
    expect(i.shop.fake.objects('refund')).toEqual([])
    const grant = await submit(i, '/dashboard/members', `${path}/grant`, { offer_id: theirs.id })
    expect(grant.status).toBe(404)
  })
})

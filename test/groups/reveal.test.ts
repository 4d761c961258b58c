import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { dayMs } from '../../src/lib/time'
import { courseBody, groupBody, tierBody } from '../catalog/builders'
import { api, countRows, givenCreator } from '../helpers'
import { signIn } from '../sign-in'
import {
  buyerCookie,
  createGroupsContext,
  type GroupsContext,
  givenPurchase,
  liveOffer,
  quiet,
  readsInterleaved,
  revealJson,
  revealPage,
  rows,
} from './harness'

let g: GroupsContext

beforeEach(async () => {
  g = await createGroupsContext()
})
afterEach(() => g.fake.close())

const telegram = {
  platform: 'telegram',
  invite_url: 'https://t.me/+SecretInvite',
  qr_image_url: 'https://cdn.example.com/qr-secret.png',
  instructions: 'Say hello in #intro.\n\nRules: be <kind>.',
}

describe('reveal: happy', () => {
  it('shows a buyer of the group its invite and logs the reveal and the seat', async () => {
    const group = await liveOffer(g, groupBody({ group: telegram }))
    const { buyerId } = await givenPurchase(g, group.id, 'reader@example.com')
    const cookie = await buyerCookie(g, 'reader@example.com')

    const res = await revealJson(g, group.id, cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    expect(res.body).toEqual({
      offer_id: group.id,
      title: 'Reading group',
      platform: 'telegram',
      invite_url: telegram.invite_url,
      qr_image_url: telegram.qr_image_url,
      instructions: telegram.instructions,
      rotated_at: group.group.rotated_at,
    })
    expect(await rows(g, 'select offer_id, buyer_id, creator_id, at from group_reveals')).toEqual([
      { offer_id: group.id, buyer_id: buyerId, creator_id: g.creator.id, at: g.ctx.clock.now() },
    ])
    expect(
      await rows(g, 'select buyer_id, status, first_revealed_at, removed_at from group_members'),
    ).toEqual([
      { buyer_id: buyerId, status: 'member', first_revealed_at: g.ctx.clock.now(), removed_at: null },
    ])
  })

  it('renders the invite page in the creator’s language in exactly two round trips', async () => {
    g.fake.close()
    g = await createGroupsContext({ locale: 'en' })
    const group = await liveOffer(g, groupBody({ group: telegram }))
    await givenPurchase(g, group.id, 'reader@example.com')
    const cookie = await buyerCookie(g, 'reader@example.com')

    g.ctx.roundTrips.count = 0
    const page = await revealPage(g, group.id, cookie)
    expect(g.ctx.roundTrips.count).toBe(2) // one read batch, one write batch (seat + log)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.headers.get('cache-control')).toBe('private, no-store')
    const html = await page.text()
    expect(html).toContain('<html lang="en">')
    expect(html).toContain('href="https://t.me/+SecretInvite"')
    expect(html).toContain('Open the invite (Telegram)')
    expect(html).toContain(
      'src="https://cdn.example.com/qr-secret.png" alt="Telegram QR code for “Reading group”"',
    )
    // Instructions are escaped text in paragraphs, never creator HTML.
    expect(html).toContain('<p>Say hello in #intro.</p><p>Rules: be &lt;kind&gt;.</p>')
    expect(html).toContain(`datetime="${group.group.rotated_at}"`)
    expect(html).toContain('Invite updated on')
    expect(await countRows(g.ctx, 'group_reveals')).toBe(1)
  })

  it('reveals a group to a buyer of a tier that includes it', async () => {
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

    const res = await revealJson(g, group.id, cookie)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ offer_id: group.id, qr_image_url: 'https://example.com/qr.png' })
    expect(await rows(g, 'select buyer_id, status from group_members')).toEqual([
      { buyer_id: buyerId, status: 'member' },
    ])
  })

  it('still serves an archived group to the buyers who hold it', async () => {
    const group = await liveOffer(g, groupBody())
    await givenPurchase(g, group.id, 'reader@example.com')
    expect(
      (await api(g.ctx, 'POST', `/api/v1/offers/${group.id}/archive`, { key: g.creator.key })).status,
    ).toBe(200)
    const cookie = await buyerCookie(g, 'reader@example.com')
    expect((await revealJson(g, group.id, cookie)).status).toBe(200)
  })

  it('records a new invite’s rotation on PATCH, shows it to members, and keeps it out of the audit log', async () => {
    const group = await liveOffer(g, groupBody({ group: telegram }))
    await givenPurchase(g, group.id, 'reader@example.com')
    const cookie = await buyerCookie(g, 'reader@example.com')
    expect((await revealJson(g, group.id, cookie)).body.invite_url).toBe(telegram.invite_url)

    g.ctx.clock.advance(7 * dayMs)
    const capacityOnly = await api(g.ctx, 'PATCH', `/api/v1/offers/${group.id}`, {
      key: g.creator.key,
      body: { group: { capacity: 300 } },
    })
    expect(capacityOnly.body.group.rotated_at).toBe(group.group.rotated_at)

    g.ctx.clock.advance(dayMs)
    const rotated = await api(g.ctx, 'PATCH', `/api/v1/offers/${group.id}`, {
      key: g.creator.key,
      body: {
        group: { invite_url: 'https://t.me/+NewInvite', qr_image_url: 'https://cdn.example.com/qr-2.png' },
      },
    })
    expect(rotated.status).toBe(200)
    const rotatedAt = new Date(g.ctx.clock.now()).toISOString()
    expect(rotated.body.group.rotated_at).toBe(rotatedAt)

    const res = await revealJson(g, group.id, cookie)
    expect(res.body).toMatchObject({
      invite_url: 'https://t.me/+NewInvite',
      qr_image_url: 'https://cdn.example.com/qr-2.png',
      rotated_at: rotatedAt,
    })
    const audit = (await rows(g, 'select action, detail from audit_log')).map((row) => JSON.stringify(row))
    expect(audit.length).toBeGreaterThanOrEqual(3)
    for (const row of audit) {
      expect(row).not.toContain('t.me')
      expect(row).not.toContain('cdn.example.com')
    }
  })
})

describe('reveal: instructions-only groups', () => {
  it('counts new joining instructions as a rotation when the group has no link or QR code', async () => {
    const group = await liveOffer(
      g,
      groupBody({ group: { platform: 'wechat', instructions: 'Add the assistant: quanzi-helper-1' } }),
    )
    g.ctx.clock.advance(dayMs)
    const changed = await api(g.ctx, 'PATCH', `/api/v1/offers/${group.id}`, {
      key: g.creator.key,
      body: { group: { instructions: 'Add the assistant: quanzi-helper-2' } },
    })
    expect(changed.status).toBe(200)
    expect(changed.body.group.rotated_at).toBe(new Date(g.ctx.clock.now()).toISOString())
    // With a link, instructions are only commentary: editing them is not a rotation.
    const linked = await liveOffer(
      g,
      groupBody({ slug: 'linked', group: { ...telegram, instructions: 'Be kind' } }),
    )
    g.ctx.clock.advance(dayMs)
    const edited = await api(g.ctx, 'PATCH', `/api/v1/offers/${linked.id}`, {
      key: g.creator.key,
      body: { group: { instructions: 'Be kind, always' } },
    })
    expect(edited.body.group.rotated_at).toBe(linked.group.rotated_at)
  })
})

describe('reveal: capacity', () => {
  it('lets exactly one of two entitled buyers in when both read the last seat as free', async () => {
    const group = await liveOffer(g, groupBody({ group: { ...telegram, capacity: 1 } }))
    const first = await givenPurchase(g, group.id, 'first@example.com')
    const second = await givenPurchase(g, group.id, 'second@example.com')
    const cookies = [await buyerCookie(g, 'first@example.com'), await buyerCookie(g, 'second@example.com')]

    const racing = createApp({ ...g.ctx.deps, db: readsInterleaved(g.ctx.deps.db) })
    const pages = await Promise.all(cookies.map((cookie) => revealPage(g, group.id, cookie, racing)))
    expect(pages.map((page) => page.status).sort()).toEqual([200, 402])
    const refused = pages.find((page) => page.status === 402)
    expect(await refused?.text()).toContain('data-reason="full"')

    const members = await rows(g, 'select buyer_id, status from group_members')
    expect(members).toHaveLength(1)
    expect([first.buyerId, second.buyerId]).toContain(members[0]?.buyer_id)
    expect(await rows(g, 'select buyer_id from group_reveals')).toEqual([{ buyer_id: members[0]?.buyer_id }])
  })

  it('always shows a member the invite again, while a newcomer is refused as full', async () => {
    const group = await liveOffer(g, groupBody({ group: { ...telegram, capacity: 1 } }))
    const first = await givenPurchase(g, group.id, 'first@example.com')
    await givenPurchase(g, group.id, 'second@example.com')
    const firstCookie = await buyerCookie(g, 'first@example.com')
    const secondCookie = await buyerCookie(g, 'second@example.com')

    expect((await revealJson(g, group.id, firstCookie)).status).toBe(200)
    const full = await revealJson(g, group.id, secondCookie)
    expect(full.status).toBe(402)
    expect(full.body).toMatchObject({ status: 402, reason: 'full', buy: [] })
    expect(JSON.stringify(full.body)).not.toContain('SecretInvite')

    g.ctx.clock.advance(dayMs)
    expect((await revealJson(g, group.id, firstCookie)).status).toBe(200)
    expect(await rows(g, 'select buyer_id, at from group_reveals order by at')).toEqual([
      { buyer_id: first.buyerId, at: g.ctx.clock.now() - dayMs },
      { buyer_id: first.buyerId, at: g.ctx.clock.now() },
    ])
    expect(await rows(g, 'select first_revealed_at from group_members')).toEqual([
      { first_revealed_at: g.ctx.clock.now() - dayMs },
    ])
  })
})

describe('reveal: error', () => {
  it('answers 404 for an unknown group, a draft group and an offer that is not a group', async () => {
    const draft = await api(g.ctx, 'POST', '/api/v1/offers', { key: g.creator.key, body: groupBody() })
    const course = await liveOffer(g, courseBody())
    const cookie = await buyerCookie(g, 'reader@example.com')
    for (const id of ['off_unknown', draft.body.id, course.id]) {
      const res = await revealJson(g, id, cookie)
      expect(res.status, id).toBe(404)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
    }
    const page = await revealPage(g, 'off_unknown', cookie)
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect((await revealPage(g, 'bad%20id', cookie)).status).toBe(404)
    expect(await countRows(g.ctx, 'group_reveals')).toBe(0)
  })
})

describe('reveal: security', () => {
  it('refuses buyer A the invite to a group only B bought (402 with buy links), in one round trip', async () => {
    const group = await liveOffer(g, groupBody({ group: telegram }))
    const tier = await liveOffer(g, tierBody({ included_offer_ids: [group.id] }))
    await givenPurchase(g, group.id, 'b@example.com')
    const cookieA = await buyerCookie(g, 'a@example.com')

    const res = await revealJson(g, group.id, cookieA)
    expect(res.status).toBe(402)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(res.body).toMatchObject({ reason: 'no_entitlement', buy: [group.id, tier.id] })
    expect(JSON.stringify(res.body)).not.toMatch(/SecretInvite|qr-secret|Say hello/)

    g.ctx.roundTrips.count = 0
    const page = await revealPage(g, group.id, cookieA)
    expect(g.ctx.roundTrips.count).toBe(1)
    expect(page.status).toBe(402)
    const html = await page.text()
    expect(html).not.toMatch(/SecretInvite|qr-secret|Say hello/)
    expect(html).toContain('data-reason="no_entitlement"')
    expect(html).toContain(`href="/buy/${group.id}"`)
    expect(html).toContain(`href="/buy/${tier.id}"`)
    expect(html).toContain('a@example.com')
    expect(await countRows(g.ctx, 'group_reveals')).toBe(0)
    expect(await countRows(g.ctx, 'group_members')).toBe(0)
  })

  it('answers 401 to the API and redirects the page to sign-in when not signed in as a buyer', async () => {
    const group = await liveOffer(g, groupBody({ group: telegram }))
    await givenPurchase(g, group.id, 'reader@example.com')
    const creatorSession = (await signIn(g.ctx, `${g.creator.slug}@example.com`, 'creator')).cookie
    await quiet(g)

    for (const cookie of [undefined, 'qz_session=not-a-session-value-0123456789abcdef', creatorSession]) {
      const res = await revealJson(g, group.id, cookie)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBeTruthy()
      expect(JSON.stringify(res.body)).not.toContain('SecretInvite')

      const page = await revealPage(g, group.id, cookie)
      expect(page.status).toBe(303)
      expect(page.headers.get('location')).toBe(`/login?next=/me/groups/${group.id}`)
    }
    g.ctx.roundTrips.count = 0
    await revealPage(g, group.id)
    expect(g.ctx.roundTrips.count).toBe(0) // no cookie: nothing to read
    expect(await countRows(g.ctx, 'group_reveals')).toBe(0)
  })

  it('keeps the invite out of the public storefront, as JSON and as pages', async () => {
    const group = await liveOffer(g, groupBody({ group: telegram }))
    const pages = [
      await g.ctx.app.request(`/api/v1/public/creators/${g.creator.slug}`),
      await g.ctx.app.request(`/c/${g.creator.slug}`),
      await g.ctx.app.request(`/c/${g.creator.slug}/${group.slug}`),
    ]
    for (const page of pages) {
      expect(page.status).toBe(200)
      expect(await page.text()).not.toMatch(/SecretInvite|qr-secret|Say hello/)
    }
  })

  it('refuses a buyer whose purchase was of another creator’s group', async () => {
    const other = await liveOffer(g, groupBody({ slug: 'theirs' }), (await givenCreator(g.ctx)).key)
    await givenPurchase(g, other.id, 'reader@example.com')
    const mine = await liveOffer(g, groupBody({ slug: 'mine' }))
    const cookie = await buyerCookie(g, 'reader@example.com')
    expect((await revealJson(g, other.id, cookie)).status).toBe(200)
    const res = await revealJson(g, mine.id, cookie)
    expect(res.status).toBe(402)
    expect(res.body.reason).toBe('no_entitlement')
  })
})

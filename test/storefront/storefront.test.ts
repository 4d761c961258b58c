import { beforeEach, describe, expect, it } from 'vitest'
import { consultationSlots, groups, lessons, offers, posts, prices, tierBenefits } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { dayMs } from '../../src/lib/time'
import { api, createTestContext, givenCreator, type TestContext } from '../helpers'

let ctx: TestContext
beforeEach(async () => {
  ctx = await createTestContext()
})

type Creator = Awaited<ReturnType<typeof givenCreator>>
type OfferInsert = typeof offers.$inferInsert
type PriceInsert = typeof prices.$inferInsert

let sequence = 0

/**
 * Inserts an offer (a live course unless overridden) and its prices (one active ¥200.00 `once` price unless
 * `prices` says otherwise), straight into the tables.
 */
async function givenOffer(
  creator: Creator,
  overrides: Partial<OfferInsert> & { prices?: Partial<PriceInsert>[] } = {},
): Promise<OfferInsert & { id: string; slug: string }> {
  const { prices: priceOverrides = [{}], ...offerOverrides } = overrides
  sequence++
  const now = ctx.clock.now() + sequence
  const offer = {
    id: newId('offer', now),
    creatorId: creator.id,
    kind: 'course' as const,
    slug: `offer-${sequence}`,
    title: `Offer ${sequence}`,
    status: 'live' as const,
    createdAt: now,
    updatedAt: now,
    ...offerOverrides,
  }
  await ctx.deps.db.insert(offers).values(offer)
  for (const price of priceOverrides) {
    await ctx.deps.db.insert(prices).values({
      id: newId('price', now),
      creatorId: creator.id,
      offerId: offer.id,
      amount: 20000,
      currency: 'CNY',
      interval: 'once',
      createdAt: now,
      ...price,
    })
  }
  return offer
}

async function givenSlot(
  creator: Creator,
  offerId: string,
  overrides: Partial<typeof consultationSlots.$inferInsert>,
) {
  const startsAt = overrides.startsAt ?? ctx.clock.now() + dayMs
  await ctx.deps.db.insert(consultationSlots).values({
    id: newId('slot'),
    creatorId: creator.id,
    offerId,
    startsAt,
    endsAt: startsAt + 3_600_000,
    meetingDetails: 'https://meet.example.com/secret-room',
    createdAt: ctx.clock.now(),
    updatedAt: ctx.clock.now(),
    ...overrides,
  })
}

async function givenLesson(
  creator: Creator,
  offerId: string,
  overrides: Partial<typeof lessons.$inferInsert>,
) {
  await ctx.deps.db.insert(lessons).values({
    id: newId('lesson'),
    creatorId: creator.id,
    offerId,
    position: 1,
    title: 'Lesson',
    body: 'LESSON BODY FOR BUYERS ONLY',
    createdAt: ctx.clock.now(),
    updatedAt: ctx.clock.now(),
    ...overrides,
  })
}

async function givenPost(creator: Creator, overrides: Partial<typeof posts.$inferInsert> = {}) {
  sequence++
  await ctx.deps.db.insert(posts).values({
    id: newId('post', ctx.clock.now() + sequence),
    creatorId: creator.id,
    slug: `post-${sequence}`,
    title: `Post ${sequence}`,
    body: 'POST BODY FOR MEMBERS',
    excerpt: `Excerpt ${sequence}`,
    status: 'live',
    publishedAt: ctx.clock.now() + sequence,
    createdAt: ctx.clock.now(),
    updatedAt: ctx.clock.now(),
    ...overrides,
  })
}

const inviteUrl = 'https://t.me/+SECRET-INVITE'

/** A creator with one offer of each kind plus a draft and an archived one. */
async function givenFullStorefront(overrides: Parameters<typeof givenCreator>[1] = {}) {
  const creator = await givenCreator(ctx, {
    email: 'private-owner@example.com',
    bio: 'We read.',
    ...overrides,
  })
  const group = await givenOffer(creator, { kind: 'group', title: 'Readers group', position: 3 })
  await ctx.deps.db.insert(groups).values({
    offerId: group.id,
    creatorId: creator.id,
    platform: 'telegram',
    inviteUrl,
    instructions: 'SECRET INSTRUCTIONS',
    qrImageUrl: 'https://cdn.example.com/SECRET-QR.png',
    capacity: 200,
    updatedAt: ctx.clock.now(),
  })
  const course = await givenOffer(creator, { kind: 'course', title: 'Close reading', position: 2 })
  const tier = await givenOffer(creator, {
    kind: 'tier',
    title: 'Member',
    rank: 1,
    position: 1,
    prices: [
      { interval: 'once', amount: 99900, termDays: 365 },
      { interval: 'year', amount: 199900 },
      { interval: 'month', amount: 20000 },
      { interval: 'month', amount: 15000, active: false },
    ],
  })
  const draft = await givenOffer(creator, { title: 'Unreleased draft', status: 'draft', position: 0 })
  const archived = await givenOffer(creator, { title: 'Retired archived', status: 'archived', position: 0 })
  await ctx.deps.db.insert(tierBenefits).values([
    { creatorId: creator.id, tierOfferId: tier.id, includedOfferId: course.id },
    { creatorId: creator.id, tierOfferId: tier.id, includedOfferId: draft.id },
  ])
  const consultation = await givenOffer(creator, {
    kind: 'consultation',
    title: 'One-to-one',
    durationMinutes: 45,
    position: 4,
  })
  await givenSlot(creator, consultation.id, {})
  await givenSlot(creator, consultation.id, { startsAt: ctx.clock.now() + 2 * dayMs })
  await givenSlot(creator, consultation.id, { startsAt: ctx.clock.now() - dayMs })
  await givenSlot(creator, consultation.id, { status: 'held' })
  await givenSlot(creator, consultation.id, { status: 'booked' })
  return { creator, group, course, tier, draft, archived, consultation }
}

async function page(path: string, accept = 'text/html') {
  const response = await ctx.app.request(path, { headers: { accept } })
  return { status: response.status, headers: response.headers, html: await response.text() }
}

describe('GET /api/v1/public/creators/:creator', () => {
  describe('happy', () => {
    it('shows the public creator, its live offers in order with active prices and kind facts', async () => {
      const { creator, tier, course, group, consultation } = await givenFullStorefront()
      const res = await api(ctx, 'GET', `/api/v1/public/creators/${creator.slug}`)
      expect(res.status).toBe(200)
      expect(res.body.creator).toEqual({
        slug: creator.slug,
        name: `Creator ${creator.slug}`,
        bio: 'We read.',
        locale: 'zh-CN',
        default_currency: 'CNY',
        time_zone: 'Asia/Shanghai',
      })
      expect(res.body.offers.map((offer: { id: string }) => offer.id)).toEqual([
        tier.id,
        course.id,
        group.id,
        consultation.id,
      ])
      const [tierJson, courseJson, groupJson, consultationJson] = res.body.offers
      expect(tierJson).toMatchObject({
        kind: 'tier',
        rank: 1,
        includes: [{ kind: 'course', slug: course.slug, title: 'Close reading' }],
      })
      expect(
        tierJson.prices.map((price: { interval: string; money: { amount: number } }) => [
          price.interval,
          price.money.amount,
        ]),
      ).toEqual([
        ['month', 20000],
        ['year', 199900],
        ['once', 99900],
      ])
      expect(tierJson.prices[2]).toMatchObject({
        term_days: 365,
        rails: ['wallet', 'card'],
        money: { amount: 99900, currency: 'CNY', formatted: '¥999.00' },
      })
      expect(tierJson.prices[0].rails).toEqual(['card'])
      expect(courseJson).not.toHaveProperty('rank')
      expect(courseJson.prices).toHaveLength(1)
      expect(groupJson).toMatchObject({ kind: 'group', platform: 'telegram', capacity: 200 })
      expect(consultationJson).toMatchObject({ kind: 'consultation', duration_minutes: 45, free_slots: 2 })
    })

    it('lists the ten newest live posts as teasers without their bodies', async () => {
      const creator = await givenCreator(ctx)
      for (let i = 0; i < 11; i++) await givenPost(creator, { title: `Live ${i}` })
      await givenPost(creator, { title: 'Draft post', status: 'draft', publishedAt: null })
      await givenPost(creator, { title: 'Archived post', status: 'archived' })
      const res = await api(ctx, 'GET', `/api/v1/public/creators/${creator.slug}`)
      expect(res.body.posts).toHaveLength(10)
      expect(res.body.posts[0]).toEqual({
        slug: expect.any(String),
        title: 'Live 10',
        excerpt: expect.stringMatching(/^Excerpt/),
        published_at: expect.any(String),
      })
      expect(res.body.posts.at(-1).title).toBe('Live 1')
      expect(JSON.stringify(res.body)).not.toMatch(/Draft post|Archived post|POST BODY/)
    })

    it('formats money for the creator locale', async () => {
      const zh = await givenCreator(ctx, { locale: 'zh-CN' })
      const en = await givenCreator(ctx, { locale: 'en' })
      await givenOffer(zh)
      await givenOffer(en)
      const zhRes = await api(ctx, 'GET', `/api/v1/public/creators/${zh.slug}`)
      const enRes = await api(ctx, 'GET', `/api/v1/public/creators/${en.slug}`)
      expect(zhRes.body.offers[0].prices[0].money.formatted).toBe('¥200.00')
      expect(enRes.body.offers[0].prices[0].money.formatted).toBe('CN¥200.00')
    })

    it('costs exactly one database round trip', async () => {
      const { creator } = await givenFullStorefront()
      await givenPost(creator)
      ctx.roundTrips.count = 0
      const res = await api(ctx, 'GET', `/api/v1/public/creators/${creator.slug}`)
      expect(res.status).toBe(200)
      expect(ctx.roundTrips.count).toBe(1)
    })

    it('is documented in the OpenAPI document', async () => {
      const res = await api(ctx, 'GET', '/openapi.json')
      expect(res.body.paths['/api/v1/public/creators/{creator}'].get.responses).toHaveProperty('200')
    })
  })

  describe('error', () => {
    it('answers 404 problem+json for an unknown creator, in one round trip', async () => {
      ctx.roundTrips.count = 0
      const res = await api(ctx, 'GET', '/api/v1/public/creators/nobody')
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(res.body.detail).toBe('No creator nobody exists.')
      expect(ctx.roundTrips.count).toBe(1)
    })
  })

  describe('security', () => {
    it('never shows the email, drafts, archived offers, inactive prices or member-only details', async () => {
      const { creator } = await givenFullStorefront()
      const res = await api(ctx, 'GET', `/api/v1/public/creators/${creator.slug}`)
      const text = JSON.stringify(res.body)
      expect(text).not.toContain('private-owner@example.com')
      expect(text).not.toContain('"email"')
      expect(text).not.toMatch(/Unreleased draft|Retired archived/)
      expect(text).not.toContain('15000')
      expect(text).not.toMatch(/SECRET|secret-room/)
    })

    it("shows only this creator's offers and posts", async () => {
      const a = await givenCreator(ctx)
      const b = await givenCreator(ctx)
      await givenOffer(a, { title: 'Offer of A' })
      await givenPost(a, { title: 'Post of A' })
      const res = await api(ctx, 'GET', `/api/v1/public/creators/${b.slug}`)
      expect(res.status).toBe(200)
      expect(res.body.offers).toEqual([])
      expect(res.body.posts).toEqual([])
    })
  })
})

describe('GET /c/:creator', () => {
  describe('happy', () => {
    it('renders live offers with prices and what each price is, in Chinese', async () => {
      const { creator, tier } = await givenFullStorefront()
      const res = await page(`/c/${creator.slug}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('text/html')
      expect(res.html).toMatch(/^<!doctype html><html lang="zh-CN">/)
      for (const text of ['Member', 'Close reading', 'Readers group', 'One-to-one', '¥200.00', '¥1,999.00'])
        expect(res.html).toContain(text)
      expect(res.html).not.toContain('CN¥')
      expect(res.html).toContain('按月续费（银行卡）')
      expect(res.html).toContain('按年续费（银行卡）')
      expect(res.html).toContain('支付宝 / 微信支付，365 天')
      expect(res.html).toContain('可预约时段：2')
      expect(res.html).toContain(`href="/buy/${tier.id}?price=`)
      expect(res.html).toMatch(new RegExp(`/buy/${tier.id}\\?price=pri_[0-9a-z]+&amp;rail=wallet`))
    })

    it('speaks the visitor’s language: the switch (remembered), else the browser’s, else the creator’s', async () => {
      const creator = await givenCreator(ctx) // zh-CN by default
      await givenOffer(creator, { kind: 'tier', rank: 1, prices: [{ interval: 'month' }] })
      const request = (path: string, headers: Record<string, string> = {}) =>
        ctx.app.request(path, { headers: { accept: 'text/html', ...headers } })
      expect(await (await request(`/c/${creator.slug}`)).text()).toContain('<html lang="zh-CN">')
      const english = await request(`/c/${creator.slug}`, { 'accept-language': 'en-GB,en;q=0.8' })
      expect(await english.text()).toContain('Renews monthly (card)')
      const switched = await request(`/c/${creator.slug}?lang=en`, { 'accept-language': 'zh-CN' })
      expect(await switched.text()).toContain('<html lang="en">')
      const cookie = /qz_lang=en/.exec(switched.headers.get('set-cookie') ?? '')?.[0] ?? ''
      expect(cookie).toBe('qz_lang=en')
      // The choice sticks on later pages, over the browser's language.
      const later = await request(`/c/${creator.slug}`, { cookie, 'accept-language': 'zh-CN' })
      expect(await later.text()).toContain('<html lang="en">')
      expect(await (await request('/login', { cookie })).text()).toContain('Sign in')
    })

    it('renders in English for an English creator', async () => {
      const creator = await givenCreator(ctx, { locale: 'en' })
      await givenOffer(creator, {
        kind: 'tier',
        rank: 1,
        prices: [{ interval: 'month' }, { interval: 'year', amount: 200000 }, { termDays: 365 }],
      })
      const res = await page(`/c/${creator.slug}`)
      expect(res.html).toContain('<html lang="en">')
      expect(res.html).toContain('CN¥200.00')
      expect(res.html).toContain('Renews monthly (card)')
      expect(res.html).toContain('Renews yearly (card)')
      expect(res.html).toContain('Alipay / WeChat Pay, 365 days')
      expect(res.html).not.toContain('按月')
    })

    it('costs exactly one database round trip', async () => {
      const { creator } = await givenFullStorefront()
      await givenPost(creator)
      ctx.roundTrips.count = 0
      const res = await page(`/c/${creator.slug}`)
      expect(res.status).toBe(200)
      expect(ctx.roundTrips.count).toBe(1)
    })
  })

  describe('error', () => {
    it('answers an unknown creator with a 404 page for browsers and problem+json otherwise', async () => {
      const html = await page('/c/nobody')
      expect(html.status).toBe(404)
      expect(html.headers.get('content-type')).toContain('text/html')
      expect(html.html).toContain('No creator nobody exists.')
      const json = await page('/c/nobody', 'application/json')
      expect(json.status).toBe(404)
      expect(json.headers.get('content-type')).toBe('application/problem+json')
    })
  })

  describe('security', () => {
    it('never shows the email, drafts, archived offers, inactive prices or invite details', async () => {
      const { creator } = await givenFullStorefront()
      const res = await page(`/c/${creator.slug}`)
      expect(res.html).toContain('Readers group')
      expect(res.html).not.toContain('private-owner@example.com')
      expect(res.html).not.toMatch(/Unreleased draft|Retired archived/)
      expect(res.html).not.toContain('¥150.00')
      expect(res.html).not.toMatch(/SECRET|secret-room/)
    })

    it('escapes what creators write', async () => {
      const creator = await givenCreator(ctx, { name: '<b>Bold</b>', bio: '<img src=x onerror=alert(1)>' })
      await givenOffer(creator, { title: '<script>alert(1)</script>' })
      const res = await page(`/c/${creator.slug}`)
      expect(res.html).not.toContain('<script>')
      expect(res.html).not.toContain('<img')
      expect(res.html).not.toContain('<b>')
      expect(res.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    })
  })
})

describe('GET /c/:creator/:offer', () => {
  describe('happy', () => {
    it('renders a course with its description paragraphs and lesson outline', async () => {
      const creator = await givenCreator(ctx)
      const course = await givenOffer(creator, {
        title: 'Close reading',
        description: 'First paragraph,\nsame paragraph.\n\nSecond paragraph.',
      })
      await givenLesson(creator, course.id, { position: 2, title: 'Second lesson' })
      await givenLesson(creator, course.id, { position: 1, title: 'First lesson', freePreview: true })
      const res = await page(`/c/${creator.slug}/${course.slug}`)
      expect(res.status).toBe(200)
      expect(res.html).toContain('<p>First paragraph,<br/>same paragraph.</p><p>Second paragraph.</p>')
      expect(res.html).toMatch(/First lesson<span class="badge">试看<\/span><\/li><li>Second lesson<\/li>/)
      expect(res.html).not.toContain('LESSON BODY')
      expect(res.html).toContain('¥200.00')
      expect(res.html).toContain('一次性付款')
    })

    it('lists a consultation’s open future slots, each with its own checkout link, in one round trip', async () => {
      const { creator, consultation } = await givenFullStorefront({ locale: 'en' })
      ctx.roundTrips.count = 0
      const res = await page(`/c/${creator.slug}/${consultation.slug}`)
      expect(ctx.roundTrips.count).toBe(1)
      expect(res.status).toBe(200)
      const links = [...res.html.matchAll(/href="(\/buy\/[^"]+&amp;slot=[^"]+)"/g)].map((match) => match[1])
      // Two free future slots (the past, held and booked ones are not offered), one card link each.
      const slots = new Set(links.map((link) => /slot=([\w]+)/.exec(link ?? '')?.[1]))
      expect(slots.size).toBe(2)
      expect(res.html).not.toContain('secret-room')
    })

    it('renders a group with its platform and size but never its invite', async () => {
      const { creator, group } = await givenFullStorefront({ locale: 'en' })
      const res = await page(`/c/${creator.slug}/${group.slug}`)
      expect(res.status).toBe(200)
      expect(res.html).toContain('Telegram')
      expect(res.html).toContain('Up to 200 members')
      expect(res.html).not.toMatch(/SECRET|t\.me/)
    })

    it('costs exactly one database round trip', async () => {
      const creator = await givenCreator(ctx)
      const course = await givenOffer(creator)
      await givenLesson(creator, course.id, { title: 'Only lesson' })
      ctx.roundTrips.count = 0
      const res = await page(`/c/${creator.slug}/${course.slug}`)
      expect(res.status).toBe(200)
      expect(ctx.roundTrips.count).toBe(1)
    })
  })

  describe('error', () => {
    it('answers 404 pages for draft, archived and unknown offers', async () => {
      const { creator, draft, archived } = await givenFullStorefront()
      for (const slug of [draft.slug, archived.slug, 'no-such-offer']) {
        const res = await page(`/c/${creator.slug}/${slug}`)
        expect(res.status).toBe(404)
        expect(res.headers.get('content-type')).toContain('text/html')
        expect(res.html).not.toMatch(/Unreleased draft|Retired archived/)
      }
      const json = await page(`/c/${creator.slug}/${draft.slug}`, 'application/json')
      expect(json.status).toBe(404)
      expect(json.headers.get('content-type')).toBe('application/problem+json')
    })

    it('answers 404 for an unknown creator', async () => {
      expect((await page('/c/nobody/anything')).status).toBe(404)
    })
  })

  describe('security', () => {
    it('escapes a description containing a script', async () => {
      const creator = await givenCreator(ctx)
      const offer = await givenOffer(creator, { description: 'Hello\n\n<script>alert(1)</script>' })
      const res = await page(`/c/${creator.slug}/${offer.slug}`)
      expect(res.status).toBe(200)
      expect(res.html).not.toContain('<script>')
      expect(res.html).toContain('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')
    })

    it("does not show another creator's offer under this creator's address", async () => {
      const a = await givenCreator(ctx)
      const b = await givenCreator(ctx)
      const offer = await givenOffer(a)
      expect((await page(`/c/${b.slug}/${offer.slug}`)).status).toBe(404)
      expect((await page(`/c/${a.slug}/${offer.slug}`)).status).toBe(200)
    })
  })
})

describe('tier ladder', () => {
  it("shows a higher tier including a lower tier's benefits", async () => {
    const creator = await givenCreator(ctx)
    const group = await givenOffer(creator, { kind: 'group', slug: 'the-group', title: 'The group' })
    const course = await givenOffer(creator, { slug: 'the-course', title: 'The course' })
    const member = await givenOffer(creator, { kind: 'tier', slug: 'member', rank: 1 })
    const inner = await givenOffer(creator, { kind: 'tier', slug: 'inner', rank: 2 })
    await ctx.deps.db.insert(tierBenefits).values([
      { creatorId: creator.id, tierOfferId: member.id, includedOfferId: group.id },
      { creatorId: creator.id, tierOfferId: inner.id, includedOfferId: course.id },
    ])
    const res = await api(ctx, 'GET', `/api/v1/public/creators/${creator.slug}`)
    const includes = (slug: string) =>
      res.body.offers
        .find((offer: { slug: string }) => offer.slug === slug)
        .includes.map((included: { slug: string }) => included.slug)
    expect(includes('member')).toEqual(['the-group'])
    expect(includes('inner')).toEqual(['the-course', 'the-group'])
    const page = await ctx.app.request(`/c/${creator.slug}/inner`, { headers: { accept: 'text/html' } })
    const html = await page.text()
    expect(html).toContain('The course')
    expect(html).toContain('The group')
  })
})

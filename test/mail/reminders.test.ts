import { beforeEach, describe, expect, it } from 'vitest'
import { buyers, type EntitlementState, entitlements, orders } from '../../src/db/schema'
import { newId } from '../../src/lib/ids'
import { dayMs } from '../../src/lib/time'
import { queuePassReminders } from '../../src/mail/reminders'
import { courseBody, tierBody } from '../catalog/builders'
import { api, countRows, createTestContext, deliverMails, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp } from '../payments'

let ctx: TestContext
let key: string
let creatorId: string

beforeEach(async () => {
  ctx = await createTestContext()
  ;({ key, id: creatorId } = await givenCreator(ctx, { locale: 'zh-CN' }))
})

interface Offer {
  id: string
  prices: { id: string; interval: string; term_days: number | null }[]
}

async function liveOffer(body: Record<string, unknown>): Promise<Offer> {
  const res = await api(ctx, 'POST', '/api/v1/offers', { key, body: { ...body, status: 'live' } })
  expect(res.status).toBe(201)
  return res.body
}

const tierWithPass = () => liveOffer(tierBody({ title: '读书会会员' }))

/**
 * What a paid order leaves behind (buyer, order, the entitlement it granted), written directly so each test states
 * exactly the access it is about.
 */
async function givenAccess(
  offer: Offer,
  options: {
    interval?: string
    endsAt: number | null
    state?: EntitlementState
    email?: string
    locale?: 'zh-CN' | 'en' | null
    source?: 'order' | 'subscription' | 'admin'
  },
) {
  const { db } = ctx.deps
  const now = ctx.clock.now()
  const price = offer.prices.find((p) => p.interval === (options.interval ?? 'once')) ?? offer.prices[0]
  if (!price) throw new Error('offer has no price')
  const email = options.email ?? `buyer-${Math.random().toString(36).slice(2, 8)}@example.com`
  const buyerId = newId('buyer', now)
  const orderId = newId('order', now)
  const entitlementId = newId('entitlement', now)
  await db.batch([
    db.insert(buyers).values({
      id: buyerId,
      email,
      locale: options.locale === undefined ? 'en' : options.locale,
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(orders).values({
      id: orderId,
      creatorId,
      offerId: offer.id,
      priceId: price.id,
      buyerId,
      email,
      mode: price.interval === 'once' ? 'payment' : 'subscription',
      rail: 'wallet',
      amount: 20000,
      currency: 'CNY',
      termDays: price.term_days,
      status: 'paid',
      paidAt: now,
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(entitlements).values({
      id: entitlementId,
      creatorId,
      buyerId,
      offerId: offer.id,
      source: options.source ?? 'order',
      sourceId: orderId,
      startsAt: now - 30 * dayMs,
      endsAt: options.endsAt,
      state: options.state ?? 'active',
      createdAt: now,
      updatedAt: now,
    }),
  ])
  return { buyerId, orderId, entitlementId, email }
}

async function reminderMails() {
  return (await ctx.sql.execute('select * from mails order by created_at, "to"')).rows
}

describe('queuePassReminders', () => {
  it('reminds a pass ending in 6 days exactly once across two runs', async () => {
    const tier = await tierWithPass()
    const pass = await givenAccess(tier, { endsAt: ctx.clock.now() + 6 * dayMs, email: 'reader@example.com' })
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 1 })
    ctx.clock.advance(dayMs)
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 0 })

    const rows = await reminderMails()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ to: 'reader@example.com', dedupe_key: `reminder:${pass.entitlementId}` })
    const stamped = await ctx.sql.execute({
      sql: 'select reminder_sent_at from entitlements where id = ?',
      args: [pass.entitlementId],
    })
    expect(stamped.rows[0]?.reminder_sent_at).toBe(ctx.clock.now() - dayMs)

    const [mail] = await deliverMails(ctx)
    expect(mail?.to).toBe('reader@example.com')
    // The buyer's locale (en), not the creator's (zh-CN).
    expect(mail?.subject).toMatch(/^“读书会会员” ends on /)
    expect(mail?.text).toContain(`Renew: http://localhost:8787/buy/${tier.id}?rail=wallet`)
  })

  it('costs two round trips, one read and one write batch, for any number of passes', async () => {
    const tier = await tierWithPass()
    for (let i = 0; i < 3; i++) await givenAccess(tier, { endsAt: ctx.clock.now() + (i + 1) * dayMs })
    ctx.roundTrips.count = 0
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 3 })
    expect(ctx.roundTrips.count).toBe(2)
    ctx.roundTrips.count = 0
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 0 })
    expect(ctx.roundTrips.count).toBe(1)
    expect(await countRows(ctx, 'mails')).toBe(3)
  })

  it('waits for a pass ending in 8 days until it is 7 days out', async () => {
    const tier = await tierWithPass()
    await givenAccess(tier, { endsAt: ctx.clock.now() + 8 * dayMs })
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 0 })
    ctx.clock.advance(dayMs - 1)
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 0 })
    ctx.clock.advance(1)
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 1 })
  })

  it('does not remind a course bought for good, or one bought for a term', async () => {
    const forGood = await liveOffer(courseBody())
    const forATerm = await liveOffer(
      courseBody({
        slug: 'term',
        prices: [{ amount: 100, currency: 'CNY', interval: 'once', term_days: 30 }],
      }),
    )
    await givenAccess(forGood, { endsAt: null })
    await givenAccess(forATerm, { endsAt: ctx.clock.now() + 3 * dayMs })
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 0 })
    expect(await countRows(ctx, 'mails')).toBe(0)
  })

  it('does not remind a pass that lapsed, was revoked or has already ended', async () => {
    const tier = await tierWithPass()
    await givenAccess(tier, { endsAt: ctx.clock.now() + 3 * dayMs, state: 'lapsed' })
    await givenAccess(tier, { endsAt: ctx.clock.now() + 3 * dayMs, state: 'revoked' })
    await givenAccess(tier, { endsAt: ctx.clock.now() - 1 })
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 0 })
  })

  it('does not remind a card subscription, which renews by itself', async () => {
    const tier = await tierWithPass()
    await givenAccess(tier, { interval: 'year', endsAt: ctx.clock.now() + 3 * dayMs })
    await givenAccess(tier, { interval: 'year', endsAt: ctx.clock.now() + 3 * dayMs, source: 'subscription' })
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 0 })
  })

  it('does not remind a buyer who already bought the next pass', async () => {
    const tier = await tierWithPass()
    const first = await givenAccess(tier, {
      endsAt: ctx.clock.now() + 3 * dayMs,
      email: 'reader@example.com',
    })
    const other = await givenAccess(tier, { endsAt: ctx.clock.now() + 3 * dayMs })
    // The next pass: same buyer and tier, starting where the first ends.
    const now = ctx.clock.now()
    const price = tier.prices.find((p) => p.interval === 'once')
    await ctx.deps.db.batch([
      ctx.deps.db.insert(orders).values({
        id: newId('order', now),
        creatorId,
        offerId: tier.id,
        priceId: price?.id ?? '',
        buyerId: first.buyerId,
        mode: 'payment',
        amount: 20000,
        currency: 'CNY',
        status: 'paid',
        createdAt: now,
        updatedAt: now,
      }),
      ctx.deps.db.insert(entitlements).values({
        id: newId('entitlement', now),
        creatorId,
        buyerId: first.buyerId,
        offerId: tier.id,
        source: 'order',
        sourceId: 'ord_next',
        startsAt: now + 3 * dayMs,
        endsAt: now + 368 * dayMs,
        createdAt: now,
        updatedAt: now,
      }),
    ])
    expect(await queuePassReminders(ctx.deps)).toEqual({ queued: 1 })
    const rows = await reminderMails()
    expect(rows.map((row) => row.dedupe_key)).toEqual([`reminder:${other.entitlementId}`])
  })

  it('falls back to the creator’s locale when the buyer has none', async () => {
    const tier = await tierWithPass()
    await givenAccess(tier, { endsAt: ctx.clock.now() + 2 * dayMs, locale: null })
    await queuePassReminders(ctx.deps)
    expect((await reminderMails())[0]?.subject).toMatch(/^「读书会会员」将于 .* 到期$/)
  })

  it('two runs at the same time queue one reminder', async () => {
    const tier = await tierWithPass()
    await givenAccess(tier, { endsAt: ctx.clock.now() + 2 * dayMs })
    const results = await Promise.all([queuePassReminders(ctx.deps), queuePassReminders(ctx.deps)])
    expect(results.map((r) => r.queued).sort()).toEqual([0, 1])
    expect(await countRows(ctx, 'mails')).toBe(1)
  })

  it('refuses to run without PUBLIC_URL, which the renew link needs', async () => {
    const deps = { ...ctx.deps, config: { ...ctx.deps.config, PUBLIC_URL: undefined } }
    await expect(queuePassReminders(deps)).rejects.toThrow('PUBLIC_URL')
  })
})

describe('queuePassReminders after a real pass purchase', () => {
  it('reminds the buyer of a wallet pass bought through Checkout a week before it ends', async () => {
    const payments = await createPaymentsContext()
    const { ctx: paid, fake } = payments
    try {
      const creator = await givenCreator(paid)
      const tier = await api(paid, 'POST', '/api/v1/offers', {
        key: creator.key,
        body: tierBody({
          status: 'live',
          prices: [
            { amount: 20000, currency: 'CNY', interval: 'year' },
            { amount: 3000, currency: 'CNY', interval: 'once', term_days: 30 },
          ],
        }),
      })
      expect(tier.status).toBe(201)
      const location =
        (await paid.app.request(`/buy/${tier.body.id}?rail=wallet`)).headers.get('location') ?? ''
      const report = await deliverToApp(
        payments,
        fake.completeSession(location.split('/').pop() ?? '', { email: 'pass@example.com' }),
      )
      expect(report.undelivered).toEqual([])
      expect(await countRows(paid, 'entitlements')).toBe(1)

      paid.clock.advance(22 * dayMs) // 8 days left
      expect(await queuePassReminders(paid.deps)).toEqual({ queued: 0 })
      paid.clock.advance(dayMs) // 7 days left
      expect(await queuePassReminders(paid.deps)).toEqual({ queued: 1 })
      // The purchase also queued its receipt; the reminder is the mail keyed by the entitlement.
      const reminders = await paid.sql.execute(
        `select "to", text from mails where dedupe_key like 'reminder:%'`,
      )
      expect(reminders.rows).toHaveLength(1)
      expect(reminders.rows[0]?.to).toBe('pass@example.com')
      expect(String(reminders.rows[0]?.text)).toContain(`/buy/${tier.body.id}?rail=wallet`)
    } finally {
      fake.close()
    }
  })
})

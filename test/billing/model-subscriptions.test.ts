/**
 * Model-based test of card subscriptions: random histories (renewals, failed renewals, recoveries, price changes,
 * tier upgrades, downgrades scheduled for the period end and cancelled again, cancellations now or at period end)
 * are played on the local Stripe. After each step some of the events so far are delivered (shuffled, duplicated,
 * concurrently) and the rest wait; at the end everything left is delivered the same way. The final tier's
 * entitlement must match the subscription's final status (active → active, past_due → grace, canceled →
 * lapsed) and end when it says (period end, grace end, ended_at), every other tier it held must be lapsed, and each entitlement
 * was granted once. The reference model tracks the tier itself (up now; down at the next period), independently
 * of the app's `effectiveTier` rule.
 */
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeStripe, seededRandom } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { tierBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext } from '../payments'

const histories = Number(process.env.MODEL_SUBSCRIPTION_HISTORIES ?? 200)
const seed = Number(process.env.MODEL_SEED ?? 20261123)

let ctx: TestContext
let fake: FakeStripe
let payments: PaymentsContext
const tiers = { silver: { id: '', amount: 20000 }, gold: { id: '', amount: 120000 } }
type Tier = keyof typeof tiers

beforeAll(async () => {
  payments = await createPaymentsContext({ seed })
  ;({ ctx, fake } = payments)
  const { key } = await givenCreator(ctx)
  for (const [name, tier] of Object.entries(tiers)) {
    const body = tierBody({
      slug: name,
      rank: name === 'gold' ? 2 : 1,
      status: 'live',
      prices: [{ amount: tier.amount, currency: 'CNY', interval: 'year' }],
    })
    tier.id = (await api(ctx, 'POST', '/api/v1/offers', { key, body })).body.id
  }
})
afterAll(() => fake.close())

type Status = 'active' | 'past_due' | 'canceled'
const expectedState: Record<Status, string> = { active: 'active', past_due: 'grace', canceled: 'lapsed' }

/**
 * When the final tier's access ends, from the subscription as the fake Stripe holds it at the end: its period
 * end while active, the creator's grace days (3) from the failed renewal while past_due, its end once canceled.
 */
function expectedEnd(subscriptionId: string, status: Status): number {
  const subscription = fake.object<{
    ended_at: number | null
    items: { data: { current_period_start: number; current_period_end: number }[] }
  }>(subscriptionId)
  const item = subscription.items.data[0]
  if (!item) return Number.NaN
  if (status === 'active') return item.current_period_end * 1000
  if (status === 'past_due') return item.current_period_start * 1000 + 3 * dayMs
  return (subscription.ended_at ?? item.current_period_end) * 1000
}

async function playHistory(random: () => number, index: number) {
  let tier: Tier = random() < 0.5 ? 'silver' : 'gold'
  let pending: Tier | null = null
  const bought = await ctx.app.request(`/buy/${tiers[tier].id}?rail=card`)
  // Said plainly when it happens: a refused checkout would otherwise surface as a missing session id.
  if (bought.status !== 303)
    throw new Error(`history ${index}: /buy answered ${bought.status} ${await bought.text()}`)
  const location = bought.headers.get('location') ?? ''
  const sessionId = location.split('/').pop() ?? ''
  let waiting: Stripe.Event[] = [...fake.completeSession(sessionId, { email: `member${index}@example.com` })]
  const subscriptionId = fake.object<{ subscription: string }>(sessionId)?.subscription ?? ''
  const trace = [`subscribe ${tier}`]
  let status: Status = 'active'
  let cancelAtPeriodEnd = false
  // A new period begins: a downgrade waiting for it takes over.
  const periodBegins = () => {
    if (pending) tier = pending
    pending = null
  }
  const steps = Math.floor(random() * 6)
  for (let step = 0; step < steps && status !== 'canceled'; step++) {
    const roll = random()
    const events: Stripe.Event[] = []
    if (roll < 0.25 && status === 'active') {
      ctx.clock.advance(366 * dayMs)
      events.push(...fake.renewSubscription(subscriptionId))
      // A subscription set to cancel at period end ends at its renewal instead.
      if (cancelAtPeriodEnd) status = 'canceled'
      else periodBegins()
      trace.push(cancelAtPeriodEnd ? 'renew→end' : 'renew')
    } else if (roll < 0.4 && status === 'active' && !cancelAtPeriodEnd) {
      ctx.clock.advance(366 * dayMs)
      events.push(...fake.failInvoice(subscriptionId))
      status = 'past_due'
      periodBegins()
      trace.push('fail')
    } else if (roll < 0.52 && status === 'past_due') {
      events.push(...fake.recoverSubscription(subscriptionId))
      status = 'active'
      trace.push('recover')
    } else if (roll < 0.6) {
      events.push(
        ...fake.changeSubscriptionPrice(subscriptionId, { unit_amount: 1000 + Math.floor(random() * 9000) }),
      )
      trace.push('price')
    } else if (roll < 0.75) {
      // The metadata protocol of POST /api/v1/subscriptions/{id}/tier, applied at Stripe directly so that its
      // events can arrive late like any other.
      ctx.clock.advance(dayMs)
      const periodEnd = fake.object<{ items: { data: { current_period_end: number }[] } }>(subscriptionId)
        ?.items.data[0]?.current_period_end
      const clear = { pending_offer_id: '', pending_from: '' }
      if (tier === 'silver') {
        events.push(
          ...fake.changeSubscriptionPrice(subscriptionId, {
            unit_amount: tiers.gold.amount,
            metadata: { offer_id: tiers.gold.id, ...clear },
          }),
        )
        tier = 'gold'
        pending = null
        trace.push('upgrade')
      } else if (!pending) {
        events.push(
          ...fake.changeSubscriptionPrice(subscriptionId, {
            unit_amount: tiers.silver.amount,
            metadata: { pending_offer_id: tiers.silver.id, pending_from: String(periodEnd) },
          }),
        )
        pending = 'silver'
        trace.push('downgrade@end')
      } else {
        events.push(
          ...fake.changeSubscriptionPrice(subscriptionId, {
            unit_amount: tiers.gold.amount,
            metadata: clear,
          }),
        )
        pending = null
        trace.push('keep gold')
      }
    } else if (roll < 0.85 && !cancelAtPeriodEnd) {
      events.push(...fake.cancelSubscription(subscriptionId, { atPeriodEnd: true }))
      cancelAtPeriodEnd = true
      trace.push('cancel@end')
    } else if (roll >= 0.85) {
      events.push(...fake.cancelSubscription(subscriptionId, { atPeriodEnd: false }))
      status = 'canceled'
      trace.push('cancel')
    }
    waiting.push(...events)
    // Some of what happened so far is delivered now (hostile), the rest waits for the end.
    if (random() < 0.5) {
      await deliverToApp(payments, waiting, {
        seed: Math.floor(random() * 1e9),
        shuffle: true,
        duplicates: 1,
        concurrency: 2,
      })
      waiting = []
    }
  }
  return { waiting, status, tier, trace, subscriptionId }
}

describe('model: card subscriptions under hostile delivery', () => {
  it(`${histories} random histories end in the state of the final subscription (seed ${seed})`, async () => {
    const random = seededRandom(seed)
    const played = []
    for (let index = 0; index < histories; index++) played.push(await playHistory(random, index))
    const report = await deliverToApp(
      payments,
      played.flatMap((history) => history.waiting),
      { seed, shuffle: true, duplicates: 1, concurrency: 4 },
    )
    expect(report.undelivered).toEqual([])
    const rows = await ctx.sql.execute(
      "select source_id, offer_id, state, ends_at from entitlements where source = 'subscription'",
    )
    const mismatches = played.flatMap((history, index) => {
      const held = rows.rows.filter((row) => row.source_id === history.subscriptionId)
      const expected = tiers[history.tier].id
      const final = held.find((row) => row.offer_id === expected)
      const others = held.filter((row) => row.offer_id !== expected && row.state !== 'lapsed')
      return final?.state === expectedState[history.status] &&
        Number(final.ends_at) === expectedEnd(history.subscriptionId, history.status) &&
        others.length === 0
        ? []
        : [
            `#${index} ${history.trace.join(' → ')}: expected ${history.tier} ${expectedState[history.status]}, ` +
              `got ${held.map((row) => `${row.offer_id === tiers.gold.id ? 'gold' : 'silver'} ${row.state} until ${row.ends_at}`).join(', ')}` +
              ` (expected until ${expectedEnd(history.subscriptionId, history.status)})`,
          ]
    })
    expect(mismatches, `seed ${seed}`).toEqual([])
    // Each entitlement was granted exactly once, however often its events were delivered.
    const grants = await ctx.sql.execute(
      "select count(*) as n from entitlement_changes c join entitlements e on e.id = c.entitlement_id where c.change = 'grant' and e.source = 'subscription'",
    )
    expect(Number(grants.rows[0]?.n)).toBe(rows.rows.length)
  }, 300_000)
})

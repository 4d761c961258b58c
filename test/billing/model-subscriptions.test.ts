/**
 * Model-based test of card subscriptions: random histories (renewals, failed renewals, recoveries, price changes,
 * cancellations now or at period end) are played on the local Stripe, then all their events are delivered to the
 * webhook shuffled, duplicated and concurrently. Each handler re-reads the subscription, so the final entitlement
 * must match the subscription's final status: active/trialing → active, past_due → grace, canceled → lapsed.
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
let tierId: string

beforeAll(async () => {
  payments = await createPaymentsContext({ seed })
  ;({ ctx, fake } = payments)
  const { key } = await givenCreator(ctx)
  tierId = (await api(ctx, 'POST', '/api/v1/offers', { key, body: tierBody({ status: 'live' }) })).body.id
})
afterAll(() => fake.close())

type Status = 'active' | 'past_due' | 'canceled'
const expectedState: Record<Status, string> = { active: 'active', past_due: 'grace', canceled: 'lapsed' }

async function playHistory(random: () => number, index: number) {
  const location = (await ctx.app.request(`/buy/${tierId}?rail=card`)).headers.get('location') ?? ''
  const sessionId = location.split('/').pop() ?? ''
  const events: Stripe.Event[] = [...fake.completeSession(sessionId, { email: `member${index}@example.com` })]
  const subscriptionId = fake.object<{ subscription: string }>(sessionId)?.subscription ?? ''
  const trace = ['subscribe']
  let status: Status = 'active'
  let cancelAtPeriodEnd = false
  const steps = Math.floor(random() * 5)
  for (let step = 0; step < steps && status !== 'canceled'; step++) {
    const roll = random()
    if (roll < 0.3 && status === 'active') {
      ctx.clock.advance(366 * dayMs)
      events.push(...fake.renewSubscription(subscriptionId))
      // A subscription set to cancel at period end ends at its renewal instead.
      status = cancelAtPeriodEnd ? 'canceled' : 'active'
      trace.push(cancelAtPeriodEnd ? 'renew→end' : 'renew')
    } else if (roll < 0.5 && status === 'active' && !cancelAtPeriodEnd) {
      ctx.clock.advance(366 * dayMs)
      events.push(...fake.failInvoice(subscriptionId))
      status = 'past_due'
      trace.push('fail')
    } else if (roll < 0.65 && status === 'past_due') {
      events.push(...fake.recoverSubscription(subscriptionId))
      status = 'active'
      trace.push('recover')
    } else if (roll < 0.75) {
      events.push(
        ...fake.changeSubscriptionPrice(subscriptionId, { unit_amount: 1000 + Math.floor(random() * 9000) }),
      )
      trace.push('price')
    } else if (roll < 0.85 && !cancelAtPeriodEnd) {
      events.push(...fake.cancelSubscription(subscriptionId, { atPeriodEnd: true }))
      cancelAtPeriodEnd = true
      trace.push('cancel@end')
    } else if (roll >= 0.85) {
      events.push(...fake.cancelSubscription(subscriptionId, { atPeriodEnd: false }))
      status = 'canceled'
      trace.push('cancel')
    }
  }
  return { events, status, trace, subscriptionId }
}

describe('model: card subscriptions under hostile delivery', () => {
  it(`${histories} random histories end in the state of the final subscription (seed ${seed})`, async () => {
    const random = seededRandom(seed)
    const played = []
    for (let index = 0; index < histories; index++) played.push(await playHistory(random, index))
    const report = await deliverToApp(
      payments,
      played.flatMap((history) => history.events),
      { seed, shuffle: true, duplicates: 1, concurrency: 4 },
    )
    expect(report.undelivered).toEqual([])
    const rows = await ctx.sql.execute(
      "select source_id, state from entitlements where source = 'subscription'",
    )
    const stateBySubscription = new Map(rows.rows.map((row) => [String(row.source_id), String(row.state)]))
    const mismatches = played.flatMap((history, index) => {
      const state = stateBySubscription.get(history.subscriptionId) ?? null
      const expected = expectedState[history.status]
      return state === expected
        ? []
        : [`#${index} ${history.trace.join(' → ')}: expected ${expected}, got ${state}`]
    })
    expect(mismatches, `seed ${seed}`).toEqual([])
    const grants = await ctx.sql.execute(
      "select count(*) as n from entitlement_changes where change = 'grant'",
    )
    expect(Number(grants.rows[0]?.n)).toBe(histories)
  }, 300_000)
})

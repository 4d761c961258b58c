/**
 * Model-based test of one-time purchases: random histories (payment, async wallet payments, partial and full
 * refunds, disputes won and lost) are played on the fake Stripe, then all their events are delivered to the
 * webhook shuffled, duplicated and concurrently. The final access of every order must equal a small reference
 * model of the effects table. Seeded: a failure prints the seed and the history that broke it.
 */
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeStripe, seededRandom } from '../../src/dev/local-stripe'
import { courseBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext } from '../payments'

const histories = Number(process.env.MODEL_HISTORIES ?? 1000)
const seed = Number(process.env.MODEL_SEED ?? 20261123)

let ctx: TestContext
let fake: FakeStripe
let offerId: string

let payments: PaymentsContext

beforeAll(async () => {
  payments = await createPaymentsContext({ seed })
  ;({ ctx, fake } = payments)
  const { key } = await givenCreator(ctx)
  offerId = (await api(ctx, 'POST', '/api/v1/offers', { key, body: courseBody({ status: 'live' }) })).body.id
})
afterAll(() => fake.close())

interface Model {
  paid: boolean
  fullyRefunded: boolean
  dispute: 'none' | 'open' | 'won' | 'lost'
}

const modelAccess = (model: Model) =>
  model.paid && !model.fullyRefunded && model.dispute !== 'open' && model.dispute !== 'lost'

/** Plays one random history on the fake; returns its events, the model's verdict and a readable trace. */
async function playHistory(random: () => number, index: number) {
  const location = (await ctx.app.request(`/buy/${offerId}`)).headers.get('location') ?? ''
  const sessionId = location.split('/').pop() ?? ''
  const trace: string[] = []
  const events: Stripe.Event[] = []
  const model: Model = { paid: false, fullyRefunded: false, dispute: 'none' }
  const wallet = random() < 0.3
  events.push(
    ...fake.completeSession(sessionId, {
      email: `buyer${index}@example.com`,
      paymentStatus: wallet ? 'unpaid' : 'paid',
    }),
  )
  trace.push(wallet ? 'complete(unpaid)' : 'complete(paid)')
  if (wallet) {
    if (random() < 0.2) {
      events.push(...fake.asyncPaymentFailed(sessionId))
      trace.push('async_failed')
      return { events, model, trace }
    }
    events.push(...fake.asyncPaymentSucceeded(sessionId))
    trace.push('async_succeeded')
  }
  model.paid = true
  const session = fake.object<{ payment_intent: string }>(sessionId)
  const charge = fake
    .objects<{ id: string; payment_intent: string; amount: number; amount_refunded: number }>('charge')
    .find((candidate) => candidate.payment_intent === session?.payment_intent)
  if (!charge) throw new Error(`no charge for ${sessionId}`)
  let disputeId = ''
  const steps = Math.floor(random() * 4)
  for (let step = 0; step < steps; step++) {
    ctx.clock.advance(60_000)
    const roll = random()
    // The fake hands out copies: read the charge's current refunded amount each step.
    const current = fake.object<{ amount: number; amount_refunded: number }>(charge.id)
    const remaining = (current?.amount ?? 0) - (current?.amount_refunded ?? 0)
    if (model.dispute === 'open') {
      const outcome = roll < 0.5 ? 'won' : 'lost'
      events.push(...fake.closeDispute(disputeId, outcome))
      model.dispute = outcome
      trace.push(`dispute_${outcome}`)
    } else if (roll < 0.35 && remaining > 1 && !model.fullyRefunded) {
      events.push(...fake.refundCharge(charge.id, Math.floor(remaining / 2)))
      trace.push('partial_refund')
    } else if (roll < 0.65 && remaining > 0 && !model.fullyRefunded) {
      events.push(...fake.refundCharge(charge.id))
      model.fullyRefunded = true
      trace.push('full_refund')
    } else if (model.dispute === 'none' && !model.fullyRefunded) {
      const opened = fake.openDispute(charge.id)
      disputeId = (opened[0]?.data.object as { id?: string } | undefined)?.id ?? ''
      events.push(...opened)
      model.dispute = 'open'
      trace.push('dispute_open')
    }
  }
  return { events, model, trace }
}

describe('model: one-time purchases under hostile delivery', () => {
  it(`${histories} random histories converge to the reference model (seed ${seed})`, async () => {
    const random = seededRandom(seed)
    const played = []
    for (let index = 0; index < histories; index++) played.push(await playHistory(random, index))
    const report = await deliverToApp(
      payments,
      played.flatMap((history) => history.events),
      {
        seed,
        shuffle: true,
        duplicates: 1,
        concurrency: 4,
      },
    )
    expect(report.undelivered).toEqual([])

    const rows = await ctx.sql.execute(`select b.email, e.state, e.source_id from buyers b
      left join entitlements e on e.buyer_id = b.id`)
    const stateByEmail = new Map(rows.rows.map((row) => [String(row.email), row.state as string | null]))
    const grants = await ctx.sql.execute(
      "select count(*) as n from entitlement_changes where change = 'grant'",
    )
    const mismatches = played.flatMap((history, index) => {
      const state = stateByEmail.get(`buyer${index}@example.com`) ?? null
      const expected = modelAccess(history.model) ? 'active' : history.model.paid ? 'revoked' : null
      // A purchase refunded or disputed before its grant is applied never creates an entitlement at all.
      const ok = state === expected || (expected === 'revoked' && state === null)
      return ok ? [] : [`#${index} ${history.trace.join(' → ')}: expected ${expected}, got ${state}`]
    })
    expect(mismatches, `seed ${seed}`).toEqual([])
    expect(Number(grants.rows[0]?.n)).toBeLessThanOrEqual(histories)
  }, 300_000)
})

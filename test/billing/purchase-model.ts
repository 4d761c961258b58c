/**
 * The reference model of one-time purchase histories, shared by the model test (test/billing/model.test.ts) and
 * the crash test (test/faults/crash.faults.ts): a seeded random history (payment, async wallet payments, partial
 * and full refunds, disputes won and lost) is played on the fake Stripe, and a small model of the effects table
 * says what access the buyer must end with, whatever order the events arrive in.
 */
import type Stripe from 'stripe'
import type { FakeStripe } from '../../src/dev/local-stripe'

export interface PurchaseModel {
  paid: boolean
  fullyRefunded: boolean
  dispute: 'none' | 'open' | 'won' | 'lost'
}

export interface PlayedHistory {
  events: Stripe.Event[]
  model: PurchaseModel
  /** Readable steps, for a failure message. */
  trace: string[]
}

export const modelAccess = (model: PurchaseModel) =>
  model.paid && !model.fullyRefunded && model.dispute !== 'open' && model.dispute !== 'lost'

/**
 * The entitlement state the model expects, and whether `state` matches it. A purchase refunded or disputed
 * before its grant is applied never creates an entitlement at all, so `revoked` also accepts none.
 */
export function matchesModel(
  model: PurchaseModel,
  state: string | null,
): { ok: boolean; expected: string | null } {
  const expected = modelAccess(model) ? 'active' : model.paid ? 'revoked' : null
  return { ok: state === expected || (expected === 'revoked' && state === null), expected }
}

export interface HistoryPlayer {
  fake: FakeStripe
  /** Starts a checkout the way a buyer does (`GET /buy/:offer`); answers the session id. */
  checkout(): Promise<string>
  /** Lets time pass between steps (the test clock, or nothing when the clock is real). */
  advance(ms: number): void
}

/** Plays one random history on the fake; returns its events, the model's verdict and a readable trace. */
export async function playHistory(
  { fake, checkout, advance }: HistoryPlayer,
  random: () => number,
  index: number,
): Promise<PlayedHistory> {
  const sessionId = await checkout()
  const trace: string[] = []
  const events: Stripe.Event[] = []
  const model: PurchaseModel = { paid: false, fullyRefunded: false, dispute: 'none' }
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
    advance(60_000)
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

/**
 * Compares every history's final entitlement (looked up by its buyer's email) with the model; one line per
 * mismatch. `stateByEmail` maps buyer emails to their entitlement state (null: none).
 */
export function modelMismatches(played: PlayedHistory[], stateByEmail: Map<string, string | null>): string[] {
  return played.flatMap((history, index) => {
    const state = stateByEmail.get(`buyer${index}@example.com`) ?? null
    const { ok, expected } = matchesModel(history.model, state)
    return ok ? [] : [`#${index} ${history.trace.join(' → ')}: expected ${expected}, got ${state}`]
  })
}

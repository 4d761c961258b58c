/**
 * Our webhook verifier (src/billing/webhook-signature.ts) against the SDK's `webhooks.constructEventAsync`:
 * headers signed by the SDK, then tampered, stale, from the future, garbled, with several v1 entries. Every case
 * goes through both, and both must accept the same ones (with the same event) and refuse the same ones.
 */
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { verifyStripeWebhook, WebhookSignatureError } from '../../src/billing/webhook-signature'

const secret = 'whsec_test_signature_0123456789'
const tolerance = 300
const nowMs = Date.UTC(2026, 2, 1, 12, 0, 0, 456)
const now = Math.floor(nowMs / 1000)
const payload = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'checkout.session.completed',
  created: now,
  data: { object: { id: 'cs_1', customer_details: { email: 'Reader@Example.com' }, note: '会员 ✓' } },
})
const cryptoProvider = Stripe.createSubtleCryptoProvider()

const sign = (options: { payload?: string; secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderString({
    payload: options.payload ?? payload,
    secret: options.secret ?? secret,
    timestamp: options.timestamp ?? now,
  })
/** The hex signature of an SDK header. */
const v1Of = (header: string) =>
  header
    .split(',')
    .find((part) => part.startsWith('v1='))
    ?.slice(3) ?? ''

type Outcome = { accepted: true; id: string } | { accepted: false }

async function settle(verify: () => Promise<Stripe.Event>): Promise<Outcome> {
  try {
    return { accepted: true, id: (await verify()).id }
  } catch {
    return { accepted: false }
  }
}

interface Case {
  header: string
  payload?: string
  secret?: string
  tolerance?: number
}

/** Runs a case through the SDK and through ours; they must agree, and ours refuses with its own error. */
async function compare({ header, ...rest }: Case): Promise<Outcome> {
  const body = rest.payload ?? payload
  const key = rest.secret ?? secret
  const seconds = rest.tolerance ?? tolerance
  const fromSdk = await settle(() =>
    Stripe.webhooks.constructEventAsync(body, header, key, seconds, cryptoProvider, nowMs),
  )
  const fromOurs = await settle(() =>
    verifyStripeWebhook(body, header, key, { toleranceSeconds: seconds, nowMs }),
  )
  expect(fromOurs, `header ${JSON.stringify(header)}`).toEqual(fromSdk)
  if (!fromOurs.accepted && body)
    await expect(
      verifyStripeWebhook(body, header, key, { toleranceSeconds: seconds, nowMs }),
    ).rejects.toBeInstanceOf(WebhookSignatureError)
  return fromOurs
}

describe('verifyStripeWebhook agrees with the SDK', () => {
  it('accepts a header the SDK signed, and answers the event', async () => {
    expect(await compare({ header: sign() })).toEqual({ accepted: true, id: 'evt_1' })
    const event = await verifyStripeWebhook(payload, sign(), secret, { toleranceSeconds: tolerance, nowMs })
    expect(event).toEqual(JSON.parse(payload))
  })

  it('refuses a tampered payload, a wrong secret and a changed signature', async () => {
    const header = sign()
    const flipped = v1Of(header).replace(/^./, (char) => (char === 'a' ? 'b' : 'a'))
    const cases: Case[] = [
      { header, payload: payload.replace('Reader@Example.com', 'thief@example.com') },
      { header, payload: `${payload} ` },
      { header: sign({ secret: 'whsec_other' }) },
      { header, secret: 'whsec_other' },
      { header: `t=${now},v1=${flipped}` },
      { header: `t=${now},v1=${v1Of(header).slice(0, -1)}` },
      { header: `t=${now + 1},v1=${v1Of(header)}` },
    ]
    for (const refused of cases) expect(await compare(refused)).toEqual({ accepted: false })
  })

  it('keeps each secret’s key apart while secrets are rolled, past the keys it keeps', async () => {
    const secrets = Array.from({ length: 7 }, (_, index) => `whsec_rolled_${index}`)
    for (const round of [1, 2])
      for (const [index, current] of secrets.entries()) {
        const previous = secrets[(index + secrets.length - 1) % secrets.length] ?? ''
        expect(
          await compare({ header: sign({ secret: current }), secret: current }),
          `round ${round}`,
        ).toEqual({
          accepted: true,
          id: 'evt_1',
        })
        expect(await compare({ header: sign({ secret: previous }), secret: current })).toEqual({
          accepted: false,
        })
      }
  })

  it('refuses a signature older than the tolerance, and accepts one at its edge or with tolerance 0', async () => {
    expect(await compare({ header: sign({ timestamp: now - 301 }) })).toEqual({ accepted: false })
    expect(await compare({ header: sign({ timestamp: now - 86_400 }) })).toEqual({ accepted: false })
    expect(await compare({ header: sign({ timestamp: now - 300 }) })).toMatchObject({ accepted: true })
    expect(await compare({ header: sign({ timestamp: now - 86_400 }), tolerance: 0 })).toMatchObject({
      accepted: true,
    })
  })

  it('accepts a timestamp from the future, as the SDK does (only the secret can sign one)', async () => {
    expect(await compare({ header: sign({ timestamp: now + 301 }) })).toMatchObject({ accepted: true })
    expect(await compare({ header: sign({ timestamp: now + 86_400 }) })).toMatchObject({ accepted: true })
  })

  it('accepts any one matching v1 among several (a secret being rolled), ignoring v0', async () => {
    const good = v1Of(sign())
    const other = v1Of(sign({ secret: 'whsec_old' }))
    for (const header of [
      `t=${now},v1=${other},v1=${good}`,
      `t=${now},v1=${good},v1=${other}`,
      `t=${now},v0=${other},v1=${good}`,
      `v1=${good},t=${now}`,
    ])
      expect(await compare({ header })).toMatchObject({ accepted: true })
    expect(await compare({ header: `t=${now},v1=${other},v1=deadbeef` })).toEqual({ accepted: false })
  })

  it('refuses a missing v1, a missing or garbled timestamp, and garbage', async () => {
    const good = v1Of(sign())
    for (const header of [
      `t=${now}`,
      `t=${now},v0=${good}`,
      `t=${now},V1=${good}`,
      `t=${now}, v1=${good}`,
      `v1=${good}`,
      `t=,v1=${good}`,
      `t=abc,v1=${good}`,
      'garbage',
      ',,,',
      '=',
    ])
      expect(await compare({ header })).toEqual({ accepted: false })
  })

  it('refuses an empty header, payload or secret', async () => {
    const header = sign()
    expect(await compare({ header: '' })).toEqual({ accepted: false })
    expect(await compare({ header, payload: '' })).toEqual({ accepted: false })
    expect(await compare({ header, secret: '' })).toEqual({ accepted: false })
    expect(await compare({ header, secret: '  ' })).toEqual({ accepted: false })
  })
})

import { describe, expect, it } from 'vitest'
import { offerShapeErrors } from './offer-rules'
import { slotIntervalErrors } from './slots'

const yearly = { amount: 20000, currency: 'CNY', interval: 'year' as const }
const pass = { amount: 20000, currency: 'CNY', interval: 'once' as const, term_days: 365 }

describe('offerShapeErrors', () => {
  it('accepts a tier sold by card subscription and as a wallet pass', () => {
    expect(offerShapeErrors({ kind: 'tier', rank: 1, prices: [yearly, pass] })).toEqual([])
  })

  it('refuses two passes of the same term on one tier', () => {
    expect(offerShapeErrors({ kind: 'tier', rank: 1, prices: [pass, { ...pass, amount: 1 }] })).toEqual([
      {
        path: 'prices.1',
        message: 'duplicate price for the same interval and term',
        code: 'duplicate_price',
        params: {},
      },
    ])
  })

  it('refuses term_days on a subscription price', () => {
    expect(offerShapeErrors({ kind: 'tier', rank: 1, prices: [{ ...yearly, term_days: 30 }] })[0]?.path).toBe(
      'prices.0.term_days',
    )
  })

  it('refuses a course with two prices, and a consultation sold per term', () => {
    expect(offerShapeErrors({ kind: 'course', prices: [pass, pass] }).map((error) => error.path)).toEqual([
      'prices',
    ])
    expect(
      offerShapeErrors({ kind: 'consultation', duration_minutes: 30, prices: [pass] }).map(
        (error) => error.path,
      ),
    ).toEqual(['prices.0.term_days'])
  })

  it('refuses kind-specific fields on the wrong kind', () => {
    const errors = offerShapeErrors({
      kind: 'course',
      prices: [{ ...pass, term_days: null }],
      rank: 1,
      trial_days: 7,
      included_offer_ids: ['off_x'],
      duration_minutes: 30,
      group: { platform: 'wechat', instructions: 'hi' },
    })
    expect(errors.map((error) => error.path)).toEqual([
      'rank',
      'trial_days',
      'included_offer_ids',
      'duration_minutes',
      'group',
    ])
  })

  it('accepts a group with only joining instructions', () => {
    expect(
      offerShapeErrors({
        kind: 'group',
        prices: [pass],
        group: { platform: 'other', instructions: 'Add me' },
      }),
    ).toEqual([])
  })
})

describe('slotIntervalErrors', () => {
  const now = 1_000
  it('treats touching slots as not overlapping', () => {
    expect(
      slotIntervalErrors([{ startsAt: 2_000, endsAt: 3_000 }], [{ startsAt: 3_000, endsAt: 4_000 }], now),
    ).toEqual([])
  })
  it('finds overlaps with existing slots and within the request', () => {
    const errors = slotIntervalErrors(
      [
        { startsAt: 2_000, endsAt: 3_000 },
        { startsAt: 2_500, endsAt: 3_500 },
      ],
      [{ startsAt: 2_900, endsAt: 5_000 }],
      now,
    )
    expect(errors.map((error) => `${error.path} ${error.message}`)).toEqual([
      'slots.0 overlaps an existing slot of this consultation',
      'slots.1 overlaps an existing slot of this consultation',
      'slots.1 overlaps another slot in this request',
    ])
  })
})

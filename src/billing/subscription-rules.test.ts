import { describe, expect, it } from 'vitest'
import { dayMs } from '../lib/time'
import { effectiveTier, planTierChange, subscriptionAccess } from './subscription-rules'

const period = { currentPeriodStart: 1_000_000, currentPeriodEnd: 1_000_000 + 365 * 86_400, endedAt: null }

describe('subscriptionAccess', () => {
  it('grants active and trialing subscriptions until the period end', () => {
    for (const status of ['active', 'trialing'])
      expect(subscriptionAccess({ ...period, status }, 3)).toEqual({
        state: 'active',
        endsAt: period.currentPeriodEnd * 1000,
        graceEndsAt: null,
      })
  })

  it('gives a past-due subscription the grace days from the failed renewal', () => {
    const graceEnd = period.currentPeriodStart * 1000 + 3 * dayMs
    expect(subscriptionAccess({ ...period, status: 'past_due' }, 3)).toEqual({
      state: 'grace',
      endsAt: graceEnd,
      graceEndsAt: graceEnd,
    })
  })

  it('lapses a canceled subscription when it ended, and grants nothing while incomplete', () => {
    expect(subscriptionAccess({ ...period, status: 'canceled', endedAt: 1_500_000 }, 3)).toMatchObject({
      state: 'lapsed',
      endsAt: 1_500_000_000,
    })
    expect(subscriptionAccess({ ...period, status: 'incomplete' }, 3).state).toBeNull()
  })
})

describe('effectiveTier', () => {
  it('is the sold tier until a scheduled downgrade’s period begins', () => {
    const metadata = { offer_id: 'off_gold', pending_offer_id: 'off_silver', pending_from: '2000' }
    expect(effectiveTier(metadata, 1000)).toEqual({ offerId: 'off_gold', pendingOfferId: 'off_silver' })
    expect(effectiveTier(metadata, 1999)).toEqual({ offerId: 'off_gold', pendingOfferId: 'off_silver' })
    expect(effectiveTier(metadata, 2000)).toEqual({ offerId: 'off_silver', pendingOfferId: null })
    expect(effectiveTier(metadata, 5000)).toEqual({ offerId: 'off_silver', pendingOfferId: null })
  })

  it('ignores a pending tier without a valid start, and missing metadata', () => {
    expect(effectiveTier({ offer_id: 'off_a', pending_offer_id: 'off_b' }, 9)).toEqual({
      offerId: 'off_a',
      pendingOfferId: null,
    })
    expect(
      effectiveTier({ offer_id: 'off_a', pending_offer_id: 'off_b', pending_from: 'soon' }, 9).offerId,
    ).toBe('off_a')
    expect(effectiveTier(null, 9)).toEqual({ offerId: '', pendingOfferId: null })
  })
})

describe('planTierChange', () => {
  const base = { currentOfferId: 'off_silver', currentRank: 1, pendingOfferId: null }
  it('moves up (or sideways) now and down at the period end', () => {
    expect(planTierChange({ ...base, targetOfferId: 'off_gold', targetRank: 2 })).toBe('upgrade')
    expect(planTierChange({ ...base, targetOfferId: 'off_other', targetRank: 1 })).toBe('upgrade')
    expect(planTierChange({ ...base, targetOfferId: 'off_bronze', targetRank: 0 })).toBe('downgrade')
  })
  it('cancels a waiting downgrade when asked for the current tier, and otherwise does nothing', () => {
    expect(planTierChange({ ...base, targetOfferId: 'off_silver', targetRank: 1 })).toBeNull()
    expect(
      planTierChange({ ...base, pendingOfferId: 'off_bronze', targetOfferId: 'off_silver', targetRank: 1 }),
    ).toBe('cancel_downgrade')
  })
})

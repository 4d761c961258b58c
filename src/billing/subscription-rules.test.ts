import { describe, expect, it } from 'vitest'
import { dayMs } from '../lib/time'
import { subscriptionAccess } from './subscription-rules'

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

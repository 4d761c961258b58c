import { describe, expect, it } from 'vitest'
import { dayMs } from '../lib/time'
import { effectiveTier, paidRenewalOf, planTierChange, subscriptionAccess } from './subscription-rules'

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

describe('paidRenewalOf', () => {
  const line = {
    period: { start: 2000, end: 3000 },
    parent: { subscription_item_details: { proration: false } },
  }
  const renewal = {
    status: 'paid',
    billing_reason: 'subscription_cycle',
    parent: { subscription_details: { subscription: 'sub_1', metadata: { offer_id: 'off_gold' } } },
    lines: { data: [line], has_more: false },
  }

  it('reads the subscription, the tier and the paid period from a renewal invoice', () => {
    expect(paidRenewalOf(renewal)).toEqual({
      subscriptionId: 'sub_1',
      offerId: 'off_gold',
      periodStart: 2000,
      periodEnd: 3000,
    })
  })

  it('leaves everything but a plain paid renewal to a full read', () => {
    const cases = {
      unpaid: { ...renewal, status: 'open' },
      'first invoice': { ...renewal, billing_reason: 'subscription_create' },
      'tier change': { ...renewal, billing_reason: 'subscription_update' },
      'legacy shape': { ...renewal, parent: null },
      'no tier': { ...renewal, parent: { subscription_details: { subscription: 'sub_1', metadata: {} } } },
      'downgrade waiting': {
        ...renewal,
        parent: {
          subscription_details: {
            subscription: 'sub_1',
            metadata: { offer_id: 'off_gold', pending_offer_id: 'off_silver', pending_from: '9000' },
          },
        },
      },
      proration: {
        ...renewal,
        lines: {
          data: [{ ...line, parent: { subscription_item_details: { proration: true } } }],
          has_more: false,
        },
      },
      'two lines': { ...renewal, lines: { data: [line, line], has_more: false } },
      'more lines': { ...renewal, lines: { data: [line], has_more: true } },
    }
    for (const [name, invoice] of Object.entries(cases)) expect(paidRenewalOf(invoice), name).toBeNull()
  })

  it('applies a downgrade whose period this invoice pays for', () => {
    const invoice = {
      ...renewal,
      parent: {
        subscription_details: {
          subscription: 'sub_1',
          metadata: { offer_id: 'off_gold', pending_offer_id: 'off_silver', pending_from: '2000' },
        },
      },
    }
    expect(paidRenewalOf(invoice)?.offerId).toBe('off_silver')
  })
})

import { describe, expect, it } from 'vitest'
import { dayMs } from '../lib/time'
import { accessWindow, decideOrder } from './order-rules'

describe('decideOrder', () => {
  it('grants on a paid completion, and on a late async success', () => {
    expect(decideOrder('open', 'checkout.session.completed', 'paid')).toEqual({
      status: 'paid',
      grant: true,
      releaseSlot: false,
    })
    expect(decideOrder('open', 'checkout.session.completed', 'unpaid').grant).toBe(false)
    expect(decideOrder('open', 'checkout.session.async_payment_succeeded', 'paid').grant).toBe(true)
  })

  it('is a no-op on replays and never re-grants a refunded or disputed order', () => {
    expect(decideOrder('paid', 'checkout.session.completed', 'paid').grant).toBe(false)
    expect(decideOrder('refunded', 'checkout.session.completed', 'paid')).toEqual({
      status: 'refunded',
      grant: false,
      releaseSlot: false,
    })
    expect(decideOrder('disputed', 'checkout.session.async_payment_succeeded', 'paid').grant).toBe(false)
  })

  it('closes open orders on expiry or failed async payment, releasing the slot, but never a paid one', () => {
    expect(decideOrder('open', 'checkout.session.expired', 'unpaid')).toEqual({
      status: 'expired',
      grant: false,
      releaseSlot: true,
    })
    expect(decideOrder('open', 'checkout.session.async_payment_failed', 'unpaid').status).toBe('failed')
    expect(decideOrder('paid', 'checkout.session.expired', 'unpaid').status).toBe('paid')
  })

  it('lets a payment that arrives after an expiry win', () => {
    expect(decideOrder('expired', 'checkout.session.completed', 'paid').grant).toBe(true)
  })
})

describe('accessWindow', () => {
  const now = Date.UTC(2026, 0, 1)
  it('runs for good without a term, else from now for the term', () => {
    expect(accessWindow(now, null, [])).toEqual({ startsAt: now, endsAt: null })
    expect(accessWindow(now, 365, [])).toEqual({ startsAt: now, endsAt: now + 365 * dayMs })
  })
  it('extends from the end of a running pass, ignoring ended ones', () => {
    const end = now + 10 * dayMs
    expect(accessWindow(now, 30, [now - dayMs, end])).toEqual({ startsAt: end, endsAt: end + 30 * dayMs })
  })
})

import { describe, expect, it } from 'vitest'
import { choosePrice, type PriceRow, railAllows, sessionParams } from './checkout-rules'

const monthly: PriceRow = { id: 'pri_m', amount: 2000, currency: 'CNY', interval: 'month', termDays: null }
const yearly: PriceRow = { id: 'pri_y', amount: 20000, currency: 'CNY', interval: 'year', termDays: null }
const pass: PriceRow = { id: 'pri_p', amount: 20000, currency: 'CNY', interval: 'once', termDays: 365 }
const quarter: PriceRow = { id: 'pri_q', amount: 6000, currency: 'CNY', interval: 'once', termDays: 90 }

describe('choosePrice', () => {
  it('sells the yearly subscription by card and the shortest pass by wallet by default', () => {
    expect(choosePrice([monthly, yearly, pass, quarter], { rail: 'card' }).id).toBe('pri_y')
    expect(choosePrice([monthly, pass], { rail: 'card' }).id).toBe('pri_m')
    expect(choosePrice([monthly, yearly, pass, quarter], { rail: 'wallet' }).id).toBe('pri_q')
  })

  it('takes an explicit active price and refuses an unknown one', () => {
    expect(choosePrice([monthly, yearly], { rail: 'card', priceId: 'pri_m' }).id).toBe('pri_m')
    expect(() => choosePrice([monthly], { rail: 'card', priceId: 'pri_gone' })).toThrow(/no active price/)
  })

  it('refuses a wallet for an offer sold only by subscription', () => {
    expect(() => choosePrice([monthly, yearly], { rail: 'wallet' })).toThrow(/one-time prices/)
  })
})

describe('railAllows', () => {
  it('lets wallets pay one-time prices only', () => {
    expect(railAllows(pass, 'wallet')).toBe(true)
    expect(railAllows(yearly, 'wallet')).toBe(false)
    expect(railAllows(yearly, 'card')).toBe(true)
  })
})

describe('sessionParams', () => {
  const base = {
    orderId: 'ord_1',
    offer: {
      id: 'off_1',
      kind: 'tier' as const,
      title: 'Member',
      slug: 'member',
      trialDays: 0,
      creatorId: 'cre_1',
    },
    creator: { slug: 'demo', locale: 'zh-CN' },
    publicUrl: 'https://q.example',
    now: Date.UTC(2026, 0, 1),
  }

  it('prices a wallet pass from the database row, in payment mode, with WeChat Pay set up for the web', () => {
    const params = sessionParams({ ...base, price: pass, rail: 'wallet' })
    expect(params.mode).toBe('payment')
    expect(params.line_items).toEqual([
      { quantity: 1, price_data: { currency: 'cny', unit_amount: 20000, product_data: { name: 'Member' } } },
    ])
    expect(params.allowed_payment_method_types).toEqual(['alipay', 'wechat_pay'])
    expect(params.payment_method_options).toEqual({ wechat_pay: { client: 'web' } })
    expect(params).not.toHaveProperty('payment_method_types')
    expect(params.payment_intent_data?.metadata).toMatchObject({ order_id: 'ord_1', price_id: 'pri_p' })
    expect(params.expires_at).toBe(Math.floor(base.now / 1000) + 31 * 60)
    expect(params.locale).toBe('zh')
  })

  it('sells a card subscription with the order in the subscription metadata and the trial', () => {
    const params = sessionParams({
      ...base,
      offer: { ...base.offer, trialDays: 7 },
      price: yearly,
      rail: 'card',
    })
    expect(params.mode).toBe('subscription')
    expect(params.line_items?.[0]?.price_data?.recurring).toEqual({ interval: 'year' })
    expect(params.subscription_data).toEqual({
      metadata: { order_id: 'ord_1', offer_id: 'off_1', price_id: 'pri_y', creator_id: 'cre_1' },
      trial_period_days: 7,
    })
    expect(params.client_reference_id).toBe('ord_1')
    expect(params.success_url).toBe('https://q.example/checkout/success?session_id={CHECKOUT_SESSION_ID}')
    expect(params.cancel_url).toBe('https://q.example/c/demo/member')
  })
})

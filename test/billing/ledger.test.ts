import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { ledgerRow, paymentIntentOf } from '../../src/billing/ledger'

const event = (type: string, object: Record<string, unknown>) =>
  ({ id: 'evt_1', type, created: 1_800_000_000, data: { object } }) as unknown as Stripe.Event

describe('paymentIntentOf', () => {
  it('reads `payment_intent` on sessions, charges, disputes and pre-2025-03-31 invoices', () => {
    expect(paymentIntentOf(event('charge.refunded', { object: 'charge', payment_intent: 'pi_1' }))).toBe(
      'pi_1',
    )
    expect(paymentIntentOf(event('invoice.paid', { object: 'invoice', payment_intent: 'pi_2' }))).toBe('pi_2')
  })

  it('reads an InvoicePayment’s `payment.payment_intent`, the link a current invoice no longer carries', () => {
    const paid = event('invoice_payment.paid', {
      id: 'inpay_1',
      object: 'invoice_payment',
      invoice: 'in_1',
      payment: { type: 'payment_intent', payment_intent: 'pi_3' },
    })
    expect(paymentIntentOf(paid)).toBe('pi_3')
    expect(ledgerRow(paid, 1, 'webhook')).toMatchObject({ objectId: 'inpay_1', paymentIntentId: 'pi_3' })
  })

  it('takes the id of an expanded PaymentIntent, and null where there is none', () => {
    expect(
      paymentIntentOf(event('charge.refunded', { payment_intent: { id: 'pi_4', object: 'payment_intent' } })),
    ).toBe('pi_4')
    expect(paymentIntentOf(event('invoice.paid', { object: 'invoice', payments: { data: [] } }))).toBeNull()
    expect(paymentIntentOf(event('checkout.session.completed', { payment_intent: null }))).toBeNull()
    expect(paymentIntentOf(event('invoice_payment.paid', { payment: { type: 'payment_record' } }))).toBeNull()
  })
})

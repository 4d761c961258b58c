import { describe, expect, it } from 'vitest'
import { type MoneyFact, paymentVerdict } from './charge-rules'

const refund = (amountRefunded: number, created = 10): MoneyFact => ({
  type: 'charge.refunded',
  created,
  object: { id: 'ch_1', amount: 20000, amount_refunded: amountRefunded, refunded: amountRefunded >= 20000 },
})
const disputeCreated = (created = 10): MoneyFact => ({
  type: 'charge.dispute.created',
  created,
  object: { id: 'dp_1', status: 'needs_response' },
})
const disputeClosed = (status: 'won' | 'lost', created = 20): MoneyFact => ({
  type: 'charge.dispute.closed',
  created,
  object: { id: 'dp_1', status },
})

describe('paymentVerdict', () => {
  it('allows access with no facts or only a partial refund', () => {
    expect(paymentVerdict([])).toMatchObject({ accessAllowed: true, orderStatus: 'paid' })
    expect(paymentVerdict([refund(5000)])).toMatchObject({ accessAllowed: true, refundedAmount: 5000 })
  })

  it('revokes on a full refund, however the partial refunds before it were ordered', () => {
    expect(paymentVerdict([refund(20000, 30), refund(5000, 10)])).toMatchObject({
      accessAllowed: false,
      fullyRefunded: true,
      refundedAmount: 20000,
      orderStatus: 'refunded',
    })
  })

  it('revokes while a dispute is open and restores when it is won, in any delivery order', () => {
    expect(paymentVerdict([disputeCreated()])).toMatchObject({
      accessAllowed: false,
      orderStatus: 'disputed',
    })
    for (const facts of [
      [disputeCreated(), disputeClosed('won')],
      [disputeClosed('won'), disputeCreated()],
      [disputeClosed('won', 10), disputeCreated(10)],
    ])
      expect(paymentVerdict(facts)).toMatchObject({
        dispute: 'won',
        accessAllowed: true,
        orderStatus: 'paid',
      })
    expect(paymentVerdict([disputeClosed('lost'), disputeCreated()])).toMatchObject({ accessAllowed: false })
  })
})

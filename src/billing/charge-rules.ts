/**
 * What a payment's money facts add up to, whatever order Stripe delivered them in. Pure: every stored fact about
 * one PaymentIntent (refunds, disputes) in, one verdict out. Because the verdict is a function of the set of
 * facts, not of their arrival order, replays and reorderings converge to the same access.
 *
 * Stripe facts: `charge.refunded` carries the charge with its cumulative `amount_refunded` (never decreasing), so
 * the largest value seen is the truth. A dispute goes `charge.dispute.created` → `charge.dispute.closed` with
 * status `won` or `lost`; a closed event outranks a created one for the same dispute whatever their timestamps.
 */
export interface MoneyFact {
  type: string
  /** Stripe event `created`, seconds. */
  created: number
  object: {
    id?: string
    amount?: number
    amount_refunded?: number
    refunded?: boolean
    status?: string
  }
}

export interface PaymentVerdict {
  refundedAmount: number
  fullyRefunded: boolean
  dispute: 'none' | 'open' | 'won' | 'lost'
  /** May the buyer keep what this payment bought? */
  accessAllowed: boolean
  orderStatus: 'paid' | 'refunded' | 'disputed'
}

const disputeRank = { 'charge.dispute.created': 1, 'charge.dispute.closed': 2 } as const

export function paymentVerdict(facts: MoneyFact[]): PaymentVerdict {
  let refundedAmount = 0
  let fullyRefunded = false
  const disputes = new Map<string, { rank: number; created: number; status: string }>()
  for (const fact of facts) {
    if (fact.type === 'charge.refunded') {
      refundedAmount = Math.max(refundedAmount, fact.object.amount_refunded ?? 0)
      if (fact.object.refunded || (fact.object.amount !== undefined && refundedAmount >= fact.object.amount))
        fullyRefunded = true
    }
    if (fact.type === 'charge.dispute.created' || fact.type === 'charge.dispute.closed') {
      const id = fact.object.id ?? ''
      const rank = disputeRank[fact.type]
      const seen = disputes.get(id)
      if (!seen || rank > seen.rank || (rank === seen.rank && fact.created > seen.created))
        disputes.set(id, { rank, created: fact.created, status: fact.object.status ?? '' })
    }
  }
  let dispute: PaymentVerdict['dispute'] = 'none'
  for (const seen of disputes.values()) {
    const state = seen.rank === 1 ? 'open' : seen.status === 'won' ? 'won' : 'lost'
    // Any open or lost dispute decides; a won one only if nothing worse is known.
    if (state === 'open' || state === 'lost' || dispute === 'none') dispute = state
  }
  const disputed = dispute === 'open' || dispute === 'lost'
  return {
    refundedAmount,
    fullyRefunded,
    dispute,
    accessAllowed: !fullyRefunded && !disputed,
    orderStatus: fullyRefunded ? 'refunded' : disputed ? 'disputed' : 'paid',
  }
}

/** The event types whose facts `paymentVerdict` folds. */
export const moneyFactTypes = ['charge.refunded', 'charge.dispute.created', 'charge.dispute.closed'] as const

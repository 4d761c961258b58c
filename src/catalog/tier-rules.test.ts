import { describe, expect, it } from 'vitest'
import { benefitsByTier } from './tier-rules'

const ids = (list: { includedOfferId: string }[] | undefined) =>
  list?.map((benefit) => benefit.includedOfferId)

describe('benefitsByTier', () => {
  const tiers = [
    { id: 'member', rank: 1 },
    { id: 'inner', rank: 2 },
    { id: 'patron', rank: 3 },
    { id: 'peer', rank: 2 },
  ]
  const benefits = [
    { tierOfferId: 'member', includedOfferId: 'group' },
    { tierOfferId: 'inner', includedOfferId: 'course' },
    { tierOfferId: 'inner', includedOfferId: 'group' },
    { tierOfferId: 'peer', includedOfferId: 'workshop' },
  ]

  it('gives a tier its own benefits and those of every lower rank, each once', () => {
    const result = benefitsByTier(tiers, benefits)
    expect(ids(result.get('member'))).toEqual(['group'])
    expect(ids(result.get('inner'))).toEqual(['course', 'group'])
    expect(ids(result.get('patron'))?.sort()).toEqual(['course', 'group', 'workshop'])
  })

  it('does not share benefits between tiers of the same rank', () => {
    const result = benefitsByTier(tiers, benefits)
    expect(ids(result.get('peer'))).toEqual(['workshop', 'group'])
  })
})

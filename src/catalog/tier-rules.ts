/**
 * The tier ladder: a tier of rank R includes its own benefits and every benefit of the creator's tiers of a
 * lower rank. The one place this rule lives; the storefront shows it and access checks (issue 5) apply it.
 */
export interface RankedTier {
  id: string
  rank: number | null
}

export interface Benefit {
  tierOfferId: string
  includedOfferId: string
}

/**
 * For each tier, the benefits it grants, own first then lower ranks' (highest first), each included offer once.
 * Pure: pass all of a creator's tiers and their benefit rows.
 */
export function benefitsByTier<B extends Benefit>(listed: RankedTier[], benefits: B[]): Map<string, B[]> {
  const tiers = [...new Map(listed.map((tier) => [tier.id, tier])).values()]
  const byRankDescending = [...tiers].sort((a, b) => (b.rank ?? 0) - (a.rank ?? 0))
  const result = new Map<string, B[]>()
  for (const tier of tiers) {
    const seen = new Set<string>()
    const granted: B[] = []
    const ladder = [
      tier,
      ...byRankDescending.filter((other) => other.id !== tier.id && (other.rank ?? 0) < (tier.rank ?? 0)),
    ]
    for (const step of ladder) {
      for (const benefit of benefits) {
        if (benefit.tierOfferId !== step.id || seen.has(benefit.includedOfferId)) continue
        seen.add(benefit.includedOfferId)
        granted.push(benefit)
      }
    }
    result.set(tier.id, granted)
  }
  return result
}

import { describe, expect, it } from 'vitest'
import { groupRefusalReason, lostAccessReason, memberStatus } from '../../src/groups/group-rules'

describe('memberStatus', () => {
  it('turns a recorded member without access into one to remove, and leaves every other status alone', () => {
    expect(memberStatus('member', true)).toBe('member')
    expect(memberStatus('member', false)).toBe('to_remove')
    expect(memberStatus('to_remove', true)).toBe('to_remove')
    expect(memberStatus('to_remove', false)).toBe('to_remove')
    expect(memberStatus('removed', true)).toBe('removed')
    expect(memberStatus('removed', false)).toBe('removed')
  })
})

describe('refusal reasons', () => {
  it('keeps the reasons a known buyer can get for a group and folds the rest into no_entitlement', () => {
    for (const reason of ['lapsed', 'revoked', 'expired', 'full', 'no_entitlement'] as const)
      expect(groupRefusalReason(reason)).toBe(reason)
    expect(groupRefusalReason('sign_in')).toBe('no_entitlement')
    expect(groupRefusalReason('drip')).toBe('no_entitlement')
  })

  it('says why a member lost access, and nothing while they have it', () => {
    expect(lostAccessReason({ allowed: true, via: null })).toBeNull()
    expect(lostAccessReason({ allowed: false, reason: 'revoked', buy: [] })).toBe('revoked')
    expect(lostAccessReason({ allowed: false, reason: 'full', buy: [] })).toBe('no_entitlement')
  })
})

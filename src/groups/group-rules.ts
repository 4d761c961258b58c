/**
 * Pure group decisions on top of the access rules (access/access-rules.ts decides who is entitled; this file
 * only says what that means for the creator's member list). No I/O, no clock.
 */
import type { Decision, DenyReason } from '../access/access-rules'
import type { groupMemberStatuses } from '../db/schema'

export type GroupMemberStatus = (typeof groupMemberStatuses)[number]

/** Why a member has no access now, as the member list shows it; null while they have it. */
export type LostAccessReason = 'no_entitlement' | 'lapsed' | 'revoked' | 'expired'

/**
 * What the creator should do about a member, from the stored status and the access rules' decision now.
 * A `member` row whose buyer is no longer entitled is `to_remove`: computed at read time rather than written
 * by the billing handlers, so it is right whatever order Stripe's events arrived in (and for a pass that simply
 * ran out, which no event announces). A `removed` row stays removed; an explicit `to_remove` stays so until the
 * buyer reveals the invite again with access (then `revealGroup` makes them a `member`).
 */
export function memberStatus(recorded: GroupMemberStatus, hasAccess: boolean): GroupMemberStatus {
  if (recorded === 'member' && !hasAccess) return 'to_remove'
  return recorded
}

/** Why a signed-in buyer may not see a group's invite. */
export type GroupRefusalReason = LostAccessReason | 'full'

/** A refusal's reason for a group and a known buyer: `sign_in` and `drip` never apply to one. */
export function groupRefusalReason(reason: DenyReason): GroupRefusalReason {
  return reason === 'lapsed' || reason === 'revoked' || reason === 'expired' || reason === 'full'
    ? reason
    : 'no_entitlement'
}

/** Why a member has no access to the group now (an offer decision: capacity never takes a member's seat). */
export function lostAccessReason(decision: Decision): LostAccessReason | null {
  if (decision.allowed) return null
  const reason = groupRefusalReason(decision.reason)
  return reason === 'full' ? 'no_entitlement' : reason
}

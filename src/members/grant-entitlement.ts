/**
 * A creator's manual grant: access to one of their offers for an existing member, outside Stripe. The audit row
 * is the grant's source (`source_id`) and the history row's cause, all written in one batch.
 */
import { and, eq } from 'drizzle-orm'
import { auditLog, entitlementChanges, entitlements, offers } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import { newId } from '../lib/ids'
import { notFound, validationFailed } from '../lib/problem'
import type { GrantInput, MemberEntitlementJson } from './member-schemas'
import { entitlementJson } from './members'

type Scope = { creatorId: string }

export async function grantEntitlement(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: Scope,
  buyerId: string,
  input: GrantInput,
  actor: Actor,
): Promise<MemberEntitlementJson> {
  const [membership, offerRows] = await db.batch([
    db
      .select({ id: entitlements.id })
      .from(entitlements)
      .where(and(eq(entitlements.buyerId, buyerId), eq(entitlements.creatorId, scope.creatorId)))
      .limit(1),
    db
      .select({ id: offers.id })
      .from(offers)
      .where(and(eq(offers.id, input.offer_id), eq(offers.creatorId, scope.creatorId))),
  ])
  // Buyers are shared across creators: only someone who already is this creator's member can be granted more,
  // so a buyer id seen elsewhere reveals nothing here.
  if (!membership.length) throw notFound('member', buyerId)
  const now = clock.now()
  const endsAt = input.ends_at ? Date.parse(input.ends_at) : null
  const errors = [
    ...(offerRows.length ? [] : [{ path: 'offer_id', message: 'is not one of your offers' }]),
    ...(endsAt !== null && endsAt <= now ? [{ path: 'ends_at', message: 'must be in the future' }] : []),
  ]
  if (errors.length) throw validationFailed(errors)

  const entitlementId = newId('entitlement', now)
  const audit = auditRow({
    creatorId: scope.creatorId,
    actor,
    action: 'entitlement.grant',
    subjectType: 'entitlement',
    subjectId: entitlementId,
    detail: {
      buyer_id: buyerId,
      offer_id: input.offer_id,
      ends_at: input.ends_at ?? null,
      note: input.note ?? null,
    },
    at: now,
  })
  const row = {
    id: entitlementId,
    creatorId: scope.creatorId,
    buyerId,
    offerId: input.offer_id,
    source: 'admin' as const,
    sourceId: audit.id,
    startsAt: now,
    endsAt,
    state: 'active' as const,
    graceEndsAt: null,
    reminderSentAt: null,
    createdAt: now,
    updatedAt: now,
  }
  await db.batch([
    db.insert(entitlements).values(row),
    db.insert(entitlementChanges).values({
      id: newId('entitlementChange', now),
      creatorId: scope.creatorId,
      entitlementId,
      change: 'grant',
      causeType: 'admin',
      causeId: audit.id,
      stateAfter: 'active',
      endsAtAfter: endsAt,
      at: now,
    }),
    db.insert(auditLog).values(audit),
  ])
  return entitlementJson(row)
}

/**
 * A creator's manual revoke. Idempotent: revoking a revoked entitlement answers it as it is and writes nothing.
 * The history row, the update and the audit row are one batch, each guarded by the state at that point, so two
 * concurrent revokes record one change.
 */
import { and, eq, ne, sql } from 'drizzle-orm'
import { entitlements } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditInsertWhen, auditRow } from '../lib/audit'
import { newId } from '../lib/ids'
import { notFound } from '../lib/problem'
import type { MemberEntitlementJson } from './member-schemas'
import { entitlementJson } from './members'

type Scope = { creatorId: string }

export async function revokeEntitlement(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: Scope,
  buyerId: string,
  entitlementId: string,
  actor: Actor,
): Promise<MemberEntitlementJson> {
  const byId = and(
    eq(entitlements.id, entitlementId),
    eq(entitlements.buyerId, buyerId),
    eq(entitlements.creatorId, scope.creatorId),
  )
  const [current] = await db.select().from(entitlements).where(byId)
  if (!current) throw notFound('entitlement', entitlementId)
  if (current.state === 'revoked') return entitlementJson(current)

  const now = clock.now()
  const audit = auditRow({
    creatorId: scope.creatorId,
    actor,
    action: 'entitlement.revoke',
    subjectType: 'entitlement',
    subjectId: entitlementId,
    detail: { buyer_id: buyerId, offer_id: current.offerId, state_before: current.state },
    at: now,
  })
  await db.batch([
    // History first, selecting the row only while it is not yet revoked: a concurrent revoke that won writes
    // the only change row, and this batch then writes nothing.
    db.run(sql`insert into entitlement_changes (id, creator_id, entitlement_id, change, cause_type, cause_id,
        state_after, ends_at_after, at)
      select ${newId('entitlementChange', now)}, e.creator_id, e.id, 'revoke', 'admin', ${audit.id}, 'revoked',
        e.ends_at, ${now}
      from entitlements e
      where e.id = ${entitlementId} and e.creator_id = ${scope.creatorId} and e.state != 'revoked'`),
    db
      .update(entitlements)
      .set({ state: 'revoked', updatedAt: now })
      .where(and(byId, ne(entitlements.state, 'revoked'))),
    auditInsertWhen(
      db,
      audit,
      sql`exists (select 1 from entitlement_changes where cause_id = ${audit.id} and change = 'revoke')`,
    ),
  ])
  return entitlementJson({ ...current, state: 'revoked', updatedAt: now })
}

/** Audit log rows: every creator and operator action is appended, never edited. */
import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import type { auditLog } from '../db/schema'
import { newId } from './ids'

/** Who did something: a creator's API key, a signed-in creator or buyer, the operator, or the system itself. */
export interface Actor {
  type: 'api_key' | 'creator' | 'buyer' | 'admin' | 'system'
  id: string | null
}

export interface AuditInput {
  creatorId: string | null
  actor: Actor
  action: string
  subjectType: string
  subjectId: string
  detail?: Record<string, unknown>
  at: number
}

/** The row to insert; callers put it in the same batch as the change it records. */
export function auditRow(input: AuditInput): typeof auditLog.$inferInsert {
  return {
    id: newId('audit', input.at),
    creatorId: input.creatorId,
    actorType: input.actor.type,
    actorId: input.actor.id,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    detail: JSON.stringify(input.detail ?? {}),
    at: input.at,
  }
}

/**
 * An audit insert that only happens when `condition` (an SQL boolean) holds at that point of the batch: for
 * conditional updates (e.g. "only if still free"), so a batch whose update matched nothing leaves no audit row.
 */
export function auditInsertWhen(db: Db, row: typeof auditLog.$inferInsert, condition: SQL) {
  return db.run(sql`insert into audit_log (id, creator_id, actor_type, actor_id, action, subject_type, subject_id, detail, at)
    select ${row.id}, ${row.creatorId ?? null}, ${row.actorType}, ${row.actorId ?? null}, ${row.action},
      ${row.subjectType}, ${row.subjectId}, ${row.detail ?? '{}'}, ${row.at}
    where ${condition}`)
}

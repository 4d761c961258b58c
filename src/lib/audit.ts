/** Audit log rows: every creator and operator action is appended, never edited. */
import type { auditLog } from '../db/schema'
import { newId } from './ids'

/** Who did something: a creator's API key, a signed-in creator, the operator, or the system itself. */
export interface Actor {
  type: 'api_key' | 'creator' | 'admin' | 'system'
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

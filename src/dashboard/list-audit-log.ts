/**
 * The creator's audit log, newest first: every action taken on their storefront through the API, the admin
 * API or the system, with what changed. Only rows carrying this creator's id; operator-wide rows have none.
 */
import { and, desc, eq, lt } from 'drizzle-orm'
import { auditLog } from '../db/schema'
import type { Deps } from '../deps'
import { type Page, toPage } from '../lib/pagination'
import { toIso } from '../lib/time'
import type { AuditEntryJson, AuditLogQuery } from './dashboard-schemas'

/** `detail` is stored as JSON text; anything that is not a JSON object is returned under `value`. */
function parseDetail(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { value: parsed }
  } catch {
    return { value: text }
  }
}

export function auditEntryJson(row: typeof auditLog.$inferSelect): AuditEntryJson {
  return {
    id: row.id,
    actor_type: row.actorType,
    actor_id: row.actorId,
    action: row.action,
    subject_type: row.subjectType,
    subject_id: row.subjectId,
    detail: parseDetail(row.detail),
    at: toIso(row.at) ?? '',
  }
}

export async function listAuditLog(
  { db }: Pick<Deps, 'db'>,
  scope: { creatorId: string },
  query: AuditLogQuery,
): Promise<Page<AuditEntryJson>> {
  // Audit ids are time-sortable (created at `at`), so ordering by id is newest first and the id is the
  // cursor.
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.creatorId, scope.creatorId),
        query.action ? eq(auditLog.action, query.action) : undefined,
        query.subject_type ? eq(auditLog.subjectType, query.subject_type) : undefined,
        query.subject_id ? eq(auditLog.subjectId, query.subject_id) : undefined,
        query.cursor ? lt(auditLog.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(query.limit + 1)
  return toPage(rows, query.limit, auditEntryJson)
}

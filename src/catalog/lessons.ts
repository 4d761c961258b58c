/**
 * Course lessons: add, list, read, edit, move, remove. Positions are kept dense (1..n): every insert, move or
 * removal renumbers the course's lessons in the same batch as the change, so the order is never ambiguous.
 */
import { and, asc, eq, inArray, type SQLWrapper } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { type Db, writeBatch, writeThenRead } from '../db/client'
import { auditLog, lessonProgress, lessons, offers } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import { newId } from '../lib/ids'
import { notFound, validationFailed } from '../lib/problem'
import { toIso } from '../lib/time'
import { offerOfKind, ruleError } from './offer-rules'
import { type LessonJson, lessonUpdateSchema, type OfferJson } from './offer-schemas'
import { offerBatchQuery, offerJson } from './offers'

type Scope = { creatorId: string }
type DbDeps = Pick<Deps, 'db' | 'clock'>
type LessonRow = typeof lessons.$inferSelect

export interface LessonInput {
  title?: string | undefined
  body?: string | undefined
  position?: number | undefined
  free_preview?: boolean | undefined
  drip_days?: number | undefined
}

export function lessonJson(row: LessonRow): LessonJson {
  return {
    id: row.id,
    offer_id: row.offerId,
    position: row.position,
    title: row.title,
    body: row.body,
    free_preview: row.freePreview,
    drip_days: row.dripDays,
    created_at: toIso(row.createdAt) ?? '',
    updated_at: toIso(row.updatedAt) ?? '',
  }
}

/** This creator's offer `offerId` (an id, or a subquery that yields one), its id and kind: a batch item. */
function courseOfferQuery(db: Db, scope: Scope, offerId: string | SQLWrapper) {
  return db
    .select({ id: offers.id, kind: offers.kind })
    .from(offers)
    .where(and(eq(offers.id, offerId), eq(offers.creatorId, scope.creatorId)))
}

/** The lessons of course `offerId` (an id, or a subquery that yields one) in order: a batch item. */
function courseLessonsQuery(db: Db, scope: Scope, offerId: string | SQLWrapper) {
  return db
    .select()
    .from(lessons)
    .where(and(eq(lessons.offerId, offerId), eq(lessons.creatorId, scope.creatorId)))
    .orderBy(asc(lessons.position), asc(lessons.id))
}

/** The course (this creator's, kind course) and its lessons in order: one batch, one round trip. */
async function loadCourse({ db }: Pick<Deps, 'db'>, scope: Scope, offerId: string) {
  const [found, rows] = await db.batch([
    courseOfferQuery(db, scope, offerId),
    courseLessonsQuery(db, scope, offerId),
  ])
  offerOfKind(found[0], offerId, 'course')
  return rows
}

/** Statements that give `ordered` positions 1..n, touching only lessons whose position changes. */
function renumber(db: Deps['db'], ordered: LessonRow[], now: number): BatchItem<'sqlite'>[] {
  return ordered.flatMap((lesson, index) =>
    lesson.position === index + 1
      ? []
      : [
          db
            .update(lessons)
            .set({ position: index + 1, updatedAt: now })
            .where(eq(lessons.id, lesson.id)),
        ],
  )
}

function audit(scope: Scope, actor: Actor, action: string, lessonId: string, at: number, detail = {}) {
  return auditRow({
    creatorId: scope.creatorId,
    actor,
    action,
    subjectType: 'lesson',
    subjectId: lessonId,
    detail,
    at,
  })
}

/**
 * This creator's offer `offerId` (404 when unknown or another creator's) and, when it is a course, its lessons in
 * order (`listLessons`), in one round trip: the offer's editor page shows both.
 */
export async function readOfferLessons(
  { db }: Pick<Deps, 'db'>,
  scope: Scope,
  offerId: string,
): Promise<{ offer: OfferJson; lessons: LessonJson[] }> {
  const [found, rows] = await db.batch([
    offerBatchQuery(db, scope, offerId),
    courseLessonsQuery(db, scope, offerId),
  ])
  const offer = found[0]
  if (!offer) throw notFound('offer', offerId)
  return { offer: offerJson(offer), lessons: offer.kind === 'course' ? rows.map(lessonJson) : [] }
}

export async function listLessons(
  deps: Pick<Deps, 'db'>,
  scope: Scope,
  offerId: string,
): Promise<LessonJson[]> {
  return (await loadCourse(deps, scope, offerId)).map(lessonJson)
}

export async function addLesson(
  deps: DbDeps,
  scope: Scope,
  offerId: string,
  input: LessonInput & { title: string },
  actor: Actor,
): Promise<LessonJson> {
  const existing = await loadCourse(deps, scope, offerId)
  const { db, clock } = deps
  const now = clock.now()
  const row: LessonRow = {
    id: newId('lesson', now),
    creatorId: scope.creatorId,
    offerId,
    position: 0,
    title: input.title,
    body: input.body ?? '',
    freePreview: input.free_preview ?? false,
    dripDays: input.drip_days ?? 0,
    createdAt: now,
    updatedAt: now,
  }
  const at = Math.min(input.position ?? existing.length + 1, existing.length + 1)
  const ordered = [...existing]
  ordered.splice(at - 1, 0, row)
  row.position = at
  await writeBatch(db, [
    db.insert(lessons).values(row),
    ...renumber(db, ordered, now),
    db
      .insert(auditLog)
      .values(audit(scope, actor, 'lesson.create', row.id, now, { offer_id: offerId, position: at })),
  ])
  return lessonJson(row)
}

/** This creator's lesson: `[]` for an unknown id and for another creator's lesson alike. A batch item. */
function lessonQuery(db: Db, scope: Scope, lessonId: string) {
  return db
    .select()
    .from(lessons)
    .where(and(eq(lessons.id, lessonId), eq(lessons.creatorId, scope.creatorId)))
}

async function findLesson({ db }: Pick<Deps, 'db'>, scope: Scope, lessonId: string): Promise<LessonRow> {
  const [row] = await lessonQuery(db, scope, lessonId)
  if (!row) throw notFound('lesson', lessonId)
  return row
}

/** A lesson as read, with its course's lessons when they were read beside it (checked as `loadCourse` does). */
interface ReadLesson {
  lesson: LessonRow
  siblings?: () => LessonRow[]
}

/**
 * A lesson and, in the same round trip, its course and the course's lessons in order: what a move or a removal
 * renumbers. The course is found through the lesson's own `offer_id` (a subquery), so nothing waits for the
 * lesson's row before the course's are asked for.
 */
async function findLessonInCourse(
  { db }: Pick<Deps, 'db'>,
  scope: Scope,
  lessonId: string,
): Promise<Required<ReadLesson>> {
  const courseId = db
    .select({ offerId: lessons.offerId })
    .from(lessons)
    .where(and(eq(lessons.id, lessonId), eq(lessons.creatorId, scope.creatorId)))
  const [found, course, siblings] = await db.batch([
    lessonQuery(db, scope, lessonId),
    courseOfferQuery(db, scope, courseId),
    courseLessonsQuery(db, scope, courseId),
  ])
  const lesson = found[0]
  if (!lesson) throw notFound('lesson', lessonId)
  return {
    lesson,
    siblings: () => {
      offerOfKind(course[0], lesson.offerId, 'course')
      return siblings
    },
  }
}

export async function getLesson(deps: Pick<Deps, 'db'>, scope: Scope, lessonId: string): Promise<LessonJson> {
  return lessonJson(await findLesson(deps, scope, lessonId))
}

export async function updateLesson(
  deps: DbDeps,
  scope: Scope,
  lessonId: string,
  input: LessonInput,
  actor: Actor,
): Promise<LessonJson> {
  // A new position renumbers the course: its lessons are read in the same round trip as the lesson.
  const read =
    input.position !== undefined
      ? await findLessonInCourse(deps, scope, lessonId)
      : { lesson: await findLesson(deps, scope, lessonId) }
  return applyLessonUpdate(deps, scope, read, input, actor)
}

/**
 * Moves a lesson one place up or down: the API's own move (`updateLesson` with a `position`), the lesson and its
 * course read in one round trip, then written (with the lesson read back) in one batch.
 */
export async function moveLesson(
  deps: DbDeps,
  scope: Scope,
  lessonId: string,
  direction: 'up' | 'down',
  actor: Actor,
): Promise<LessonJson> {
  const read = await findLessonInCourse(deps, scope, lessonId)
  const position = Math.max(1, read.lesson.position + (direction === 'up' ? -1 : 1))
  return applyLessonUpdate(deps, scope, read, lessonUpdateSchema.parse({ position }), actor)
}

/** Writes an edit of a lesson already read, and its audit row, reading the lesson back in the same batch. */
async function applyLessonUpdate(
  deps: DbDeps,
  scope: Scope,
  read: ReadLesson,
  input: LessonInput,
  actor: Actor,
): Promise<LessonJson> {
  const { lesson } = read
  const lessonId = lesson.id
  const { db, clock } = deps
  const now = clock.now()
  const statements: BatchItem<'sqlite'>[] = [
    db
      .update(lessons)
      .set({
        ...(input.title !== undefined && { title: input.title }),
        ...(input.body !== undefined && { body: input.body }),
        ...(input.free_preview !== undefined && { freePreview: input.free_preview }),
        ...(input.drip_days !== undefined && { dripDays: input.drip_days }),
        updatedAt: now,
      })
      .where(eq(lessons.id, lessonId)),
  ]
  if (input.position !== undefined && input.position !== lesson.position) {
    const siblings = read.siblings ? read.siblings() : await loadCourse(deps, scope, lesson.offerId)
    const ordered = siblings.filter((row) => row.id !== lessonId)
    ordered.splice(Math.min(input.position, ordered.length + 1) - 1, 0, lesson)
    statements.push(...renumber(db, ordered, now))
  }
  statements.push(
    db
      .insert(auditLog)
      .values(audit(scope, actor, 'lesson.update', lessonId, now, { fields: Object.keys(input) })),
  )
  const [row] = await writeThenRead(db, statements, lessonQuery(db, scope, lessonId))
  if (!row) throw notFound('lesson', lessonId)
  return lessonJson(row)
}

/** Sets the whole order at once; `lesson_ids` must list every lesson of the course exactly once. */
export async function reorderLessons(
  deps: DbDeps,
  scope: Scope,
  offerId: string,
  lessonIds: string[],
  actor: Actor,
): Promise<LessonJson[]> {
  const existing = await loadCourse(deps, scope, offerId)
  const byId = new Map(existing.map((row) => [row.id, row]))
  const complete =
    lessonIds.length === existing.length &&
    new Set(lessonIds).size === lessonIds.length &&
    lessonIds.every((id) => byId.has(id))
  if (!complete)
    throw validationFailed([ruleError('lesson_ids', 'lessons_order_incomplete', { count: existing.length })])
  const { db, clock } = deps
  const now = clock.now()
  const ordered = lessonIds.map((id) => byId.get(id) as LessonRow)
  // The lessons are read back after the change in the same batch (the course was checked above).
  const rows = await writeThenRead(
    db,
    [
      ...renumber(db, ordered, now),
      db.insert(auditLog).values(
        auditRow({
          creatorId: scope.creatorId,
          actor,
          action: 'lesson.reorder',
          subjectType: 'offer',
          subjectId: offerId,
          detail: { lesson_ids: lessonIds },
          at: now,
        }),
      ),
    ],
    courseLessonsQuery(db, scope, offerId),
  )
  return rows.map(lessonJson)
}

/**
 * Removes a lesson (and buyers' progress on it), closing the gap in positions. Answers the lesson as it was, so
 * a page knows which course to go back to without reading it first.
 */
export async function removeLesson(
  deps: DbDeps,
  scope: Scope,
  lessonId: string,
  actor: Actor,
): Promise<LessonJson> {
  const read = await findLessonInCourse(deps, scope, lessonId)
  const { lesson } = read
  const siblings = read.siblings()
  const { db, clock } = deps
  const now = clock.now()
  await writeBatch(db, [
    db.delete(lessonProgress).where(inArray(lessonProgress.lessonId, [lessonId])),
    db.delete(lessons).where(and(eq(lessons.id, lessonId), eq(lessons.creatorId, scope.creatorId))),
    ...renumber(
      db,
      siblings.filter((row) => row.id !== lessonId),
      now,
    ),
    db.insert(auditLog).values(
      audit(scope, actor, 'lesson.delete', lessonId, now, {
        offer_id: lesson.offerId,
        title: lesson.title,
      }),
    ),
  ])
  return lessonJson(lesson)
}

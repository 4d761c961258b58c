/**
 * Gated content, the reads behind the buyer's pages and the buyer's JSON API: a post, a course outline, a lesson.
 * Each is ONE round trip: the signed-in viewer (by the session hash from the cookie), the content, and the
 * access data go out in one `db.batch`, keyed by values known before any read (session hash, slugs, ids). The
 * access rules (access/access-rules.ts) decide; the body is only returned when they allow it.
 */
import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { accessFrom, accessQueries, type CatalogOffer } from '../access/access-query'
import {
  type Access,
  type Decision,
  lessonDecision,
  lessonOpensAt,
  offerDecision,
  postDecision,
} from '../access/access-rules'
import { toViewer, type Viewer, viewerBuyerId, viewerQuery } from '../accounts/sessions'
import { creators, lessonProgress, lessons, offers, posts } from '../db/schema'
import type { Deps } from '../deps'
import { notFound } from '../lib/problem'

type ReadDeps = Pick<Deps, 'db' | 'clock'>

/** The session hash from the cookie, or null when signed out. */
export type SessionHash = string | null

const publicCreator = {
  id: creators.id,
  slug: creators.slug,
  name: creators.name,
  locale: creators.locale,
  timeZone: creators.timeZone,
}

export interface Gated {
  viewer: Viewer | null
  access: Access<CatalogOffer>
  decision: Decision
}

function buyerOf(viewer: Viewer | null): string | null {
  return viewer?.role === 'buyer' ? viewer.buyerId : null
}

// ---- Posts ----

export type PostWhere = { postId: string } | { creatorSlug: string; postSlug: string }

function postCondition(where: PostWhere): SQL | undefined {
  return 'postId' in where
    ? eq(posts.id, where.postId)
    : and(
        eq(posts.slug, where.postSlug),
        eq(posts.creatorId, sql`(select id from creators where slug = ${where.creatorSlug})`),
      )
}

export async function readPost({ db, clock }: ReadDeps, session: SessionHash, where: PostWhere) {
  const now = clock.now()
  const creatorId =
    'postId' in where
      ? sql`(select creator_id from posts where id = ${where.postId})`
      : sql`(select id from creators where slug = ${where.creatorSlug})`
  const [viewerRows, postRows, ...accessRows] = await db.batch([
    viewerQuery(db, session, now),
    db
      .select({ post: posts, creator: publicCreator })
      .from(posts)
      .innerJoin(creators, eq(creators.id, posts.creatorId))
      .where(and(postCondition(where), eq(posts.status, 'live'))),
    ...accessQueries(db, { buyerId: session ? viewerBuyerId(session, now) : null, creatorId }),
  ])
  const found = postRows[0]
  if (!found) throw notFound('post', 'postId' in where ? where.postId : where.postSlug)
  const viewer = toViewer(viewerRows)
  const access = accessFrom(accessRows, { buyerId: buyerOf(viewer), now })
  const decision = postDecision(found.post, access)
  return { viewer, access, decision, creator: found.creator, post: found.post }
}

// ---- Courses and lessons ----

/** One lesson as the outline shows it to this buyer: open, locked (needs the course) or dripping. */
export interface OutlineLesson {
  id: string
  position: number
  title: string
  freePreview: boolean
  dripDays: number
  open: boolean
  /** Drip: when it opens for this buyer. */
  opensAt: number | null
  completed: boolean
}

function outline(
  rows: (typeof lessons.$inferSelect)[],
  access: Access,
  completed: Set<string>,
): OutlineLesson[] {
  return rows.map((lesson) => {
    const decision = lessonDecision(lesson, access)
    return {
      id: lesson.id,
      position: lesson.position,
      title: lesson.title,
      freePreview: lesson.freePreview,
      dripDays: lesson.dripDays,
      open: decision.allowed,
      opensAt:
        !decision.allowed && decision.reason === 'drip' ? (lessonOpensAt(lesson, access) ?? null) : null,
      completed: completed.has(lesson.id),
    }
  })
}

/**
 * A course and, when `lessonId` is given, one of its lessons: the outline with each lesson's state, the buyer's
 * progress, and (if the rules allow) the lesson's body. One round trip.
 */
export async function readCourse(
  { db, clock }: ReadDeps,
  session: SessionHash,
  offerId: string,
  lessonId?: string,
) {
  const now = clock.now()
  const buyerId = session ? viewerBuyerId(session, now) : null
  const [viewerRows, courseRows, lessonRows, progressRows, ...accessRows] = await db.batch([
    viewerQuery(db, session, now),
    db
      .select({
        offer: {
          id: offers.id,
          title: offers.title,
          slug: offers.slug,
          status: offers.status,
          kind: offers.kind,
          description: offers.description,
        },
        creator: publicCreator,
      })
      .from(offers)
      .innerJoin(creators, eq(creators.id, offers.creatorId))
      .where(and(eq(offers.id, offerId), eq(offers.kind, 'course'))),
    db.select().from(lessons).where(eq(lessons.offerId, offerId)).orderBy(asc(lessons.position)),
    db
      .select({ lessonId: lessonProgress.lessonId })
      .from(lessonProgress)
      .where(
        and(
          eq(lessonProgress.buyerId, buyerId ?? ''),
          inArray(
            lessonProgress.lessonId,
            db.select({ id: lessons.id }).from(lessons).where(eq(lessons.offerId, offerId)),
          ),
        ),
      ),
    ...accessQueries(db, { buyerId, creatorId: sql`(select creator_id from offers where id = ${offerId})` }),
  ])
  const course = courseRows[0]
  // A draft course is not there for anyone; an archived one still serves those who bought it.
  if (!course || course.offer.status === 'draft') throw notFound('course', offerId)
  const viewer = toViewer(viewerRows)
  const access = accessFrom(accessRows, { buyerId: buyerOf(viewer), now })
  const done = new Set(progressRows.map((row) => row.lessonId))
  const lesson = lessonId ? lessonRows.find((row) => row.id === lessonId) : undefined
  if (lessonId && !lesson) throw notFound('lesson', lessonId)
  return {
    viewer,
    access,
    creator: course.creator,
    course: course.offer,
    decision: offerDecision(offerId, access),
    lessons: outline(lessonRows, access, done),
    lesson: lesson ? { row: lesson, decision: lessonDecision(lesson, access) } : null,
  }
}

/**
 * Marks a lesson completed for the signed-in buyer, if the rules let them read it. One read batch, one write.
 * Idempotent: completing twice keeps the first time.
 */
export async function completeLesson(
  deps: ReadDeps,
  session: SessionHash,
  offerId: string,
  lessonId: string,
) {
  const read = await readCourse(deps, session, offerId, lessonId)
  const buyerId = buyerOf(read.viewer)
  if (!buyerId || !read.lesson?.decision.allowed) return { ...read, completed: false }
  await deps.db
    .insert(lessonProgress)
    .values({ buyerId, lessonId, creatorId: read.creator.id, completedAt: deps.clock.now() })
    .onConflictDoNothing()
  return { ...read, completed: true }
}

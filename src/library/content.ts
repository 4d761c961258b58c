/**
 * Gated content, the reads behind the buyer's pages and the buyer's JSON API: a post, a course outline, a lesson.
 * Each is ONE round trip: the signed-in viewer (by the session hash from the cookie), the content, and the
 * access data go out in one `db.batch`, keyed by values known before any read (session hash, slugs, ids). The
 * access rules (access/access-rules.ts) decide; the body is only returned when they allow it.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import {
  accessColumn,
  accessData,
  accessFrom,
  accessQuery,
  type CatalogOffer,
  parseAccess,
} from '../access/access-query'
import {
  type Access,
  type Decision,
  lessonDecision,
  lessonOpensAt,
  offerDecision,
  postDecision,
} from '../access/access-rules'
import {
  liveSession,
  toViewer,
  type Viewer,
  viewerBuyerId,
  viewerColumns,
  viewerQuery,
} from '../accounts/sessions'
import { type Db, preparedFor } from '../db/client'
import { buyers, creators, lessonProgress, lessons, offers, posts, sessions } from '../db/schema'
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

/**
 * The post's columns a reader needs: what the page and the JSON API show and what `postDecision` reads. The
 * status is in the WHERE clause; the timestamps are the dashboard's.
 */
const readerPost = {
  id: posts.id,
  slug: posts.slug,
  title: posts.title,
  excerpt: posts.excerpt,
  body: posts.body,
  audience: posts.audience,
  minRank: posts.minRank,
  courseOfferId: posts.courseOfferId,
}

/** The viewer's creator, when a creator is signed in: an alias, as the statement joins `creators` for the post. */
const viewerCreator = alias(creators, 'viewer_creator')

/** The post statement's selection but its access column (which binds the placeholders): groups of columns. */
const postGroups = { post: readerPost, creator: publicCreator, viewer: viewerColumns(viewerCreator) }

export type PostWhere = { postId: string } | { creatorSlug: string; postSlug: string }

/**
 * The post page's one statement: the post and its creator, the viewer (left-joined by session hash) and the
 * access column, keyed by placeholders. It is built and prepared once per database handle and then only bound,
 * because building drizzle SQL costs more than running it (about 0.45 ms of a 2 ms page view, measured with
 * bench/gated-read.ts), and the post is the hottest page there is.
 */
function preparePostRead(db: Db, by: 'id' | 'slug') {
  const hash = sql.placeholder('hash')
  const now = sql.placeholder('now')
  const post = sql.placeholder('post')
  return db
    .select({
      ...postGroups,
      access: accessColumn({ buyerId: viewerBuyerId(hash, now), creatorId: posts.creatorId }),
    })
    .from(posts)
    .innerJoin(creators, eq(creators.id, posts.creatorId))
    .leftJoin(sessions, liveSession(hash, now))
    .leftJoin(buyers, eq(buyers.id, sessions.buyerId))
    .leftJoin(viewerCreator, eq(viewerCreator.id, sessions.creatorId))
    .where(
      and(
        by === 'id'
          ? eq(posts.id, post)
          : and(eq(creators.slug, sql.placeholder('creator')), eq(posts.slug, post)),
        eq(posts.status, 'live'),
      ),
    )
    .prepare()
}

/** The prepared post read for `db` (by id or by creator and slug); the bench runs its SQL as a baseline. */
export const postReadsOf = preparedFor((db) => ({
  id: preparePostRead(db, 'id'),
  slug: preparePostRead(db, 'slug'),
}))

type PostRow = Awaited<ReturnType<ReturnType<typeof preparePostRead>['all']>>[number]

/** The statement's columns in the order drizzle selects them: each group's, as written, then the access column. */
const postLayout = Object.entries(postGroups).map(
  ([name, columns]) => [name, Object.entries(columns)] as const,
)
const postRowLength = postLayout.reduce((count, [, columns]) => count + columns.length, 1)

/**
 * A row of the post statement's `values()` as its `all()` gives it: each column decoded by its column, the
 * access column parsed, and the viewer's left-joined columns null when no one is signed in. With the layout known
 * up front this costs a fraction of drizzle's generic mapping (an entity check and a path walk per column, a copy
 * of the row, one more await), which took about 25 µs of a page view in the request flow.
 */
export function postRowFrom(row: readonly unknown[]): PostRow {
  if (row.length !== postRowLength)
    throw new Error(`post statement: ${row.length} columns, not ${postRowLength}`)
  const found: Record<string, unknown> = {}
  let at = 0
  for (const [name, columns] of postLayout) {
    const values: Record<string, unknown> = {}
    for (const [key, column] of columns) {
      const value = row[at++]
      values[key] = value === null ? null : column.mapFromDriverValue(value)
    }
    found[name] = values
  }
  found.access = parseAccess(row[at])
  return found as PostRow
}

/** A live post by id or by creator and slug, with the viewer and the access rules' decision. One statement. */
export async function readPost({ db, clock }: ReadDeps, session: SessionHash, where: PostWhere) {
  const now = clock.now()
  const reads = postReadsOf(db)
  const [row] =
    'postId' in where
      ? await reads.id.values({ hash: session ?? '', now, post: where.postId })
      : await reads.slug.values({
          hash: session ?? '',
          now,
          post: where.postSlug,
          creator: where.creatorSlug,
        })
  if (!row) throw notFound('post', 'postId' in where ? where.postId : where.postSlug)
  const found = postRowFrom(row)
  const viewer = toViewer(found.viewer ? [found.viewer] : [])
  const access = accessFrom(found.access, { buyerId: buyerOf(viewer), now })
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
  const [viewerRows, courseRows, lessonRows, progressRows, accessRows] = await db.batch([
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
    accessQuery(db, { buyerId, creatorId: sql`(select creator_id from offers where id = ${offerId})` }),
  ])
  const course = courseRows[0]
  // A draft course is not there for anyone; an archived one still serves those who bought it.
  if (!course || course.offer.status === 'draft') throw notFound('course', offerId)
  const viewer = toViewer(viewerRows)
  const access = accessFrom(accessData(accessRows), { buyerId: buyerOf(viewer), now })
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

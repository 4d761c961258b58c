/**
 * A post's audience as stored columns. A course audience must name a course offer of the same creator: the
 * offer is read scoped by creator_id, so another creator's offer looks exactly like an unknown id.
 */
import { and, eq } from 'drizzle-orm'
import { ruleError } from '../catalog/offer-rules'
import type { Db } from '../db/client'
import { type OfferKind, offers, type posts } from '../db/schema'
import { isId } from '../lib/ids'
import { validationFailed } from '../lib/problem'
import type { Audience } from './post-json'

type AudienceColumns = Pick<typeof posts.$inferSelect, 'audience' | 'minRank' | 'courseOfferId'>

/** The offer a course audience names, if it is one of this creator's: `[]` or `[{ kind }]`. */
export function selectOwnOfferKind(db: Db, creatorId: string, offerId: string) {
  return db
    .select({ kind: offers.kind })
    .from(offers)
    .where(and(eq(offers.id, offerId), eq(offers.creatorId, creatorId)))
    .limit(1)
}

/** The course id a course audience names, or null for other audiences. */
export function courseIdOf(audience: Audience | undefined): string | null {
  return audience?.type === 'course' ? audience.course_id : null
}

/**
 * Checks the audience against what `selectOwnOfferKind` found and returns the columns to write. Every column is
 * set, so changing a post's audience never leaves a stale min_rank or course id behind.
 */
export function audienceColumns(
  audience: Audience,
  courseOffer: { kind: OfferKind } | undefined,
): AudienceColumns {
  if (audience.type === 'tier') return { audience: 'tier', minRank: audience.min_rank, courseOfferId: null }
  if (audience.type === 'everyone') return { audience: 'everyone', minRank: null, courseOfferId: null }
  if (!courseOffer) throw validationFailed([ruleError('audience.course_id', 'audience_not_yours', {})])
  if (courseOffer.kind !== 'course')
    throw validationFailed([
      ruleError('audience.course_id', 'audience_not_course', { kind: courseOffer.kind }),
    ])
  return { audience: 'course', minRank: null, courseOfferId: audience.course_id }
}

/** Reads the course offer a course audience names (none for other audiences or ids that cannot be offers). */
export async function findCourseOffer(
  db: Db,
  creatorId: string,
  audience: Audience,
): Promise<{ kind: OfferKind } | undefined> {
  const courseId = courseIdOf(audience)
  if (!courseId || !isId('offer', courseId)) return undefined
  const [found] = await selectOwnOfferKind(db, creatorId, courseId)
  return found
}

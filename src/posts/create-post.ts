import type { CreatorRow } from '../app-env'
import { ruleError } from '../catalog/offer-rules'
import { uniqueViolation } from '../db/errors'
import { auditLog, posts } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import { newId } from '../lib/ids'
import { fieldConflict } from '../lib/problem'
import type * as z from '../lib/zod'
import { audienceColumns, findCourseOffer } from './audience'
import { type createPostSchema, type PostJson, type PostRow, postJson } from './post-json'
import { slugFromTitle, withRandomSuffix } from './slug'

/**
 * Creates a post with its audit row in one batch. A slug the creator chose that is taken is a 409; a slug
 * derived from the title that is taken gets a random suffix instead, since the creator never asked for it.
 */
export async function createPost(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  creator: Pick<CreatorRow, 'id'>,
  input: z.infer<typeof createPostSchema>,
  actor: Actor,
): Promise<PostJson> {
  const audience = audienceColumns(input.audience, await findCourseOffer(db, creator.id, input.audience))
  const now = clock.now()
  const row: PostRow = {
    id: newId('post', now),
    creatorId: creator.id,
    slug: input.slug ?? slugFromTitle(input.title),
    title: input.title,
    body: input.body,
    excerpt: input.excerpt ?? '',
    ...audience,
    status: input.status,
    publishedAt: input.status === 'live' ? now : null,
    archivedAt: null,
    createdAt: now,
    updatedAt: now,
  }
  const insert = (slug: string) =>
    db.batch([
      db.insert(posts).values({ ...row, slug }),
      db.insert(auditLog).values(
        auditRow({
          creatorId: creator.id,
          actor,
          action: 'post.create',
          subjectType: 'post',
          subjectId: row.id,
          detail: { slug, status: row.status, audience: row.audience },
          at: now,
        }),
      ),
    ])
  try {
    await insert(row.slug)
  } catch (error) {
    if (!slugTaken(error)) throw error
    if (input.slug) throw fieldConflict(ruleError('slug', 'post_slug_taken', { slug: input.slug }))
    row.slug = withRandomSuffix(row.slug)
    try {
      await insert(row.slug)
    } catch (retryError) {
      if (slugTaken(retryError)) throw fieldConflict(ruleError('slug', 'post_slug_underivable', {}))
      throw retryError
    }
  }
  return postJson(row)
}

export function slugTaken(error: unknown): boolean {
  return uniqueViolation(error)?.includes('posts.slug') ?? false
}

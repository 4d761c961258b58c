import { and, eq, sql } from 'drizzle-orm'
import type { CreatorRow } from '../app-env'
import { ruleError } from '../catalog/offer-rules'
import { auditLog, type OfferKind, posts } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import { isId } from '../lib/ids'
import { fieldConflict, notFound } from '../lib/problem'
import type * as z from '../lib/zod'
import { audienceColumns, courseIdOf, selectOwnOfferKind } from './audience'
import { slugTaken } from './create-post'
import { type PostJson, postJson, type updatePostSchema } from './post-json'
import { ownPostOr404, selectOwnPost } from './read-posts'

/**
 * Applies a partial update. The post and, for a course audience, the named offer are read in one batch; the
 * change and its audit row are written in another. Setting status draft or live also un-archives the post.
 */
export async function updatePost(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  creator: CreatorRow,
  postId: string,
  input: z.infer<typeof updatePostSchema>,
  actor: Actor,
): Promise<PostJson> {
  if (!isId('post', postId)) throw notFound('post', postId)
  const courseId = courseIdOf(input.audience)
  const [postRows, courseRows]: [Awaited<ReturnType<typeof selectOwnPost>>, { kind: OfferKind }[]] =
    courseId && isId('offer', courseId)
      ? await db.batch([selectOwnPost(db, creator.id, postId), selectOwnOfferKind(db, creator.id, courseId)])
      : [await selectOwnPost(db, creator.id, postId), []]
  const current = ownPostOr404(postRows, postId)
  const now = clock.now()
  const changes = {
    ...(input.title !== undefined && { title: input.title }),
    ...(input.slug !== undefined && { slug: input.slug }),
    ...(input.body !== undefined && { body: input.body }),
    ...(input.excerpt !== undefined && { excerpt: input.excerpt }),
    ...(input.audience !== undefined && audienceColumns(input.audience, courseRows[0])),
    ...(input.status !== undefined && {
      status: input.status,
      archivedAt: null,
      // In SQL, so two concurrent publishes keep the first time a post went live.
      ...(input.status === 'live' && { publishedAt: sql`coalesce(${posts.publishedAt}, ${now})` }),
    }),
    updatedAt: now,
  }
  try {
    const [updated] = await db.batch([
      db
        .update(posts)
        .set(changes)
        .where(and(eq(posts.id, current.id), eq(posts.creatorId, creator.id)))
        .returning(),
      db.insert(auditLog).values(
        auditRow({
          creatorId: creator.id,
          actor,
          action: 'post.update',
          subjectType: 'post',
          subjectId: current.id,
          detail: {
            fields: Object.keys(input).filter((key) => input[key as keyof typeof input] !== undefined),
          },
          at: now,
        }),
      ),
    ])
    const [row] = updated
    if (!row) throw notFound('post', postId)
    return postJson(row)
  } catch (error) {
    if (slugTaken(error))
      throw fieldConflict(ruleError('slug', 'post_slug_taken', { slug: String(input.slug) }))
    throw error
  }
}

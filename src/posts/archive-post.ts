import { and, eq, sql } from 'drizzle-orm'
import type { CreatorRow } from '../app-env'
import { auditLog, posts } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import { isId } from '../lib/ids'
import { notFound } from '../lib/problem'
import { type PostJson, postJson } from './post-json'
import { ownPostOr404, selectOwnPost } from './read-posts'

/**
 * Archives a post: it leaves the storefront and keeps its published_at. Archiving an archived post answers the
 * post as it is and writes nothing, so a retried request is harmless.
 */
export async function archivePost(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  creator: CreatorRow,
  postId: string,
  actor: Actor,
): Promise<PostJson> {
  if (!isId('post', postId)) throw notFound('post', postId)
  const current = ownPostOr404(await selectOwnPost(db, creator.id, postId), postId)
  if (current.status === 'archived') return postJson(current)
  const now = clock.now()
  const [updated] = await db.batch([
    db
      .update(posts)
      // coalesce: when two archive requests race, the first archive time stays.
      .set({ status: 'archived', archivedAt: sql`coalesce(${posts.archivedAt}, ${now})`, updatedAt: now })
      .where(and(eq(posts.id, current.id), eq(posts.creatorId, creator.id)))
      .returning(),
    db.insert(auditLog).values(
      auditRow({
        creatorId: creator.id,
        actor,
        action: 'post.archive',
        subjectType: 'post',
        subjectId: current.id,
        detail: { from: current.status },
        at: now,
      }),
    ),
  ])
  const [row] = updated
  if (!row) throw notFound('post', postId)
  return postJson(row)
}

import { and, desc, eq, lt } from 'drizzle-orm'
import type { Db } from '../db/client'
import { type OfferStatus, posts } from '../db/schema'
import type { Deps } from '../deps'
import { isId } from '../lib/ids'
import { type Page, toPage } from '../lib/pagination'
import { notFound } from '../lib/problem'
import { type PostJson, type PostRow, postJson } from './post-json'

/** One of the creator's posts: `[]` for an unknown id and for another creator's post alike. */
export function selectOwnPost(db: Db, creatorId: string, postId: string) {
  return db
    .select()
    .from(posts)
    .where(and(eq(posts.id, postId), eq(posts.creatorId, creatorId)))
    .limit(1)
}

/** The row `selectOwnPost` found, or a 404 that does not say whether the id belongs to someone else. */
export function ownPostOr404(rows: PostRow[], postId: string): PostRow {
  const [row] = rows
  if (!row) throw notFound('post', postId)
  return row
}

/**
 * `readPost` as one batch item and the function that answers the post from the item's rows, for a page that reads
 * the post beside other things in one round trip. A malformed id is a 404 at once, before anything is read.
 */
export function postRead(db: Db, creatorId: string, postId: string) {
  if (!isId('post', postId)) throw notFound('post', postId)
  return {
    query: selectOwnPost(db, creatorId, postId),
    answer: (rows: PostRow[]): PostJson => postJson(ownPostOr404(rows, postId)),
  }
}

export async function readPost(
  { db }: Pick<Deps, 'db'>,
  creatorId: string,
  postId: string,
): Promise<PostJson> {
  const read = postRead(db, creatorId, postId)
  return read.answer(await read.query)
}

/**
 * A page of the creator's posts, newest first like every list in the API (ids sort by time); `next_cursor` is
 * the last id shown.
 */
export async function listPosts(
  { db }: Pick<Deps, 'db'>,
  creatorId: string,
  query: { limit: number; cursor?: string | undefined; status?: OfferStatus | undefined },
): Promise<Page<PostJson>> {
  // One row more than asked says whether another page exists, without a count query.
  const rows = await db
    .select()
    .from(posts)
    .where(
      and(
        eq(posts.creatorId, creatorId),
        query.status ? eq(posts.status, query.status) : undefined,
        query.cursor ? lt(posts.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(posts.id))
    .limit(query.limit + 1)
  return toPage(rows, query.limit, postJson)
}

/** Posts' request and response shapes, and the row → JSON mapping every posts route answers with. */
import type { posts } from '../db/schema'
import { documented, named, slugSchema } from '../lib/openapi'
import { toIso } from '../lib/time'
import * as z from '../lib/zod'

export type PostRow = typeof posts.$inferSelect

/** Who may read a post's body. The excerpt and title are public either way. */
export const audienceSchema = named(
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('everyone') }),
    z.object({
      type: z.literal('tier'),
      min_rank: documented(z.int().check(z.minimum(1)), {
        description: 'Members of a tier of at least this rank',
      }),
    }),
    z.object({
      type: z.literal('course'),
      course_id: documented(z.string().check(z.maxLength(64)), {
        description: 'A course offer of yours (`off_…`)',
      }),
    }),
  ]),
  'PostAudience',
)

export type Audience = z.infer<typeof audienceSchema>

const title = z.string().check(z.trim(), z.minLength(1), z.maxLength(200))
const body = documented(z.string().check(z.maxLength(200_000)), { description: 'Markdown' })
const excerpt = documented(z.string().check(z.maxLength(1000)), {
  description: 'Shown to everyone, also when the body is locked',
})

export const createPostSchema = named(
  z.object({
    title,
    slug: z.optional(
      documented(slugSchema, {
        description:
          'Unique per creator. Derived from the title when absent (a short random one for titles with no Latin letters or digits).',
      }),
    ),
    body,
    excerpt: z.optional(excerpt),
    audience: audienceSchema,
    status: z._default(z.enum(['draft', 'live']), 'draft'),
  }),
  'CreatePost',
)

export const updatePostSchema = named(
  z
    .object({
      title: z.optional(title),
      slug: z.optional(slugSchema),
      body: z.optional(body),
      excerpt: z.optional(excerpt),
      audience: z.optional(audienceSchema),
      status: z.optional(
        documented(z.enum(['draft', 'live']), {
          description: 'An archived post edited to draft or live is no longer archived',
        }),
      ),
    })
    .check(
      z.refine(
        (input) => Object.values(input).some((value) => value !== undefined),
        'send at least one field',
      ),
    ),
  'UpdatePost',
)

export const postSchema = named(
  z.object({
    id: documented(z.string(), { example: 'pst_0kxq3v9t2a7bcd8e9fgh' }),
    slug: z.string(),
    title: z.string(),
    body: z.string(),
    excerpt: z.string(),
    audience: audienceSchema,
    status: z.enum(['draft', 'live', 'archived']),
    published_at: z.nullable(documented(z.string(), { description: 'When the post first went live' })),
    archived_at: z.nullable(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  }),
  'Post',
)

export type PostJson = z.infer<typeof postSchema>

export function postJson(row: PostRow): PostJson {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    body: row.body,
    excerpt: row.excerpt,
    audience: audienceJson(row),
    status: row.status,
    published_at: toIso(row.publishedAt),
    archived_at: toIso(row.archivedAt),
    created_at: toIso(row.createdAt) ?? '',
    updated_at: toIso(row.updatedAt) ?? '',
  }
}

function audienceJson(row: PostRow): Audience {
  // The columns are written together by `audienceColumns`, so min_rank / course_offer_id are set for their type.
  if (row.audience === 'tier') return { type: 'tier', min_rank: row.minRank ?? 1 }
  if (row.audience === 'course') return { type: 'course', course_id: row.courseOfferId ?? '' }
  return { type: 'everyone' }
}

/** Posts' request and response shapes, and the row → JSON mapping every posts route answers with. */
import { z } from '@hono/zod-openapi'
import type { posts } from '../db/schema'
import { slugSchema } from '../lib/openapi'
import { toIso } from '../lib/time'

export type PostRow = typeof posts.$inferSelect

/** Who may read a post's body. The excerpt and title are public either way. */
export const audienceSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('everyone') }),
    z.object({
      type: z.literal('tier'),
      min_rank: z.number().int().min(1).openapi({ description: 'Members of a tier of at least this rank' }),
    }),
    z.object({
      type: z.literal('course'),
      course_id: z.string().max(64).openapi({ description: 'A course offer of yours (`off_…`)' }),
    }),
  ])
  .openapi('PostAudience')

export type Audience = z.infer<typeof audienceSchema>

const title = z.string().trim().min(1).max(200)
const body = z.string().max(200_000).openapi({ description: 'Markdown' })
const excerpt = z
  .string()
  .max(1000)
  .openapi({ description: 'Shown to everyone, also when the body is locked' })

export const createPostSchema = z
  .object({
    title,
    slug: slugSchema.optional().openapi({
      description:
        'Unique per creator. Derived from the title when absent (a short random one for titles with no Latin letters or digits).',
    }),
    body,
    excerpt: excerpt.optional(),
    audience: audienceSchema,
    status: z.enum(['draft', 'live']).default('draft'),
  })
  .openapi('CreatePost')

export const updatePostSchema = z
  .object({
    title: title.optional(),
    slug: slugSchema.optional(),
    body: body.optional(),
    excerpt: excerpt.optional(),
    audience: audienceSchema.optional(),
    status: z
      .enum(['draft', 'live'])
      .optional()
      .openapi({ description: 'An archived post edited to draft or live is no longer archived' }),
  })
  .refine((input) => Object.values(input).some((value) => value !== undefined), 'send at least one field')
  .openapi('UpdatePost')

export const postSchema = z
  .object({
    id: z.string().openapi({ example: 'pst_0kxq3v9t2a7bcd8e9fgh' }),
    slug: z.string(),
    title: z.string(),
    body: z.string(),
    excerpt: z.string(),
    audience: audienceSchema,
    status: z.enum(['draft', 'live', 'archived']),
    published_at: z.string().nullable().openapi({ description: 'When the post first went live' }),
    archived_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Post')

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

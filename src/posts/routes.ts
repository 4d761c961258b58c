/**
 * The posts API: a creator writes posts for everyone, for members of a tier rank, or for buyers of a course.
 * Authentication (the creator's API key) is applied by app.ts; every verb is scoped by `c.var.creator`.
 */
import type { AppEnv } from '../app-env'
import { offerStatuses } from '../db/schema'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute } from '../lib/api-route'
import { errorResponses, jsonBody, jsonResponse, listQuery, pageSchema, pathId } from '../lib/openapi'
import * as z from '../lib/zod'
import { archivePost } from './archive-post'
import { createPost } from './create-post'
import { createPostSchema, postSchema, updatePostSchema } from './post-json'
import { listPosts, readPost } from './read-posts'
import { updatePost } from './update-post'

const bearer = [{ bearerAuth: [] }]
const tags = ['posts']
const postParams = z.object({ id: pathId('Post id', 'pst_0kxq3v9t2a7bcd8e9fgh') })

const createPostRoute = defineRoute({
  method: 'post',
  path: '/posts',
  tags,
  summary: 'Write a post',
  security: bearer,
  request: { body: jsonBody(createPostSchema) },
  responses: {
    201: jsonResponse(postSchema, 'The post'),
    ...errorResponses(400, 401, 409, 413, 415, 422),
  },
})

const listPostsRoute = defineRoute({
  method: 'get',
  path: '/posts',
  tags,
  summary: 'List your posts, oldest first',
  security: bearer,
  request: { query: z.extend(listQuery, { status: z.optional(z.enum(offerStatuses)) }) },
  responses: {
    200: jsonResponse(pageSchema(postSchema, 'PostPage'), 'A page of posts'),
    ...errorResponses(401, 422),
  },
})

const readPostRoute = defineRoute({
  method: 'get',
  path: '/posts/{id}',
  tags,
  summary: 'Read one of your posts',
  security: bearer,
  request: { params: postParams },
  responses: { 200: jsonResponse(postSchema, 'The post'), ...errorResponses(401, 404) },
})

const updatePostRoute = defineRoute({
  method: 'patch',
  path: '/posts/{id}',
  tags,
  summary: 'Change a post (any field; status draft or live also un-archives it)',
  security: bearer,
  request: { params: postParams, body: jsonBody(updatePostSchema) },
  responses: {
    200: jsonResponse(postSchema, 'The updated post'),
    ...errorResponses(400, 401, 404, 409, 413, 415, 422),
  },
})

const archivePostRoute = defineRoute({
  method: 'post',
  path: '/posts/{id}/archive',
  tags,
  summary: 'Archive a post (idempotent)',
  security: bearer,
  request: { params: postParams },
  responses: { 200: jsonResponse(postSchema, 'The archived post'), ...errorResponses(401, 404) },
})

export function postRoutes(deps: Deps) {
  return apiRoutes<AppEnv>()
    .openapi(createPostRoute, async (c) =>
      c.json(await createPost(deps, c.var.creator, c.req.valid('json'), c.var.actor), 201),
    )
    .openapi(listPostsRoute, async (c) =>
      c.json(await listPosts(deps, c.var.creator.id, c.req.valid('query')), 200),
    )
    .openapi(readPostRoute, async (c) =>
      c.json(await readPost(deps, c.var.creator.id, c.req.valid('param').id), 200),
    )
    .openapi(updatePostRoute, async (c) =>
      c.json(
        await updatePost(deps, c.var.creator, c.req.valid('param').id, c.req.valid('json'), c.var.actor),
        200,
      ),
    )
    .openapi(archivePostRoute, async (c) =>
      c.json(await archivePost(deps, c.var.creator, c.req.valid('param').id, c.var.actor), 200),
    )
}

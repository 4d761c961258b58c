/**
 * The route layer (src/lib/api-route.ts) and the document built from it (src/lib/openapi-document.ts), on a
 * small app of their own: what a request meets before its handler, and what /openapi.json says about it.
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { apiRoutes, defineRoute } from '../../src/lib/api-route'
import { documented, errorResponses, jsonBody, jsonResponse, named } from '../../src/lib/openapi'
import { openApiDocument } from '../../src/lib/openapi-document'
import { Problem } from '../../src/lib/problem'
import * as z from '../../src/lib/zod'

const noteSchema = named(
  z.object({
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(20)),
    stars: z.optional(documented(z.int().check(z.minimum(0)), { description: 'How good', example: 3 })),
  }),
  'TestNote',
)

const routes = {
  update: defineRoute({
    method: 'patch',
    path: '/notes/{id}',
    tags: ['notes'],
    summary: 'Update a note',
    request: {
      params: z.object({ id: z.string().check(z.startsWith('n_')) }),
      query: z.object({ tag: z.optional(z.union([z.string(), z.array(z.string())])) }),
      body: jsonBody(noteSchema),
    },
    responses: { 200: jsonResponse(noteSchema, 'The note'), ...errorResponses(400, 415, 422) },
  }),
  list: defineRoute({
    method: 'get',
    path: '/notes',
    summary: 'List notes',
    request: {
      query: z.object({
        limit: z._default(z.coerce.number().check(z.int(), z.maximum(10)), 5),
        q: documented(z.string(), { description: 'Search text' }),
      }),
    },
    responses: { 200: jsonResponse(z.array(noteSchema), 'Notes'), ...errorResponses(422) },
  }),
}

function testApp() {
  const api = apiRoutes()
    .openapi(routes.update, (c) =>
      c.json({ id: c.req.valid('param').id, tag: c.req.valid('query').tag, note: c.req.valid('json') }),
    )
    .openapi(routes.list, (c) => c.json(c.req.valid('query')))
  const app = new Hono().route('/', api.app)
  app.onError((error, c) =>
    error instanceof Problem ? c.json(error.toJSON(c.req.path), error.status as 400) : c.text('boom', 500),
  )
  return { app, api }
}

async function send(path: string, init?: RequestInit) {
  const res = await testApp().app.request(path, init)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const json = (body: unknown) => ({
  method: 'PATCH',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe('a declared route', () => {
  it('hands the handler its validated, transformed parts', async () => {
    const res = await send('/notes/n_1?tag=a&tag=b', json({ title: '  Hello ', stars: 2 }))
    expect(res).toEqual({
      status: 200,
      body: { id: 'n_1', tag: ['a', 'b'], note: { title: 'Hello', stars: 2 } },
    })
    expect((await send('/notes/n_1?tag=a', json({ title: 'x' }))).body.tag).toBe('a')
    expect((await send('/notes?q=x')).body).toEqual({ limit: 5, q: 'x' })
    expect((await send('/notes?q=x&limit=7')).body).toEqual({ limit: 7, q: 'x' })
  })

  it('answers 422 naming each field, for the path, the query and the body', async () => {
    const path = await send('/notes/x_1', json({ title: 'x' }))
    expect(path.status).toBe(422)
    expect(path.body.errors).toEqual([expect.objectContaining({ path: 'id' })])

    const query = await send('/notes?limit=11')
    expect(query.status).toBe(422)
    expect((query.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['limit', 'q'])

    const body = await send('/notes/n_1', json({ title: '   ', stars: -1.5 }))
    expect(body.status).toBe(422)
    const errors = body.body.errors as { path: string; message: string }[]
    expect(errors.map((e) => e.path).sort()).toEqual(['stars', 'title'])
    // English messages from zod/mini (configured by src/lib/zod.ts), not the bare "Invalid input".
    expect(errors.find((e) => e.path === 'title')?.message).toMatch(/>=1 characters/)
  })

  it('answers 415 for a body that is not JSON, 400 for JSON that does not parse', async () => {
    const text = await send('/notes/n_1', {
      method: 'PATCH',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    })
    expect(text.status).toBe(415)
    const untyped = await send('/notes/n_1', { method: 'PATCH', body: new Uint8Array([123, 125]) })
    expect(untyped.status).toBe(415)
    const broken = await send('/notes/n_1', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"title":',
    })
    expect(broken.status).toBe(400)
    // Neither a type nor a body: validated as `{}`, so the missing fields are named.
    const empty = await send('/notes/n_1', { method: 'PATCH' })
    expect(empty.status).toBe(422)
    expect(empty.body.errors).toEqual([expect.objectContaining({ path: 'title' })])
  })
})

describe('the document built from the declarations', () => {
  const document = () =>
    openApiDocument(
      testApp().api.specs.map((spec) => ({ prefix: '/api', spec })),
      { info: { title: 't', version: '1', description: 'd' }, securitySchemes: {} },
    ) as {
      paths: Record<string, Record<string, Record<string, unknown>>>
      components: { schemas: Record<string, unknown> }
    }

  it('lists each route with its parameters, body and responses, named schemas once by reference', () => {
    const doc = document()
    const update = doc.paths['/api/notes/{id}']?.patch
    expect(update?.summary).toBe('Update a note')
    expect(update?.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
      expect.objectContaining({ name: 'tag', in: 'query', required: false }),
    ])
    expect(update?.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/TestNote' } } },
    })
    expect(Object.keys(update?.responses as object)).toEqual(['200', '400', '415', '422', '500'])
    expect(doc.components.schemas.TestNote).toMatchObject({
      type: 'object',
      required: ['title'],
      properties: { stars: { type: 'integer', minimum: 0, description: 'How good', example: 3 } },
    })
    expect(doc.components.schemas.Problem).toBeDefined()

    const list = doc.paths['/api/notes']?.get
    expect(list?.parameters).toEqual([
      expect.objectContaining({
        name: 'limit',
        required: false,
        schema: expect.objectContaining({ default: 5 }),
      }),
      expect.objectContaining({ name: 'q', required: true, description: 'Search text' }),
    ])
  })

  it('refuses two different schemas under one name, and one route declared twice', () => {
    const other = named(z.object({ body: z.string() }), 'TestNote')
    const clash = defineRoute({
      ...routes.list,
      path: '/other',
      responses: { 200: jsonResponse(other, 'x') },
    })
    const about = { info: { title: 't', version: '1', description: 'd' }, securitySchemes: {} }
    expect(() =>
      openApiDocument(
        [routes.list, clash].map((spec) => ({ prefix: '', spec })),
        about,
      ),
    ).toThrow(/two different schemas are named TestNote/)
    expect(() =>
      openApiDocument(
        [routes.list, routes.list].map((spec) => ({ prefix: '', spec })),
        about,
      ),
    ).toThrow(/GET \/notes is declared twice/)
  })
})

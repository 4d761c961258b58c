/**
 * The JSON API's routes: each declared once (method, path, request and response schemas, summary), validated
 * by that declaration, and listed for /openapi.json (src/lib/openapi-document.ts) from the same declaration.
 *
 * Schemas are `zod/mini`, whose functions a bundler keeps only when used: the Worker carries the checks the
 * routes make and nothing else. A route's handler reads what passed validation with `c.req.valid('param' |
 * 'query' | 'json')`, typed from the schemas.
 *
 * What a request meets before its handler, in this order (the same for every route):
 * - path parameters, then the query, each against its schema → 422 listing each field;
 * - a declared JSON body: another content type, or a body without one → 415; JSON that does not parse → 400;
 *   then the schema → 422. A request with neither a content type nor a body is validated as `{}`.
 */
import { type Context, type Env, Hono, type MiddlewareHandler } from 'hono'
import { validationProblem } from './openapi'
import { malformedJson, unsupportedMediaType } from './problem'
import type * as z from './zod'

type Schema = z.ZodMiniType

export interface ResponseSpec {
  description: string
  content?: Record<string, { schema: Schema }>
}

export interface BodySpec {
  required: true
  description?: string | undefined
  content: { 'application/json': { schema: Schema } }
}

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI style: `/offers/{id}`. */
  path: string
  tags?: string[]
  summary: string
  description?: string
  security?: Record<string, string[]>[]
  request?: { params?: Schema; query?: Schema; body?: BodySpec }
  responses: Record<number, ResponseSpec>
}

/** A route's declaration, kept exactly as written (its schemas' types flow to the handler). */
export const defineRoute = <const R extends RouteSpec>(route: R): R => route

type Request<R extends RouteSpec> = NonNullable<R['request']>
type None = Record<never, never>
type Valid<R extends RouteSpec> = (Request<R> extends { params: infer S extends Schema }
  ? { param: z.output<S> }
  : None) &
  (Request<R> extends { query: infer S extends Schema } ? { query: z.output<S> } : None) &
  (Request<R> extends { body: { content: { 'application/json': { schema: infer S extends Schema } } } }
    ? { json: z.output<S> }
    : None)

/** The context a route's handler gets: `c.req.valid(…)` answers the validated parts of the request. */
export type RouteContext<E extends Env, R extends RouteSpec> = Context<E, string, { out: Valid<R> }>

export type RouteHandler<E extends Env, R extends RouteSpec> = (
  c: RouteContext<E, R>,
) => Response | Promise<Response>

/** A feature's API routes: a Hono app to mount, and the declarations behind it for the document. */
export class ApiRoutes<E extends Env> {
  readonly app = new Hono<E>()
  readonly specs: RouteSpec[] = []

  openapi<const R extends RouteSpec>(route: R, handler: RouteHandler<E, R>): this {
    this.specs.push(route)
    // The handler's context type narrows Hono's (its validated input); the validator below provides exactly it.
    this.app.on(route.method.toUpperCase(), honoPath(route.path), validate(route), handler as never)
    return this
  }
}

export function apiRoutes<E extends Env>(): ApiRoutes<E> {
  return new ApiRoutes<E>()
}

/** `/offers/{id}` → `/offers/:id`. */
function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1')
}

function parse(schema: Schema, value: unknown): unknown {
  const result = schema.safeParse(value)
  if (!result.success) throw validationProblem(result.error)
  return result.data
}

const jsonContentType = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i

function validate(route: RouteSpec): MiddlewareHandler {
  const { params, query, body } = route.request ?? {}
  const bodySchema = body?.content['application/json'].schema
  return async (c, next) => {
    if (params) c.req.addValidatedData('param', parse(params, c.req.param()) as object)
    if (query) {
      const values: Record<string, string | string[]> = {}
      for (const [name, all] of Object.entries(c.req.queries())) {
        const [only, ...more] = all
        values[name] = only !== undefined && more.length === 0 ? only : all
      }
      c.req.addValidatedData('query', parse(query, values) as object)
    }
    if (bodySchema) c.req.addValidatedData('json', parse(bodySchema, await jsonBodyOf(c)) as object)
    await next()
  }
}

async function jsonBodyOf(c: Context): Promise<unknown> {
  const contentType = c.req.header('content-type')
  if (contentType === undefined) {
    if ((await c.req.text()).length > 0) throw unsupportedMediaType()
    return {}
  }
  if (!jsonContentType.test(contentType)) throw unsupportedMediaType()
  try {
    return await c.req.json()
  } catch {
    throw malformedJson()
  }
}

/**
 * Shared OpenAPI pieces: the problem schema, error responses, JSON bodies and cursor pagination, so every
 * route documents its errors the same way.
 */
import { currencies, maxAmount } from './money'
import { validationFailed } from './problem'
import * as z from './zod'

/**
 * Names a schema: the OpenAPI document lists it once under `components.schemas` and refers to it by `$ref`.
 * A named schema is final: refining or extending it would inherit the name (and the document generator refuses
 * two different schemas under one name), so derive from the unnamed shape instead.
 */
export function named<T extends z.ZodMiniType>(schema: T, id: string): T {
  return schema.with(z.meta({ id }))
}

/** Documentation for one schema or field: a description and/or an example, shown in /openapi.json. */
export function documented<T extends z.ZodMiniType>(
  schema: T,
  meta: { description?: string; example?: unknown },
): T {
  return schema.with(z.meta(meta))
}

export const problemSchema = named(
  z.object({
    type: documented(z.string(), { example: '/problems/not-found' }),
    title: documented(z.string(), { example: 'Not found' }),
    status: documented(z.int(), { example: 404 }),
    detail: documented(z.string(), { example: 'No offer off_0kxq3v9t2a7bcd8e9fgh exists.' }),
    instance: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
  'Problem',
)

const errorDescriptions = {
  400: 'Malformed request (e.g. invalid JSON)',
  401: 'Missing or wrong API key',
  402: 'Payment required to access this resource',
  403: 'Not allowed',
  404: 'Not found (also for rows of another creator)',
  409: 'Conflicts with existing data',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Validation failed; `errors` lists each field',
  500: 'Unexpected error',
} as const

type ErrorStatus = keyof typeof errorDescriptions

/** `errorResponses(401, 404)` → the OpenAPI `responses` entries for those statuses as problem+json. */
export function errorResponses(...statuses: ErrorStatus[]) {
  const out: Record<string, ReturnType<typeof problemResponse>> = {}
  for (const status of [...statuses, 500 as const]) out[status] = problemResponse(errorDescriptions[status])
  return out
}

/** One problem+json response with its own description, e.g. what a 502 from Stripe means for this route. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: problemSchema } } }
}

/** The answers of a route that calls Stripe: 502 when Stripe refuses or fails (`what` did not happen), 503 without it. */
export function stripeResponses(whenRefused: string) {
  return {
    502: problemResponse(`Stripe refused or failed; ${whenRefused}`),
    503: problemResponse('Stripe is not configured'),
  }
}

/** A required JSON request body. `required: true` makes a non-JSON body a 415 instead of being skipped. */
export function jsonBody<T extends z.ZodMiniType>(schema: T, description?: string) {
  return {
    required: true as const,
    description,
    content: { 'application/json': { schema } },
  }
}

export function jsonResponse<T extends z.ZodMiniType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

/** Zod issues as one 422 problem listing each field; the one mapping for routes, pages and the CLI. */
export function validationProblem(error: z.core.$ZodError) {
  return validationFailed(
    error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  )
}

// The integer message as a check of a number, so that a value of another type keeps zod's own "expected number".
export const moneyAmount = z
  .number()
  .check(
    z.int('must be an integer number of minor units (e.g. 20000 for ¥200.00)'),
    z.minimum(0, 'must not be negative'),
    z.maximum(maxAmount, `must be at most ${maxAmount}`),
  )

export const currencyCode = z.enum(currencies, {
  error: `must be one of ${currencies.join(', ')}`,
})

export const slugSchema = z
  .string()
  .check(
    z.minLength(2),
    z.maxLength(64),
    z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens'),
  )

/** A path parameter naming a row by id (`off_…`, `buy_…`): at most 64 characters, documented with an example. */
export function pathId(description: string, example: string) {
  return documented(z.string().check(z.maxLength(64)), { description, example })
}

export const isoDateTime = z.iso.datetime({ offset: true })

/** `?limit=` and `?cursor=` of every list; a list adds its own filters with `z.extend(listQuery, {…})`. */
export const listQuery = z.object({
  limit: documented(z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20), {
    example: 20,
  }),
  cursor: z.optional(
    documented(z.string().check(z.maxLength(64)), { description: '`next_cursor` from the previous page' }),
  ),
})

/** A page of items; `next_cursor` is null on the last page. */
export function pageSchema<T extends z.ZodMiniType>(item: T, name: string) {
  return named(z.object({ data: z.array(item), next_cursor: z.nullable(z.string()) }), name)
}

/** An IANA time zone name that this runtime's Intl knows, e.g. Asia/Shanghai. */
export const timeZoneSchema = z.string().check(
  z.maxLength(64),
  z.refine((value) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value })
      return true
    } catch {
      return false
    }
  }, 'must be an IANA time zone such as Asia/Shanghai'),
)

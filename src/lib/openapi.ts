/**
 * Shared OpenAPI pieces: the problem schema, error responses, JSON bodies and cursor pagination, so every
 * route documents its errors the same way.
 */
import { z } from '@hono/zod-openapi'
import { currencies, maxAmount } from './money'
import { validationFailed } from './problem'

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/not-found' }),
    title: z.string().openapi({ example: 'Not found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: 'No offer off_0kxq3v9t2a7bcd8e9fgh exists.' }),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem')

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
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    description,
    content: { 'application/json': { schema } },
  }
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

/** Zod issues as one 422 problem listing each field; the one mapping for routes, pages and the CLI. */
export function validationProblem(error: z.ZodError) {
  return validationFailed(
    error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  )
}

/** The validation hook for every route. */
export function validationHook(result: { success: boolean; error?: unknown }): void {
  if (!result.success) throw validationProblem(result.error as z.ZodError)
}

export const moneyAmount = z
  .number()
  .int('must be an integer number of minor units (e.g. 20000 for ¥200.00)')
  .min(0, 'must not be negative')
  .max(maxAmount, `must be at most ${maxAmount}`)

export const currencyCode = z.enum(currencies, {
  error: `must be one of ${currencies.join(', ')}`,
})

export const slugSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens')

export const isoDateTime = z.iso.datetime({ offset: true })

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(64).optional().openapi({ description: '`next_cursor` from the previous page' }),
})

/** A page of items; `next_cursor` is null on the last page. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name)
}

/** An IANA time zone name that this runtime's Intl knows, e.g. Asia/Shanghai. */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine((value) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value })
      return true
    } catch {
      return false
    }
  }, 'must be an IANA time zone such as Asia/Shanghai')

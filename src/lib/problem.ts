/**
 * RFC 9457 problem details: the one error shape of quanzi.
 *
 * Verbs throw a `Problem`; `app.onError` renders it as `application/problem+json` for API clients or as a
 * readable page for browsers. Anything that is not a `Problem` is logged and answered as a generic 500 with no
 * internal text.
 */
export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  instance?: string
  /** Field-level validation errors: where, and what is wrong. */
  errors?: { path: string; message: string }[]
  [extension: string]: unknown
}

/**
 * What is wrong with one field: where (`path`) and, in English, what (`message`): the two things the API
 * answers. A business rule's refusal also names the rule (`code`, `params`; see catalog/offer-rules.ts), so a
 * page can say the same in its own language. Code and params stay on the thrown `Problem` and are never
 * serialized: the problem body keeps `{ path, message }`.
 */
export interface FieldError {
  path: string
  message: string
  code?: string
  params?: Readonly<Record<string, string | number>>
}

export class Problem extends Error {
  readonly status: number
  readonly slug: string
  readonly title: string
  readonly detail: string
  readonly extensions: Record<string, unknown>
  /** Response headers that belong to this problem (e.g. WWW-Authenticate on a 401). */
  readonly headers: Record<string, string> = {}
  /** The fields this problem is about, with their rule codes; not part of the body (see `FieldError`). */
  readonly fieldErrors: readonly FieldError[]

  constructor(
    status: number,
    slug: string,
    title: string,
    detail: string,
    extensions: Record<string, unknown> = {},
    fieldErrors: readonly FieldError[] = [],
  ) {
    super(detail)
    this.name = 'Problem'
    this.status = status
    this.slug = slug
    this.title = title
    this.detail = detail
    this.extensions = extensions
    this.fieldErrors = fieldErrors
  }

  toJSON(instance?: string): ProblemBody {
    return {
      type: `/problems/${this.slug}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    }
  }
}

export const problemContentType = 'application/problem+json'

export const badRequest = (detail: string, extensions?: Record<string, unknown>) =>
  new Problem(400, 'bad-request', 'Bad request', detail, extensions)

export const malformedJson = (detail = 'The request body is not valid JSON.') =>
  new Problem(400, 'malformed-json', 'Malformed JSON', detail)

export const validationFailed = (errors: FieldError[]) =>
  new Problem(
    422,
    'validation-failed',
    'Validation failed',
    errors.length === 1 && errors[0]
      ? `${errors[0].path || 'body'}: ${errors[0].message}`
      : `${errors.length} fields are invalid; see errors.`,
    { errors: errors.map(({ path, message }) => ({ path, message })) },
    errors,
  )

export const unauthorized = (detail: string, challenge = 'Bearer realm="quanzi"') => {
  const problem = new Problem(401, 'unauthorized', 'Not signed in', detail)
  problem.headers['WWW-Authenticate'] = challenge
  return problem
}

export const forbidden = (detail: string) => new Problem(403, 'forbidden', 'Not allowed', detail)

/** `notFound('offer', id)` → 404 "No offer off_… exists." Also used for another creator's rows. */
export const notFound = (kind: string, id?: string) =>
  new Problem(404, 'not-found', 'Not found', id ? `No ${kind} ${id} exists.` : `No such ${kind}.`)

export const conflict = (detail: string, extensions?: Record<string, unknown>) =>
  new Problem(409, 'conflict', 'Conflict', detail, extensions)

/** A 409 about one field (a taken slug): the body is `conflict(error.message)`'s; the field rides along. */
export const fieldConflict = (error: FieldError) =>
  new Problem(409, 'conflict', 'Conflict', error.message, {}, [error])

export const payloadTooLarge = (limitBytes: number) =>
  new Problem(
    413,
    'payload-too-large',
    'Payload too large',
    `The request body is larger than ${limitBytes} bytes.`,
  )

export const unsupportedMediaType = (detail = 'Send the body as application/json.') =>
  new Problem(415, 'unsupported-media-type', 'Unsupported media type', detail)

export const misconfigured = (missing: string[]) =>
  new Problem(
    500,
    'misconfigured',
    'Server misconfigured',
    `The server is missing required configuration: ${missing.join(', ')}. The operator must set it (wrangler secret put <NAME>) and redeploy.`,
  )

export const serviceUnavailable = (detail: string) =>
  new Problem(503, 'unavailable', 'Service unavailable', detail)

/** Stripe refused or could not be reached; `detail` says what did not happen. */
export const paymentProviderUnavailable = (detail: string) =>
  new Problem(502, 'payment-provider-unavailable', 'Payment provider unavailable', detail)

/**
 * The rules refused gated content: why (`reason`), what would open it (`buy`: offer ids), and for a lesson not
 * yet open, when it opens. 402 so a client can tell "pay" from "not found" and "not signed in".
 */
export const paymentRequired = (
  detail: string,
  extensions: { reason: string; buy: string[]; opens_at?: string | null },
) => new Problem(402, 'access-required', 'Access required', detail, extensions)

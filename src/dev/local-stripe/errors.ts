/**
 * Stripe-shaped errors: `{ error: { type, message, param?, code?, doc_url? } }` with Stripe's status codes, so the
 * SDK raises the same error classes it raises against api.stripe.com (it picks the class from the status:
 * 400/404 → StripeInvalidRequestError or StripeIdempotencyError, 401 → StripeAuthenticationError, 5xx →
 * StripeAPIError).
 */

export interface StripeErrorBody {
  error: { type: string; message: string; param?: string; code?: string; doc_url?: string }
}

export class StripeFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param?: string,
    readonly code?: string,
  ) {
    super(message)
  }

  toBody(): StripeErrorBody {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.param ? { param: this.param } : {}),
        ...(this.code
          ? {
              code: this.code,
              doc_url: `https://stripe.com/docs/error-codes/${this.code.replaceAll('_', '-')}`,
            }
          : {}),
      },
    }
  }
}

export function invalidRequest(message: string, param?: string, code?: string): StripeFault {
  return new StripeFault(400, 'invalid_request_error', message, param, code)
}

export function missingParam(param: string): StripeFault {
  return invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing')
}

export function unknownParam(param: string): StripeFault {
  return invalidRequest(`Received unknown parameter: ${param}`, param, 'parameter_unknown')
}

/** `No such customer: 'cus_x'`: 404 for the object in the path, 400 for an id passed as a parameter. */
export function noSuch(kind: string, id: string, param: string, status: 400 | 404): StripeFault {
  return new StripeFault(
    status,
    'invalid_request_error',
    `No such ${kind}: '${id}'`,
    param,
    'resource_missing',
  )
}

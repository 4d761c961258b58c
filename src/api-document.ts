/**
 * quanzi's API document (OpenAPI 3.1, served at /openapi.json): what it says about the API as a whole, and the
 * routes' own declarations (src/lib/openapi-document.ts) for the rest. Node serves it from here; the Worker
 * serves the same document as a static asset, written by scripts/build-openapi.ts when wrangler builds.
 */
import { type DocumentedRoute, openApiDocument } from './lib/openapi-document'

const about = {
  info: {
    title: 'quanzi API',
    version: '1',
    description:
      'Creators manage memberships, courses, consultations, groups and posts. Errors are application/problem+json (RFC 9457). Money is integer minor units with an ISO 4217 currency; times are ISO 8601 UTC.',
  },
  securitySchemes: {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      description: "A creator's API key (`qz_…`), from `npm run cli -- creators:create` or the admin API.",
    },
    sessionCookie: {
      type: 'apiKey',
      in: 'cookie',
      name: 'qz_session',
      description: 'A buyer’s session, from signing in by magic link at /login.',
    },
    adminToken: { type: 'http', scheme: 'bearer', description: 'The operator token, ADMIN_TOKEN.' },
  },
}

export function apiDocument(routes: DocumentedRoute[]): object {
  return openApiDocument(routes, about)
}

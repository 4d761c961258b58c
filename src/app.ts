/**
 * createApp(deps): the whole HTTP surface, shared by the Node and Worker entries.
 * Middleware, one error handler, the OpenAPI document, and each feature's routes.
 */
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { accessRoutes } from './access/routes'
import { requireSameOrigin, requireSameOriginForCookies } from './accounts/csrf'
import { requireAdmin, requireCreator } from './accounts/middleware'
import { adminRoutes, creatorRoutes } from './accounts/routes'
import { safeNext } from './accounts/sign-in'
import { signInRoutes } from './accounts/sign-in-routes'
import type { AppEnv } from './app-env'
import { billingRoutes } from './billing/routes'
import { bookingRoutes } from './bookings/routes'
import { catalogRoutes } from './catalog/routes'
import { checkoutRoutes } from './checkout/routes'
import { editorPages } from './dashboard/editor-pages'
import { insightPages } from './dashboard/insights'
import { dashboardPages } from './dashboard/page'
import { dashboardRoutes } from './dashboard/routes'
import { databaseUnavailable } from './db/errors'
import type { Deps } from './deps'
import { groupRoutes } from './groups/routes'
import { ApiRoutes } from './lib/api-route'
import type { DocumentedRoute } from './lib/openapi-document'
import {
  malformedJson,
  notFound,
  Problem,
  payloadTooLarge,
  problemContentType,
  serviceUnavailable,
  unsupportedMediaType,
} from './lib/problem'
import { libraryRoutes } from './library/routes'
import { memberRoutes } from './members/routes'
import { postRoutes } from './posts/routes'
import { storefrontRoutes } from './storefront/routes'
import { assetRoutes } from './web/assets'
import { languageRoutes, pageLocale, rememberLanguage } from './web/locale'
import { ProblemPage } from './web/problem-page'

/** Sent with every response. */
const securityHeaderValues = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
] as const

export interface AppOptions {
  /**
   * Serves GET /openapi.json, built from the API routes' declarations (src/api-document.ts). Node and the tests
   * pass it. The Worker does not: there the document is a static asset written at build time
   * (scripts/build-openapi.ts), so the bundle carries no JSON Schema converter.
   */
  apiDocument?: (routes: DocumentedRoute[]) => object
}

export function createApp(deps: Deps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>()
  const maxBody = deps.config.MAX_BODY_BYTES

  app.use('*', requestId({ headerName: 'x-request-id' }))
  app.use('*', async function securityHeaders(c, next) {
    // Set before the handler, so the response it builds carries them (a handler may still choose a stricter
    // value: /login/verify's `same-origin`), then added to a response that came out without them (a raw
    // Response). Only where missing: a header set on a finished response makes Hono copy it, and on Node that
    // turns @hono/node-server's string body into a stream it must read back, about 0.15 ms of CPU per page view
    // under load (bench/gated-read.ts).
    for (const [name, value] of securityHeaderValues) c.header(name, value)
    await next()
    for (const [name, value] of securityHeaderValues) if (!c.res.headers.has(name)) c.header(name, value)
  })
  const limitBody = bodyLimit({
    maxSize: maxBody,
    onError: () => {
      throw payloadTooLarge(maxBody)
    },
  })
  // A GET or HEAD has no body (a Request cannot carry one). A declared Content-Length is checked as a header:
  // Node's and workerd's HTTP parsers hold a request to it, so the body never needs touching; only a chunked
  // upload is counted as it streams (hono's bodyLimit). Touching `c.req.raw.body` at all makes @hono/node-server
  // build the full web Request and read the body back through a stream, about 0.3 ms of CPU per webhook.
  app.use('*', (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const declared = c.req.header('content-length')
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined) return limitBody(c, next)
    if (Number.parseInt(declared, 10) > maxBody) throw payloadTooLarge(maxBody)
    return next()
  })

  app.use('*', rememberLanguage())
  // Browser forms: a state-changing request must come from this site (accounts/csrf.ts).
  app.use('*', requireSameOrigin(deps))

  // One gate for the JSON API: the operator token for admin routes, nothing for public reads, the buyer's
  // session for /me, and for everything else a creator's API key or signed-in creator session. Applied before
  // routing, so an unauthenticated caller learns nothing.
  const admin = requireAdmin(deps)
  const creator = requireCreator(deps)
  const buyerCookie = requireSameOriginForCookies(deps)
  app.use('/api/v1/*', async function apiAuth(c, next) {
    const path = c.req.path
    if (path.startsWith('/api/v1/public/')) return next()
    // The buyer's own API authenticates by session cookie; each handler reads the session in its one batch.
    if (path === '/api/v1/me' || path.startsWith('/api/v1/me/')) return buyerCookie(c, next)
    if (path.startsWith('/api/v1/admin/')) return admin(c, next)
    return creator(c, next)
  })

  app.route('/', assetRoutes())
  app.route('/', languageRoutes(deps))

  app.get('/healthz', async (c) => {
    await deps.db.run('select 1')
    return c.json({ ok: true })
  })

  // The JSON API's declarations, for /openapi.json; pages and webhooks are not part of it.
  const documented: DocumentedRoute[] = []
  const mount = (prefix: '/' | '/api/v1', routes: ApiRoutes<AppEnv> | Hono<AppEnv>) => {
    if (!(routes instanceof ApiRoutes)) return app.route(prefix, routes)
    for (const spec of routes.specs) documented.push({ prefix: prefix === '/' ? '' : prefix, spec })
    return app.route(prefix, routes.app)
  }
  mount('/api/v1', adminRoutes(deps))
  mount('/api/v1', creatorRoutes(deps))
  mount('/api/v1', catalogRoutes(deps))
  mount('/api/v1', postRoutes(deps))
  mount('/api/v1', memberRoutes(deps))
  mount('/api/v1', dashboardRoutes(deps))
  mount('/api/v1', accessRoutes(deps))
  mount('/api/v1', bookingRoutes(deps))
  mount('/', groupRoutes(deps))
  mount('/', signInRoutes(deps))
  mount('/', libraryRoutes(deps))
  mount('/', dashboardPages(deps))
  mount('/', editorPages(deps))
  mount('/', insightPages(deps))
  mount('/', storefrontRoutes(deps))
  mount('/', checkoutRoutes(deps))
  mount('/', billingRoutes(deps))

  const { apiDocument } = options
  if (apiDocument) {
    let document: object | undefined
    app.get('/openapi.json', (c) => {
      document ??= apiDocument(documented)
      return c.json(document)
    })
  }

  app.notFound((c) => renderProblem(c, notFound('route', `${c.req.method} ${c.req.path}`)))

  app.onError((error, c) => {
    if (error instanceof Problem) return renderProblem(c, error)
    if (error instanceof HTTPException) {
      // Hono's own validators and middleware throw these; translate them to problems.
      if (error.status === 400 && /json/i.test(error.message)) return renderProblem(c, malformedJson())
      if (error.status === 415) return renderProblem(c, unsupportedMediaType())
      if (error.status === 413) return renderProblem(c, payloadTooLarge(maxBody))
      if (error.status < 500)
        return renderProblem(c, new Problem(error.status, 'http-error', 'Request refused', error.message))
    }
    if (databaseUnavailable(error)) {
      // An outage, not a bug: each write is one atomic batch, so a retry (the browser's, Stripe's) succeeds
      // once the database is back. 503 + Retry-After says exactly that; a 500 would say "our fault, don't".
      deps.logger.error('database unavailable', { requestId: c.var.requestId, path: c.req.path, error })
      const problem = serviceUnavailable(
        'The database cannot be reached right now. Please try again in a moment.',
      )
      problem.headers['Retry-After'] = '5'
      return renderProblem(c, problem)
    }
    deps.logger.error('unhandled error', {
      requestId: c.var.requestId,
      method: c.req.method,
      path: c.req.path,
      error,
    })
    return renderProblem(
      c,
      new Problem(
        500,
        'internal',
        'Internal error',
        `Something went wrong on our side. Quote request id ${c.var.requestId ?? 'unknown'} when reporting it.`,
      ),
    )
  })

  return app
}

export type App = ReturnType<typeof createApp>

/** Browsers get a readable page; API clients (and anything under /api) get application/problem+json. */
function wantsHtml(c: Context<AppEnv>): boolean {
  const path = c.req.path
  if (path.startsWith('/api/') || path.startsWith('/webhooks/') || path === '/openapi.json') return false
  return (c.req.header('accept') ?? '').includes('text/html')
}

function renderProblem(c: Context<AppEnv>, problem: Problem): Response | Promise<Response> {
  const body = problem.toJSON(c.req.path)
  for (const [name, value] of Object.entries(problem.headers)) c.header(name, value)
  if (wantsHtml(c)) {
    // The page speaks the visitor's language; the problem's English title and detail stay on it as technical
    // detail. Problem statuses are 4xx/5xx numbers chosen in lib/problem.ts; Hono's status type lists literals.
    const requestId = c.var.requestId
    const page = ProblemPage({
      problem: body,
      locale: pageLocale(c),
      ...(problem.status === 401 ? { signInHref: signInHref(c) } : {}),
      ...(requestId && problem.detail.includes(requestId) ? { requestId } : {}),
    })
    return c.html(page, problem.status as ContentfulStatusCode)
  }
  c.header('content-type', problemContentType)
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode)
}

/** Sign in, then come back here: only for a page (GET) at a same-site path, as /login itself checks it. */
function signInHref(c: Context<AppEnv>): string {
  if (c.req.method !== 'GET') return '/login'
  const url = new URL(c.req.url)
  const next = safeNext(`${url.pathname}${url.search}`, '')
  return next ? `/login?next=${encodeURIComponent(next)}` : '/login'
}

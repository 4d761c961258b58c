/**
 * Cross-site request forgery, two layers:
 * 1. Every state-changing browser request (a non-GET that is not a bearer-authenticated API call or a Stripe
 *    webhook) must come from this site: `Origin` equal to ours, or `Sec-Fetch-Site: same-origin`. Browsers send
 *    one of them on every POST; a request with neither is refused, so a forged form cannot post anywhere.
 * 2. Forms of a signed-in viewer also carry a token bound to the session: HMAC-SHA256(SESSION_SECRET, cookie).
 *    Stateless (nothing stored) and worthless without the session cookie it was made for.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { base64Url, hmacSha256, timingSafeEqual } from '../lib/crypto'
import { forbidden } from '../lib/problem'
import { isSiteOrigin, publicOrigin } from '../lib/site-path'
import { bearerToken } from './api-keys'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/** True when the request comes from this site: its Origin is ours, or (no Origin) Sec-Fetch-Site says so. */
export function fromThisSite(c: Context, configuredOrigin: string | null): boolean {
  const origin = c.req.header('origin')
  if (origin) return isSiteOrigin(c.req.url, origin, configuredOrigin)
  return c.req.header('sec-fetch-site') === 'same-origin'
}

export function requireSameOrigin(deps: Pick<Deps, 'config'>): MiddlewareHandler<AppEnv> {
  const configured = publicOrigin(deps.config.PUBLIC_URL)
  return async function sameOrigin(c, next) {
    if (safeMethods.has(c.req.method)) return next()
    const path = c.req.path
    // Stripe signs its webhooks; the JSON API authenticates with a bearer header no other site can attach (the
    // buyer's cookie-authenticated /api/v1/me calls are checked in the API gate).
    if (
      path.startsWith('/webhooks/') ||
      path.startsWith('/api/') ||
      bearerToken(c.req.header('authorization'))
    )
      return next()
    if (fromThisSite(c, configured)) return next()
    throw forbidden(
      'This form was posted from another site (or without an Origin header), so it was refused.',
    )
  }
}

/** For cookie-authenticated JSON calls: unsafe methods must come from this site. */
export function requireSameOriginForCookies(deps: Pick<Deps, 'config'>): MiddlewareHandler<AppEnv> {
  const configured = publicOrigin(deps.config.PUBLIC_URL)
  return async function sameOriginForCookies(c, next) {
    if (safeMethods.has(c.req.method) || fromThisSite(c, configured)) return next()
    throw forbidden('This request came from another site (or without an Origin header), so it was refused.')
  }
}

function secretOf(config: Deps['config']): string {
  // Required on Workers (config.ts); `npm start` makes one per run. Never sign with an empty key.
  if (!config.SESSION_SECRET) throw new Error('SESSION_SECRET is not configured')
  return config.SESSION_SECRET
}

/** The CSRF token for forms shown to the holder of this session cookie. */
export function csrfToken(config: Deps['config'], sessionValue: string): Promise<string> {
  return hmacSha256(secretOf(config), `csrf:${sessionValue}`).then(base64Url)
}

export async function validCsrf(
  config: Deps['config'],
  sessionValue: string,
  token: unknown,
): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 100) return false
  return timingSafeEqual(token, await csrfToken(config, sessionValue))
}

/** Refuses (403) a signed-in form post whose CSRF token is missing or not this session's. */
export async function requireCsrf(
  config: Deps['config'],
  sessionValue: string,
  token: unknown,
): Promise<void> {
  if (!(await validCsrf(config, sessionValue, token)))
    throw forbidden('The form is missing its security token. Reload the page and try again.')
}

/** Authentication middleware for the JSON API: a creator's API key, or the operator's admin token. */

import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { timingSafeEqual } from '../lib/crypto'
import { unauthorized } from '../lib/problem'
import { authenticateApiKey, bearerToken } from './api-keys'
import { requireSameOriginForCookies } from './csrf'
import { sessionCreator, sessionFrom } from './sessions'

/**
 * Requires `Authorization: Bearer qz_…` and puts its creator on `c.var.creator`. Unknown, revoked or missing
 * keys answer 401 (not 403: the caller is simply not signed in).
 */
export function requireCreatorKey(deps: Pick<Deps, 'db' | 'clock'>): MiddlewareHandler<AppEnv> {
  return async function requireCreatorKeyMiddleware(c, next) {
    const token = bearerToken(c.req.header('authorization'))
    if (!token) throw unauthorized('Send your API key as "Authorization: Bearer qz_…".')
    const found = await authenticateApiKey(deps, token)
    if (!found)
      throw unauthorized('The API key is unknown or revoked.', 'Bearer realm="quanzi", error="invalid_token"')
    c.set('creator', found.creator)
    c.set('actor', { type: 'api_key', id: found.apiKeyId })
    await next()
  }
}

/**
 * The creator API for either caller: a bearer API key (scripts, integrations), or a signed-in creator's session
 * cookie (the dashboard in a browser; unsafe methods must then come from this site). One round trip either way.
 */
export function requireCreator(deps: Pick<Deps, 'db' | 'clock' | 'config'>): MiddlewareHandler<AppEnv> {
  const byKey = requireCreatorKey(deps)
  const sameSite = requireSameOriginForCookies(deps)
  return async function requireCreatorMiddleware(c, next) {
    const session = c.req.header('authorization') ? null : await sessionFrom(c)
    if (!session) return byKey(c, next)
    const creator = await sessionCreator(deps, session.hash)
    if (!creator) return byKey(c, next)
    c.set('creator', creator)
    c.set('actor', { type: 'creator', id: creator.id })
    return sameSite(c, next)
  }
}

/** Requires `Authorization: Bearer $ADMIN_TOKEN`. Without ADMIN_TOKEN configured, admin routes are closed. */
export function requireAdmin(deps: Pick<Deps, 'config'>): MiddlewareHandler<AppEnv> {
  return async function requireAdminMiddleware(c, next) {
    const expected = deps.config.ADMIN_TOKEN
    const token = bearerToken(c.req.header('authorization'))
    if (!expected) throw unauthorized('The admin API is disabled: ADMIN_TOKEN is not configured.')
    if (!token || !timingSafeEqual(token, expected))
      throw unauthorized(
        'Send the operator token as "Authorization: Bearer $ADMIN_TOKEN".',
        'Bearer realm="quanzi-admin"',
      )
    c.set('actor', { type: 'admin', id: null })
    await next()
  }
}

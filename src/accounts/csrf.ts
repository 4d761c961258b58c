/**
 * Cross-site request forgery, two layers:
 * 1. Every state-changing browser request (a non-GET that is not a bearer-authenticated API call or a Stripe
 *    webhook) must come from this site: `Origin` equal to ours, or `Sec-Fetch-Site: same-origin`. Browsers send
 *    one of them on every POST; a request with neither is refused, so a forged form cannot post anywhere.
 * 2. Forms of a signed-in viewer also carry a token bound to the session: HMAC-SHA256(SESSION_SECRET, cookie).
 *    Stateless (nothing stored) and worthless without the session cookie it was made for.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { timingSafeEqual } from '../lib/crypto'
import { forbidden } from '../lib/problem'
import { bearerToken } from './api-keys'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

export function requireSameOrigin(deps: Pick<Deps, 'config'>): MiddlewareHandler<AppEnv> {
  const configured = deps.config.PUBLIC_URL ? new URL(deps.config.PUBLIC_URL).origin : null
  return async function sameOrigin(c, next) {
    if (safeMethods.has(c.req.method)) return next()
    const path = c.req.path
    // Stripe signs its webhooks; the JSON API authenticates with a bearer header no other site can attach (its
    // cookie-authenticated calls check the origin in the API gate).
    if (
      path.startsWith('/webhooks/') ||
      path.startsWith('/api/') ||
      bearerToken(c.req.header('authorization'))
    )
      return next()
    const origin = c.req.header('origin')
    const ours = origin && (origin === new URL(c.req.url).origin || origin === configured)
    const fetchSite = c.req.header('sec-fetch-site')
    if (ours || (!origin && fetchSite === 'same-origin')) return next()
    throw forbidden(
      'This form was posted from another site (or without an Origin header), so it was refused.',
    )
  }
}

async function hmac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)))
  let binary = ''
  for (const byte of signature) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function secretOf(config: Deps['config']): string {
  // Required on Workers (config.ts); `npm start` makes one per run. Never sign with an empty key.
  if (!config.SESSION_SECRET) throw new Error('SESSION_SECRET is not configured')
  return config.SESSION_SECRET
}

/** The CSRF token for forms shown to the holder of this session cookie. */
export function csrfToken(config: Deps['config'], sessionValue: string): Promise<string> {
  return hmac(secretOf(config), `csrf:${sessionValue}`)
}

export async function validCsrf(
  config: Deps['config'],
  sessionValue: string,
  token: unknown,
): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 100) return false
  return timingSafeEqual(token, await csrfToken(config, sessionValue))
}

/**
 * The stylesheet as a cached asset: `/assets/quanzi-<hash>.css`, where the hash is of its content, so it can be
 * cached for a year (immutable) and a new deploy with new CSS gets a new URL. Served by the app itself: nothing
 * is fetched from a third party.
 */
import { Hono } from 'hono'
import { css } from './styles'

/** FNV-1a, 32 bits: enough to tell stylesheet versions apart, and synchronous (usable at module load). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(36)
}

export const stylesheetPath = `/assets/quanzi-${fnv1a(css)}.css`

export function assetRoutes() {
  return new Hono().get(stylesheetPath, (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8')
    c.header('Cache-Control', 'public, max-age=31536000, immutable')
    return c.body(css)
  })
}

/**
 * Fixed-window rate limits kept in the database, so every Worker isolate and every Node process counts the same
 * hits. A hit is one upsert that returns the window's new count; callers put hits for several keys (per email,
 * per IP) in one batch and then ask `exceeded`.
 */
import { lt, sql } from 'drizzle-orm'
import { rateLimits } from '../db/schema'
import type { Deps } from '../deps'

export interface Limit {
  /** e.g. `login:email:reader@example.com`, `login:ip:203.0.113.9`. */
  key: string
  max: number
  windowMs: number
}

/** Counts one hit for `limit` in its current window; the statement returns `[{ count }]`. */
export function hit(db: Deps['db'], limit: Limit, now: number) {
  const windowStartAt = now - (now % limit.windowMs)
  return db
    .insert(rateLimits)
    .values({ key: limit.key, windowStartAt, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStartAt],
      set: { count: sql`${rateLimits.count} + 1` },
    })
    .returning({ count: rateLimits.count })
}

/** Drops windows older than a day, so the table stays small (rides in the same batch as the hits). */
export function forgetOldWindows(db: Deps['db'], now: number) {
  return db.delete(rateLimits).where(lt(rateLimits.windowStartAt, now - 24 * 60 * 60_000))
}

/** The first limit whose count went over its max, with when its window ends; null when all are within. */
export function exceeded(
  limits: Limit[],
  counts: { count: number }[][],
  now: number,
): { limit: Limit; retryAfterMs: number } | null {
  for (const [index, limit] of limits.entries()) {
    const count = counts[index]?.[0]?.count ?? 0
    if (count > limit.max) return { limit, retryAfterMs: limit.windowMs - (now % limit.windowMs) }
  }
  return null
}

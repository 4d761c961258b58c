/**
 * Browser sessions for buyers and creators. The cookie holds 32 random bytes; the database holds only their
 * SHA-256, the role, who, and the expiry, so a leaked table opens no session. Reading the viewer is a query a
 * page puts into its own batch (one round trip per page view), keyed by the hash computed from the cookie.
 * Sign-out sets `revoked_at`; an expired or revoked session is simply no viewer.
 */
import { and, eq, gt, isNull, type Placeholder, type SQL, sql } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'
import type { CreatorRow } from '../app-env'
import { buyers, creators, sessions } from '../db/schema'
import type { Deps } from '../deps'
import { randomToken, sha256Hex } from '../lib/crypto'
import { dayMs } from '../lib/time'

export const sessionCookie = 'qz_session'
export const sessionLifetimeMs = 30 * dayMs

export type Viewer =
  | { role: 'buyer'; buyerId: string; email: string; name: string }
  | { role: 'creator'; creatorId: string; email: string; slug: string; name: string }

/** The session cookie's value and its hash, or nulls when the request carries none (or garbage). */
export async function sessionFrom(c: Context): Promise<{ value: string; hash: string } | null> {
  const value = getCookie(c, sessionCookie)
  if (!value || !/^[\w-]{32,64}$/.test(value)) return null
  return { value, hash: await sha256Hex(value) }
}

/** A new session's cookie value and hash. */
export async function newSessionSecret(): Promise<{ value: string; hash: string }> {
  const value = randomToken(32)
  return { value, hash: await sha256Hex(value) }
}

/**
 * Cookie attributes: HttpOnly, SameSite=Lax, Path=/, and Secure everywhere except plain-http localhost (where a
 * browser would drop a Secure cookie and local sign-in could not work).
 */
export function cookieOptions(c: Context, maxAgeSeconds: number): CookieOptions {
  const url = new URL(c.req.url)
  const local = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  return { httpOnly: true, sameSite: 'Lax', path: '/', secure: !local, maxAge: maxAgeSeconds }
}

export function setSessionCookie(c: Context, value: string): void {
  setCookie(c, sessionCookie, value, cookieOptions(c, sessionLifetimeMs / 1000))
}

export function clearSessionCookie(c: Context): void {
  setCookie(c, sessionCookie, '', cookieOptions(c, 0))
}

/**
 * The session hash and the clock as a query takes them: values, or placeholders in a statement prepared once
 * (library/content.ts) and bound per request.
 */
type Bound<T> = T | Placeholder

/** SQL for "this session, if it is still valid": reused by every query keyed by the viewer. */
export function liveSession(hash: Bound<string>, now: Bound<number>): SQL | undefined {
  return and(eq(sessions.idHash, hash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now))
}

/** The signed-in buyer's id as a subquery (matches nothing when signed out), for a page's other queries. */
export function viewerBuyerId(hash: Bound<string> | null, now: Bound<number>): SQL {
  return sql`(select buyer_id from sessions where id_hash = ${hash ?? ''} and revoked_at is null
    and expires_at > ${now} and role = 'buyer')`
}

/**
 * The viewer's columns, from `sessions` joined with `buyers` and a creators table (`creators` itself, or an alias
 * when the query already joins `creators` for something else). Rows go to `toViewer`.
 */
export function viewerColumns<
  E extends SQLiteColumn,
  S extends SQLiteColumn,
  N extends SQLiteColumn,
>(creatorTable: { email: E; slug: S; name: N }) {
  return {
    role: sessions.role,
    buyerId: sessions.buyerId,
    creatorId: sessions.creatorId,
    buyerEmail: buyers.email,
    buyerName: buyers.name,
    creatorEmail: creatorTable.email,
    creatorSlug: creatorTable.slug,
    creatorName: creatorTable.name,
  }
}

/** The query that reads the viewer; put it in the page's batch and pass its rows to `toViewer`. */
export function viewerQuery(db: Deps['db'], hash: string | null, now: number) {
  return db
    .select(viewerColumns(creators))
    .from(sessions)
    .leftJoin(buyers, eq(buyers.id, sessions.buyerId))
    .leftJoin(creators, eq(creators.id, sessions.creatorId))
    .where(liveSession(hash ?? '', now))
    .limit(1)
}

/** A row of `viewerColumns`, possibly from a left join (every column null: no viewer). */
interface ViewerRow {
  role: (typeof sessions.$inferSelect)['role'] | null
  buyerId: string | null
  creatorId: string | null
  buyerEmail: string | null
  buyerName: string | null
  creatorEmail: string | null
  creatorSlug: string | null
  creatorName: string | null
}

export function toViewer(rows: readonly ViewerRow[]): Viewer | null {
  const row = rows[0]
  if (!row) return null
  if (row.role === 'buyer' && row.buyerId && row.buyerEmail !== null)
    return { role: 'buyer', buyerId: row.buyerId, email: row.buyerEmail, name: row.buyerName ?? '' }
  if (row.role === 'creator' && row.creatorId && row.creatorEmail !== null)
    return {
      role: 'creator',
      creatorId: row.creatorId,
      email: row.creatorEmail,
      slug: row.creatorSlug ?? '',
      name: row.creatorName ?? '',
    }
  return null
}

/** The creator a live creator session belongs to (the whole row), or null. One query. */
export async function sessionCreator(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  hash: string,
): Promise<CreatorRow | null> {
  const [found] = await db
    .select({ creator: creators })
    .from(sessions)
    .innerJoin(creators, eq(creators.id, sessions.creatorId))
    .where(and(liveSession(hash, clock.now()), eq(sessions.role, 'creator')))
    .limit(1)
  return found?.creator ?? null
}

/** Reads the viewer alone (one round trip), for pages that need nothing else from the database. */
export async function readViewer(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  c: Context,
): Promise<Viewer | null> {
  const session = await sessionFrom(c)
  if (!session) return null
  return toViewer(await viewerQuery(db, session.hash, clock.now()))
}

/** Sign-out: the session stops working at once, wherever its cookie is. */
export async function revokeSession({ db, clock }: Pick<Deps, 'db' | 'clock'>, hash: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: clock.now() }).where(eq(sessions.idHash, hash))
}

/**
 * Sign-in by magic link, for buyers and creators alike (`role`).
 *
 * - Asking for a link answers the same whatever the email: nobody learns who is a buyer or a creator here.
 * - Requests are rate limited per email and per IP in the database (every isolate sees the same counts).
 * - The link carries 32 random bytes; only their SHA-256 is stored. It works once, for 15 minutes.
 * - Following it shows a page whose button POSTs the token (mail scanners that prefetch links do not sign in, nor
 *   burn the link); the POST consumes the token, creates the buyer if this email never bought anything, and
 *   opens a session — one atomic batch, one round trip.
 * - A buyer is one row per normalised email, whether a paid order or a sign-in created it first.
 */
import { and, eq, sql } from 'drizzle-orm'
import { creators, type Locale, loginTokens } from '../db/schema'
import type { Deps } from '../deps'
import { randomToken, sha256Hex } from '../lib/crypto'
import { normaliseEmail } from '../lib/email'
import { newId } from '../lib/ids'
import { isSitePath } from '../lib/site-path'
import { queueMail } from '../mail/outbox'
import { signInMail } from '../mail/templates'
import { exceeded, forgetOldWindows, hit, type Limit } from './rate-limits'
import { newSessionSecret, sessionLifetimeMs } from './sessions'

export type Role = 'buyer' | 'creator'

export const linkLifetimeMs = 15 * 60_000
const windowMs = 15 * 60_000
/** Per email: a few tries, for typos in the inbox search and a slow mail. Per IP: a household or an office. */
export const signInLimits = { perEmail: 5, perIp: 30 } as const

export interface SignInRequest {
  email: string
  role: Role
  /** Where to land after signing in: a same-origin path, checked by `safeNext`. */
  next: string | null
  ip: string
  locale: Locale
}

export type SignInRequestOutcome = { status: 'sent' } | { status: 'limited'; retryAfterMs: number }

/** Only same-origin absolute paths: `/me`, never `//evil.example` or `https://…`. */
export function safeNext(next: string | null | undefined, fallback: string): string {
  if (!next || !isSitePath(next) || next.length > 500) return fallback
  return next
}

export async function requestSignIn(
  { db, clock, config }: Pick<Deps, 'db' | 'clock' | 'config'>,
  request: SignInRequest,
): Promise<SignInRequestOutcome> {
  const email = normaliseEmail(request.email)
  const now = clock.now()
  const limits: Limit[] = [
    { key: `login:email:${email}`, max: signInLimits.perEmail, windowMs },
    { key: `login:ip:${request.ip}`, max: signInLimits.perIp, windowMs },
  ]
  // Round trip 1: count the hits (and, for a creator, find the account) in one batch.
  const [byEmail, byIp, creatorRows] = await db.batch([
    hit(db, limits[0] as Limit, now),
    hit(db, limits[1] as Limit, now),
    db
      .select({ id: creators.id, locale: creators.locale })
      .from(creators)
      .where(eq(creators.email, request.role === 'creator' ? email : '')),
    forgetOldWindows(db, now),
  ])
  const over = exceeded(limits, [byEmail, byIp], now)
  if (over) return { status: 'limited', retryAfterMs: over.retryAfterMs }
  const creator = creatorRows[0]
  // An unknown creator email gets the same answer and no mail.
  if (request.role === 'creator' && !creator) return { status: 'sent' }

  const token = randomToken(32)
  const base = config.PUBLIC_URL ?? 'http://localhost:8787'
  const link = `${base}/login/verify?token=${encodeURIComponent(token)}`
  const mail = signInMail({
    locale: creator?.locale ?? request.locale,
    link,
    minutes: linkLifetimeMs / 60_000,
    role: request.role,
  })
  // Round trip 2: the token and its mail, together or not at all.
  await db.batch([
    db.insert(loginTokens).values({
      id: newId('loginToken', now),
      tokenHash: await sha256Hex(token),
      email,
      role: request.role,
      creatorId: creator?.id ?? null,
      next: safeNext(request.next, request.role === 'creator' ? '/dashboard' : '/me'),
      expiresAt: now + linkLifetimeMs,
      createdAt: now,
    }),
    queueMail(db, { to: email, ...mail }, now),
  ])
  return { status: 'sent' }
}

export type VerifyOutcome =
  | { status: 'signed_in'; sessionValue: string; role: Role; next: string }
  | { status: 'invalid' }

/** Consumes a link's token and opens a session. A used, expired or unknown token is `invalid`. */
export async function verifySignIn(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<VerifyOutcome> {
  if (!/^[\w-]{20,100}$/.test(token)) return { status: 'invalid' }
  const now = clock.now()
  const tokenHash = await sha256Hex(token)
  const session = await newSessionSecret()
  // Every statement after the first acts only on the token this batch has just consumed: the update stamps it
  // with this request's fresh session hash, which no other request can have.
  const consumed = sql`token_hash = ${tokenHash} and session_hash = ${session.hash}`
  const [used] = await db.batch([
    db
      .update(loginTokens)
      .set({ usedAt: now, sessionHash: session.hash })
      .where(
        and(
          eq(loginTokens.tokenHash, tokenHash),
          sql`${loginTokens.usedAt} is null`,
          sql`${loginTokens.expiresAt} > ${now}`,
        ),
      )
      .returning({ role: loginTokens.role, next: loginTokens.next }),
    db.run(sql`insert into buyers (id, email, created_at, updated_at)
      select ${newId('buyer', now)}, email, ${now}, ${now} from login_tokens
      where ${consumed} and role = 'buyer'
      on conflict (email) do nothing`),
    db.run(sql`insert into sessions (id_hash, role, buyer_id, creator_id, expires_at, created_at)
      select ${session.hash}, t.role,
        case when t.role = 'buyer' then (select id from buyers b where b.email = t.email) end,
        t.creator_id, ${now + sessionLifetimeMs}, ${now}
      from login_tokens t where t.token_hash = ${tokenHash} and t.session_hash = ${session.hash}`),
  ])
  const row = used[0]
  if (!row) return { status: 'invalid' }
  return {
    status: 'signed_in',
    sessionValue: session.value,
    role: row.role,
    next: safeNext(row.next, row.role === 'creator' ? '/dashboard' : '/me'),
  }
}

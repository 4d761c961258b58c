/**
 * Signing in as a browser would, for tests of pages behind a session: ask for a link, read it from the queued
 * mail, follow it, press the button. Returns the `cookie` header to send afterwards.
 */
import type { TestContext } from './helpers'

export const origin = 'http://localhost'

/** POSTs a form the way a browser on this site does (same Origin). */
export function postForm(
  ctx: TestContext,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return ctx.app.request(path, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  })
}

/** The token in the newest sign-in mail to `email` (read from the outbox table). */
export async function latestSignInToken(ctx: TestContext, email: string): Promise<string> {
  const rows = await ctx.sql.execute({
    sql: `select text from mails where "to" = ? and text like '%/login/verify?token=%'
      order by created_at desc, id desc limit 1`,
    args: [email],
  })
  const match = /\/login\/verify\?token=([\w-]+)/.exec(String(rows.rows[0]?.text ?? ''))
  if (!match?.[1]) throw new Error(`no sign-in mail to ${email}`)
  return match[1]
}

export function sessionCookieOf(response: Response): string {
  const header = response.headers.get('set-cookie') ?? ''
  const match = /qz_session=([^;]*)/.exec(header)
  if (!match?.[1]) throw new Error(`no session cookie in ${header}`)
  return `qz_session=${match[1]}`
}

export async function signIn(
  ctx: TestContext,
  email: string,
  role: 'buyer' | 'creator' = 'buyer',
): Promise<{ cookie: string; response: Response }> {
  const asked = await postForm(ctx, '/login', {
    email,
    role,
    next: role === 'creator' ? '/dashboard' : '/me',
  })
  if (asked.status !== 200) throw new Error(`POST /login answered ${asked.status}`)
  const token = await latestSignInToken(ctx, email.trim().toLowerCase())
  const response = await postForm(ctx, '/login/verify', { token })
  return { cookie: sessionCookieOf(response), response }
}

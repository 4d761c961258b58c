/**
 * The sign-in pages: `GET/POST /login` (ask for a link; `?as=creator` for creators), `GET/POST /login/verify`
 * (follow it), `POST /logout`. Browser forms: every POST passed the same-origin check in app.ts, and sign-out
 * also needs the session's CSRF token.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import type { Locale } from '../db/schema'
import type { Deps } from '../deps'
import * as z from '../lib/zod'
import { dispatchAfterResponse } from '../mail/outbox'
import { messagesFor } from '../web/i18n'
import { Layout } from '../web/layout'
import { pageLocale } from '../web/locale'
import { requireCsrf } from './csrf'
import { clearSessionCookie, revokeSession, sessionFrom, setSessionCookie } from './sessions'
import { type Role, requestSignIn, safeNext, verifySignIn } from './sign-in'

const emailSchema = z.pipe(z.string().check(z.trim(), z.maxLength(320)), z.email())

/** The client's address as the edge reports it; one bucket for callers without one (local runs, tests). */
function clientIp(header: (name: string) => string | undefined): string {
  return (
    header('cf-connecting-ip') ??
    header('x-forwarded-for')?.split(',')[0]?.trim() ??
    header('x-real-ip') ??
    'unknown'
  ).slice(0, 64)
}

function SignInForm(props: { locale: Locale; role: Role; next: string; email?: string; error?: string }) {
  const m = messagesFor(props.locale).auth
  return (
    <Layout title={props.role === 'creator' ? m.creatorSignInTitle : m.signInTitle} lang={props.locale}>
      <h1>{props.role === 'creator' ? m.creatorSignInTitle : m.signInTitle}</h1>
      <p class="muted">{props.role === 'creator' ? m.creatorIntro : m.intro}</p>
      <form method="post" action="/login" class="card stack">
        <label for="email">{m.emailLabel}</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          required
          value={props.email ?? ''}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'email-error' : undefined}
        />
        {props.error ? (
          <p id="email-error" class="error" role="alert">
            {props.error}
          </p>
        ) : null}
        <input type="hidden" name="next" value={props.next} />
        <input type="hidden" name="role" value={props.role} />
        <button type="submit" class="button">
          {m.sendLink}
        </button>
      </form>
    </Layout>
  )
}

function Notice(props: {
  locale: Locale
  title: string
  lines: string[]
  link?: { href: string; label: string }
}) {
  return (
    <Layout title={props.title} lang={props.locale}>
      <h1>{props.title}</h1>
      {props.lines.map((line) => (
        <p>{line}</p>
      ))}
      {props.link ? (
        <p>
          <a href={props.link.href}>{props.link.label}</a>
        </p>
      ) : null}
    </Layout>
  )
}

export function signInRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/login', (c) => {
      const role: Role = c.req.query('as') === 'creator' ? 'creator' : 'buyer'
      const locale = pageLocale(c)
      const next = safeNext(c.req.query('next'), role === 'creator' ? '/dashboard' : '/me')
      return c.html(<SignInForm locale={locale} role={role} next={next} />)
    })
    .post('/login', async (c) => {
      const form = await c.req.parseBody()
      const locale = pageLocale(c)
      const role: Role = form.role === 'creator' ? 'creator' : 'buyer'
      const next = safeNext(
        typeof form.next === 'string' ? form.next : null,
        role === 'creator' ? '/dashboard' : '/me',
      )
      const email = emailSchema.safeParse(form.email)
      const m = messagesFor(locale).auth
      if (!email.success) {
        const typed = typeof form.email === 'string' ? form.email.slice(0, 320) : ''
        return c.html(
          <SignInForm locale={locale} role={role} next={next} email={typed} error={m.invalidEmail} />,
          422,
        )
      }
      const outcome = await requestSignIn(deps, {
        email: email.data,
        role,
        next,
        ip: clientIp((name) => c.req.header(name)),
        locale,
      })
      if (outcome.status === 'limited') {
        const minutes = Math.max(1, Math.ceil(outcome.retryAfterMs / 60_000))
        c.header('Retry-After', String(Math.ceil(outcome.retryAfterMs / 1000)))
        return c.html(<Notice locale={locale} title={m.limitedTitle} lines={[m.limited(minutes)]} />, 429)
      }
      dispatchAfterResponse(deps, c)
      return c.html(
        <Notice locale={locale} title={m.checkTitle} lines={[m.check(email.data), m.checkHint]} />,
      )
    })
    .get('/login/verify', (c) => {
      const locale = pageLocale(c)
      const m = messagesFor(locale).auth
      // The token is not consumed here: link scanners fetch with GET; only the button's POST signs in.
      c.header('Cache-Control', 'no-store')
      // The URL carries the token: nothing leaving this page may name it, not even the origin of another site.
      // Not `no-referrer`: with it a browser sends `Origin: null` on the button's POST, which the same-origin
      // check refuses (`same-origin` keeps the Origin on requests to this site).
      c.header('Referrer-Policy', 'same-origin')
      return c.html(
        <Layout title={m.confirmTitle} lang={locale}>
          <h1>{m.confirmTitle}</h1>
          <p>{m.confirm}</p>
          <form method="post" action="/login/verify">
            <input type="hidden" name="token" value={(c.req.query('token') ?? '').slice(0, 100)} />
            <button type="submit" class="button">
              {m.continue}
            </button>
          </form>
        </Layout>,
      )
    })
    .post('/login/verify', async (c) => {
      const form = await c.req.parseBody()
      const outcome = await verifySignIn(deps, typeof form.token === 'string' ? form.token : '')
      if (outcome.status === 'invalid') {
        const locale = pageLocale(c)
        const m = messagesFor(locale).auth
        return c.html(
          <Notice
            locale={locale}
            title={m.invalidTitle}
            lines={[m.invalid]}
            link={{ href: '/login', label: m.again }}
          />,
          400,
        )
      }
      setSessionCookie(c, outcome.sessionValue)
      return c.redirect(outcome.next, 303)
    })
    .post('/logout', async (c) => {
      const form = await c.req.parseBody()
      const session = await sessionFrom(c)
      if (session) {
        await requireCsrf(deps.config, session.value, form.csrf)
        await revokeSession(deps, session.hash)
      }
      clearSessionCookie(c)
      return c.redirect('/login', 303)
    })
}

/**
 * Which language a page speaks: the visitor's explicit choice (`?lang=` from the switch in every page's footer,
 * remembered in a cookie for a year), else their browser's first language if it is one we have, else the
 * creator's default. Content stays as the creator wrote it; the page's own words, money and dates follow this.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { type Locale, locales } from '../db/schema'
import type { Deps } from '../deps'
import { isSiteOrigin, isSitePath, publicOrigin } from '../lib/site-path'

export const langCookie = 'qz_lang'

function asLocale(value: string | undefined): Locale | null {
  return locales.find((locale) => locale === value) ?? null
}

/** The visitor's explicit choice (the footer switch), if any. */
export function chosenLocale(c: Context): Locale | null {
  return asLocale(c.req.query('lang')) ?? asLocale(getCookie(c, langCookie))
}

export function pageLocale(c: Context, creatorDefault: Locale = 'zh-CN'): Locale {
  const chosen = chosenLocale(c)
  if (chosen) return chosen
  const first = (c.req.header('accept-language') ?? '').split(',')[0]?.trim().toLowerCase() ?? ''
  if (first.startsWith('en')) return 'en'
  if (first.startsWith('zh')) return 'zh-CN'
  return creatorDefault
}

function remember(c: Context, locale: Locale): void {
  setCookie(c, langCookie, locale, { path: '/', sameSite: 'Lax', maxAge: 365 * 24 * 3600 })
}

/** Remembers `?lang=` as the visitor's choice. */
export function rememberLanguage(): MiddlewareHandler {
  return async function rememberLanguageMiddleware(c, next) {
    const chosen = asLocale(c.req.query('lang'))
    if (chosen) remember(c, chosen)
    await next()
  }
}

/**
 * `GET /lang/:locale`, the footer's switch: remembers the choice, then goes back to the page it was made on with
 * that page's own query (a sign-in's `next`, a checkout's `session_id`, a report's months), which a `?lang=`
 * link would have replaced. That page is the Referer, when it is a page of this site; otherwise the home page.
 */
export function languageRoutes(deps: Pick<Deps, 'config'>) {
  const configured = publicOrigin(deps.config.PUBLIC_URL)
  return new Hono().get('/lang/:locale', (c) => {
    const chosen = asLocale(c.req.param('locale'))
    if (!chosen) return c.notFound()
    remember(c, chosen)
    return c.redirect(pageBefore(c, configured), 303)
  })
}

function pageBefore(c: Context, configuredOrigin: string | null): string {
  const from = urlOf(c.req.header('referer'))
  if (!from || !isSiteOrigin(c.req.url, from.origin, configuredOrigin)) return '/'
  // The cookie now decides; a `lang` left in the query would overrule it.
  from.searchParams.delete('lang')
  const path = `${from.pathname}${from.search}`
  return isSitePath(path) ? path : '/'
}

function urlOf(value: string | undefined): URL | null {
  if (!value) return null
  try {
    return new URL(value)
  } catch {
    return null
  }
}

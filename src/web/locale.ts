/**
 * Which language a page speaks: the visitor's explicit choice (`?lang=` from the switch in every page's footer,
 * remembered in a cookie for a year), else their browser's first language if it is one we have, else the
 * creator's default. Content stays as the creator wrote it; the page's own words, money and dates follow this.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { type Locale, locales } from '../db/schema'

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

/** Remembers `?lang=` as the visitor's choice. */
export function rememberLanguage(): MiddlewareHandler {
  return async function rememberLanguageMiddleware(c, next) {
    const chosen = asLocale(c.req.query('lang'))
    if (chosen) setCookie(c, langCookie, chosen, { path: '/', sameSite: 'Lax', maxAge: 365 * 24 * 3600 })
    await next()
  }
}

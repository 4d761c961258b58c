/**
 * Dates as buyers read them, in one place for pages and mails: a day, or a time range, in the creator's (or the
 * consultation's) time zone and the page's language.
 */
import type { Locale } from '../db/schema'

export function formatDate(ms: number, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone }).format(
    ms,
  )
}

/**
 * `2026年12月1日周二 18:00–19:00` / `Tue, December 1, 2026, 18:00–19:00`. Built from two formats rather than
 * Intl's formatRange, which in zh-CN falls back to a numeric date (`2026/12/1`) for ranges.
 */
export function formatRange(start: number, end: number, locale: Locale, timeZone: string): string {
  const day = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'short',
    timeZone,
  })
  const time = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  })
  const separator = locale === 'en' ? ', ' : ' '
  const startDay = day.format(start)
  const endDay = day.format(end)
  return startDay === endDay
    ? `${startDay}${separator}${time.format(start)}–${time.format(end)}`
    : `${startDay}${separator}${time.format(start)} – ${endDay}${separator}${time.format(end)}`
}

/** A day and time, short: `2026年12月1日 10:00` / `Dec 1, 2026, 10:00 AM`. */
export function formatDateTime(ms: number, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms)
}

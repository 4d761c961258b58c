/**
 * Calendar months in a creator's time zone, as UTC millisecond bounds the database can compare with. SQLite
 * knows no IANA zones, so the bounds are computed here (with Intl, on Node and Workers alike) and sent with
 * the query; a month is `[start, end)` from local midnight on the 1st to local midnight on the next 1st, so a
 * payment at 23:30 on 30 November in Shanghai is November's even though it is 15:30 UTC.
 */

/** `YYYY-MM`. */
export type MonthKey = string

export interface MonthBounds {
  month: MonthKey
  /** UTC ms of local midnight on the 1st, inclusive. */
  startAt: number
  /** UTC ms of local midnight on the next month's 1st, exclusive. */
  endAt: number
}

export const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/

/** Months since year 0, so months add and compare as integers. */
function monthIndex(month: MonthKey): number {
  const [year, number] = month.split('-').map(Number)
  return (year ?? 0) * 12 + (number ?? 1) - 1
}

function monthKey(index: number): MonthKey {
  const year = Math.floor(index / 12)
  return `${String(year).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`
}

export function addMonths(month: MonthKey, count: number): MonthKey {
  return monthKey(monthIndex(month) + count)
}

/** How many months `[from, to]` spans, both included; 0 or less when `to` is before `from`. */
export function monthSpan(from: MonthKey, to: MonthKey): number {
  return monthIndex(to) - monthIndex(from) + 1
}

/** Wall-clock parts of an instant in a zone. */
function zonedParts(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at)
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value)
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  }
}

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function zoneOffset(at: number, timeZone: string): number {
  const p = zonedParts(at, timeZone)
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return wallAsUtc - Math.floor(at / 1000) * 1000
}

/**
 * UTC ms of local midnight starting a month. The offset is read at the first guess and again at the result,
 * which settles a daylight-saving change between the two (none of the usual zones changes at midnight on a
 * 1st).
 */
export function monthStart(month: MonthKey, timeZone: string): number {
  const index = monthIndex(month)
  const wall = Date.UTC(Math.floor(index / 12), index % 12, 1)
  const first = wall - zoneOffset(wall, timeZone)
  return wall - zoneOffset(first, timeZone)
}

/**
 * UTC ms of local midnight starting a calendar day, `YYYY-MM-DD`, or null for a day that does not exist
 * (`2026-02-30`). Settled like `monthStart`.
 */
export function dayStart(date: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const wall = Date.UTC(year, month - 1, day)
  const check = new Date(wall)
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return null
  const first = wall - zoneOffset(wall, timeZone)
  return wall - zoneOffset(first, timeZone)
}

/** The month an instant falls in, in a zone. */
export function monthOf(at: number, timeZone: string): MonthKey {
  const p = zonedParts(at, timeZone)
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}`
}

/** The local date of an instant, `YYYY-MM-DD` (for file names). */
export function dateOf(at: number, timeZone: string): string {
  const p = zonedParts(at, timeZone)
  return `${monthOf(at, timeZone)}-${String(p.day).padStart(2, '0')}`
}

/** Every month of `[from, to]` with its UTC bounds, oldest first. */
export function monthRange(from: MonthKey, to: MonthKey, timeZone: string): MonthBounds[] {
  const out: MonthBounds[] = []
  for (let index = monthIndex(from); index <= monthIndex(to); index++) {
    const month = monthKey(index)
    out.push({
      month,
      startAt: monthStart(month, timeZone),
      endAt: monthStart(monthKey(index + 1), timeZone),
    })
  }
  return out
}

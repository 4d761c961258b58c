/**
 * Wall-clock times in a named time zone ↔ UTC, for `<input type="datetime-local">`, which sends a local time
 * with no zone. Intl is the only zone database on both Node and Workers, so the offset is read from it.
 */

/** The zone's offset from UTC at the instant `ms`, in ms (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(ms)
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value)
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  )
  return wall - Math.floor(ms / 1000) * 1000
}

/**
 * `2026-12-01T10:00` in Asia/Shanghai → the UTC ms of 2026-12-01T02:00Z; null for text that is no such time.
 * The offset is read twice (at the first guess, then at the corrected instant) so a time next to a daylight
 * saving change lands on the right side of it.
 */
export function zonedToUtc(local: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim())
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1).map((value) => Number(value ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const wall = Date.UTC(year, month - 1, day, hour, minute, second)
  const check = new Date(wall)
  // Date.UTC rolls 2026-02-30 over into March; such a date was never a valid input.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null
  const guess = wall - offsetAt(wall, timeZone)
  return wall - offsetAt(guess, timeZone)
}

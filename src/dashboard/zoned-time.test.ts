import { describe, expect, it } from 'vitest'
import { zonedToUtc } from './zoned-time'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

describe('zonedToUtc', () => {
  it('reads a datetime-local value in the given zone', () => {
    expect(iso(zonedToUtc('2026-12-01T10:00', 'Asia/Shanghai'))).toBe('2026-12-01T02:00:00.000Z')
    expect(iso(zonedToUtc('2026-12-01T10:00', 'UTC'))).toBe('2026-12-01T10:00:00.000Z')
    expect(iso(zonedToUtc('2026-07-01T09:30', 'America/New_York'))).toBe('2026-07-01T13:30:00.000Z')
    expect(iso(zonedToUtc('2026-12-01T09:30', 'America/New_York'))).toBe('2026-12-01T14:30:00.000Z')
  })

  it('lands on the right side of a daylight saving change', () => {
    // Europe/Berlin moves from +1 to +2 at 2026-03-29 02:00 local.
    expect(iso(zonedToUtc('2026-03-29T01:30', 'Europe/Berlin'))).toBe('2026-03-29T00:30:00.000Z')
    expect(iso(zonedToUtc('2026-03-29T03:30', 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z')
  })

  it('refuses text that is no time', () => {
    expect(zonedToUtc('abc', 'Asia/Shanghai')).toBeNull()
    expect(zonedToUtc('2026-02-30T10:00', 'Asia/Shanghai')).toBeNull()
    expect(zonedToUtc('', 'Asia/Shanghai')).toBeNull()
  })
})

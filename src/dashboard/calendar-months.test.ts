import { describe, expect, it } from 'vitest'
import { addMonths, dateOf, monthOf, monthRange, monthSpan, monthStart } from './calendar-months'

describe('calendar months', () => {
  it('starts a Shanghai month at 16:00 UTC the day before', () => {
    expect(new Date(monthStart('2026-12', 'Asia/Shanghai')).toISOString()).toBe('2026-11-30T16:00:00.000Z')
    expect(new Date(monthStart('2026-12', 'UTC')).toISOString()).toBe('2026-12-01T00:00:00.000Z')
  })

  it('follows daylight saving time: New York months start at 04:00 UTC in summer and 05:00 in winter', () => {
    expect(new Date(monthStart('2026-07', 'America/New_York')).toISOString()).toBe('2026-07-01T04:00:00.000Z')
    expect(new Date(monthStart('2026-01', 'America/New_York')).toISOString()).toBe('2026-01-01T05:00:00.000Z')
    // March holds the change to summer time; its start is still winter time.
    expect(new Date(monthStart('2026-03', 'America/New_York')).toISOString()).toBe('2026-03-01T05:00:00.000Z')
  })

  it('puts an instant in its local month', () => {
    const lateNovemberUtc = Date.UTC(2026, 10, 30, 17, 0)
    expect(monthOf(lateNovemberUtc, 'Asia/Shanghai')).toBe('2026-12')
    expect(monthOf(lateNovemberUtc, 'UTC')).toBe('2026-11')
    expect(dateOf(lateNovemberUtc, 'Asia/Shanghai')).toBe('2026-12-01')
  })

  it('adds months across years and counts spans with both ends included', () => {
    expect(addMonths('2026-11', -11)).toBe('2025-12')
    expect(addMonths('2026-12', 1)).toBe('2027-01')
    expect(monthSpan('2025-12', '2026-11')).toBe(12)
    expect(monthSpan('2026-11', '2026-10')).toBe(0)
  })

  it('lists contiguous months, each ending where the next starts', () => {
    const months = monthRange('2026-11', '2027-01', 'Asia/Shanghai')
    expect(months.map((bounds) => bounds.month)).toEqual(['2026-11', '2026-12', '2027-01'])
    expect(months[0]?.endAt).toBe(months[1]?.startAt)
    expect(months[1]?.endAt).toBe(months[2]?.startAt)
    expect(new Date(months[2]?.endAt ?? 0).toISOString()).toBe('2027-01-31T16:00:00.000Z')
  })
})

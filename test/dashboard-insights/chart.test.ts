import { describe, expect, it } from 'vitest'
import { BarChart, type BarPoint, barChartLayout } from '../../src/dashboard/insights-chart'
import { grantEndsAt } from '../../src/dashboard/insights-members'
import { monthlySeries } from '../../src/dashboard/insights-revenue'

const size = { width: 400, height: 240, top: 20, bottom: 20 } // a 200-unit plot
const point = (label: string, value: number): BarPoint => ({ label, tick: label, value, text: String(value) })

describe('barChartLayout', () => {
  it('makes bar heights proportional to the values, standing on the zero line', () => {
    const layout = barChartLayout([point('a', 100), point('b', 50), point('c', 25)], size)
    expect(layout.bars.map((bar) => bar.height)).toEqual([200, 100, 50])
    expect(layout.zeroY).toBe(220)
    expect(layout.bars.map((bar) => bar.y + bar.height)).toEqual([220, 220, 220])
    expect(layout.bars.every((bar) => !bar.negative)).toBe(true)
  })

  it('hangs a negative month below the zero line on the same scale', () => {
    const layout = barChartLayout([point('a', 150), point('b', -50)], size)
    expect(layout.zeroY).toBe(170) // 150 of 200 units above, 50 below
    const [up, down] = layout.bars
    expect(up).toMatchObject({ y: 20, height: 150, negative: false })
    expect(down).toMatchObject({ y: 170, height: 50, negative: true })
  })

  it('draws only negative bars from the top when every month lost money', () => {
    const layout = barChartLayout([point('a', -10), point('b', -40)], size)
    expect(layout.zeroY).toBe(20)
    expect(layout.bars.map((bar) => [bar.y, bar.height])).toEqual([
      [20, 50],
      [20, 200],
    ])
  })

  it('keeps a slot and a tick for a month without data but draws no bar for it', () => {
    const layout = barChartLayout([point('a', 0), point('b', 10), point('c', 0)], size)
    expect(layout.bars.map((bar) => bar.label)).toEqual(['b'])
    expect(layout.ticks.map((tick) => tick.text)).toEqual(['a', 'b', 'c'])
    expect(layout.bars[0]?.x).toBeGreaterThan(layout.ticks[0]?.x ?? 0)
  })

  it('draws just the axis for empty data, without dividing by zero', () => {
    for (const points of [[], [point('a', 0)]]) {
      const layout = barChartLayout(points, size)
      expect(layout.bars).toEqual([])
      expect(Number.isFinite(layout.zeroY)).toBe(true)
    }
  })

  it('labels at most about 12 ticks for a long range', () => {
    const points = Array.from({ length: 60 }, (_, index) => point(String(index), index))
    expect(barChartLayout(points, size).ticks).toHaveLength(12)
  })
})

describe('BarChart', () => {
  it('renders an accessible image with one rect per month with data and a tooltip each', () => {
    const svg = String(
      BarChart({ points: [point('2026-11', 300), point('2026-12', -100)], summary: 'Net <CNY>' }),
    )
    expect(svg).toContain('role="img"')
    expect(svg).toContain('aria-label="Net &lt;CNY&gt;"')
    expect(svg).toContain('<title>Net &lt;CNY&gt;</title>')
    expect(svg.match(/<rect /g)).toHaveLength(2)
    expect(svg).toContain('<title>2026-12: -100</title>')
    expect(svg).toContain('class="bar negative"')
  })
})

describe('monthlySeries', () => {
  it('sums offers per month and currency over every month of the range, currencies apart', () => {
    const row = (month: string, currency: string, gross: number, refunds: number) => ({
      month,
      offer_id: 'off',
      offer_title: null,
      currency,
      gross,
      refunds,
      net: gross - refunds,
      count: 1,
    })
    const series = monthlySeries({
      from: '2026-10',
      to: '2026-12',
      data: [row('2026-10', 'CNY', 100, 0), row('2026-10', 'CNY', 50, 10), row('2026-12', 'USD', 0, 30)],
    })
    expect([...series.keys()]).toEqual(['CNY', 'USD'])
    expect(series.get('CNY')?.map((entry) => [entry.month, entry.net])).toEqual([
      ['2026-10', 140],
      ['2026-11', 0],
      ['2026-12', 0],
    ])
    expect(series.get('USD')?.map((entry) => entry.net)).toEqual([0, 0, -30])
  })
})

describe('grantEndsAt', () => {
  it('ends after the last day in the zone, is undefined when empty and null for a non-date', () => {
    expect(grantEndsAt('2026-12-31', 'Asia/Shanghai')).toBe('2026-12-31T16:00:00.000Z')
    expect(grantEndsAt('2026-03-28', 'Europe/London')).toBe('2026-03-29T00:00:00.000Z')
    expect(grantEndsAt('2026-03-29', 'Europe/London')).toBe('2026-03-29T23:00:00.000Z')
    expect(grantEndsAt('', 'Asia/Shanghai')).toBeUndefined()
    expect(grantEndsAt('2026-02-30', 'Asia/Shanghai')).toBeNull()
    expect(grantEndsAt('tomorrow', 'Asia/Shanghai')).toBeNull()
  })
})

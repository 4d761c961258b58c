import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dayMs } from '../../src/lib/time'
import { courseBody } from '../catalog/builders'
import { buy, liveOffer, refund } from '../dashboard/shop'
import { getPage, html, type InsightsContext, openInsights } from './harness'

let i: InsightsContext

beforeEach(async () => {
  i = await openInsights()
})
afterEach(() => i.shop.fake.close())

const bars = (page: string) => [...page.matchAll(/<rect [^>]*data-label="([\d-]+)" data-value="(-?\d+)"/g)]

/** November: two courses paid (2 × ¥199); December: one of them refunded. */
async function twoMonths() {
  const course = await liveOffer(i.shop, i.creator.key, courseBody())
  const one = await buy(i.shop, course.id, 'one@example.com')
  await buy(i.shop, course.id, 'two@example.com')
  i.shop.ctx.clock.advance(10 * dayMs) // 3 December 2026
  await refund(i.shop, i.creator.key, one.orderId)
  return { course }
}

describe('revenue page', () => {
  it('draws one bar per month with data and prints the exact figures beneath', async () => {
    await twoMonths()
    const page = await html(i, '/dashboard/revenue')
    expect(page).toContain('aria-current="page">Revenue<')
    expect(bars(page).map((bar) => [bar[1], bar[2]])).toEqual([
      ['2026-11', '39800'],
      ['2026-12', '-19900'],
    ])
    expect(page).toMatch(
      /<svg[^>]*role="img"[^>]*aria-label="Net revenue in CNY per month, 2026-01 to 2026-12: CN¥199.00 in total, 2 months/,
    )
    expect(page).toMatch(/<tr data-month="2026-11">.*?data-net="39800">CN¥398.00</)
    expect(page).toMatch(/<tr data-month="2026-12">.*?CN¥199.00.*?data-net="-19900">-CN¥199.00</)
    expect(page).toMatch(/<tr data-total="CNY">.*?data-net="19900">CN¥199.00</)
    expect(page).not.toContain('data-month="2026-10"')
    expect(page).toContain('href="/api/v1/exports/orders.csv"')
    expect(page).toContain('href="/dashboard/bookings"')
  })

  it('takes the months from the GET form', async () => {
    await twoMonths()
    const december = await html(i, '/dashboard/revenue?from=2026-12&to=2026-12')
    expect(bars(december).map((bar) => bar[1])).toEqual(['2026-12'])
    expect(december).toContain('value="2026-12"')
    const defaults = await html(i, '/dashboard/revenue?from=&to=')
    expect(bars(defaults)).toHaveLength(2)
  })

  it('says so when there is no revenue, and refuses a malformed month', async () => {
    const empty = await html(i, '/dashboard/revenue')
    expect(empty).toContain('No revenue in these months.')
    expect(empty).not.toContain('<svg')
    expect((await getPage(i, '/dashboard/revenue?from=2026-13')).status).toBe(422)
  })

  it('sends a signed-out visitor to sign in', async () => {
    const out = await getPage(i, '/dashboard/revenue', null)
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/login?as=creator&next=%2Fdashboard%2Frevenue')
  })
})

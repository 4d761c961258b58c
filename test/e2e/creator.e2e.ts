/**
 * The creator's journey in a real browser, on the demo creator `npm start` seeds: sign in by magic link from
 * the dev outbox, create a course in the offers editor and publish it, see a buyer's purchase of it on the
 * revenue page, refund it from the member's page, and watch the buyer lose access. Screenshots at phone and
 * desktop widths go to test/artifacts/; axe-core checks the dashboard pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Browser,
  launchBrowser,
  newContext,
  outboxLink,
  type Page,
  type RunningApp,
  seriousViolations,
  snap,
  startApp,
} from './harness'

let app: RunningApp
let browser: Browser
let creator: Page
let buyer: Page
const buyerEmail = 'e2e-student@example.com'
let courseId = ''

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
  creator = await (await newContext(browser, { viewport: 'desktop', locale: 'en-US' })).newPage()
  buyer = await (await newContext(browser, { viewport: 'phone', locale: 'zh-CN' })).newPage()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

async function signIn(page: Page, email: string, role: 'buyer' | 'creator') {
  await page.goto(`${app.url}/login${role === 'creator' ? '?as=creator' : ''}`)
  await page.fill('#email', email)
  await page.click('button[type="submit"]')
  await page.goto(await outboxLink(app, email, '/login/verify'))
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')])
}

describe('creator journey (Chromium)', () => {
  it('signs in and publishes a new course from the offers editor', async () => {
    await signIn(creator, 'demo@quanzi.local', 'creator')
    expect(new URL(creator.url()).pathname).toBe('/dashboard')
    await snap(creator, 'creator-01-overview-desktop-en')
    await creator.goto(`${app.url}/dashboard/offers/new?kind=course`)
    await creator.fill('input[name="title"]', 'Slow reading, a short course')
    await creator.fill('input[name="slug"]', 'slow-reading')
    await creator.fill('textarea[name="description"]', 'Three evenings of slow reading.')
    await creator.fill('input[name="price"]', '99.00')
    await Promise.all([
      creator.waitForNavigation(),
      creator.click('form[action="/dashboard/offers"] button[type="submit"]'),
    ])
    courseId = /\/dashboard\/offers\/(off_\w+)/.exec(creator.url())?.[1] ?? ''
    expect(courseId).toMatch(/^off_/)
    await Promise.all([
      creator.waitForNavigation(),
      creator.click(`form[action="/dashboard/offers/${courseId}/status"] button`),
    ])
    await snap(creator, 'creator-02-offer-published-desktop-en')
    const storefront = await fetch(`${app.url}/c/demo/slow-reading`)
    expect(storefront.status).toBe(200)
  })

  it('sees the sale on the revenue page, refunds it, and the buyer loses access', async () => {
    await buyer.goto(`${app.url}/c/demo/slow-reading`)
    await buyer.click(`a[href^="/buy/${courseId}"]`)
    await buyer.fill('#email', buyerEmail)
    await Promise.all([buyer.waitForURL(/\/checkout\/success/), buyer.click('button[value="pay"]')])
    await signIn(buyer, buyerEmail, 'buyer')
    expect(await buyer.textContent('main')).toContain('Slow reading')

    await creator.goto(`${app.url}/dashboard/revenue`)
    await snap(creator, 'creator-03-revenue-desktop-en')
    expect(await creator.textContent('main')).toContain('99.00')
    expect(await creator.$$('svg[role="img"]')).not.toHaveLength(0)

    await creator.goto(`${app.url}/dashboard/members?email=${encodeURIComponent(buyerEmail)}`)
    await creator.click(`a[href^="/dashboard/members/buy_"]`)
    await snap(creator, 'creator-04-member-explainer-desktop-en')
    await Promise.all([creator.waitForNavigation(), creator.click('form[action*="/refund"] button')])
    // The refund went through the local Stripe; its charge.refunded webhook revokes the purchase.
    await expect
      .poll(
        async () => {
          await buyer.goto(`${app.url}/me`)
          return buyer.textContent('main')
        },
        { timeout: 10_000 },
      )
      .toContain('已撤销')
    await snap(buyer, 'creator-05-buyer-after-refund-phone-zh')
  })

  it('has no serious accessibility violations on the dashboard pages', async () => {
    const problems: string[] = []
    for (const path of [
      '/dashboard',
      '/dashboard/offers',
      '/dashboard/offers/new?kind=tier',
      '/dashboard/posts/new',
      '/dashboard/members',
      '/dashboard/revenue',
      '/dashboard/bookings',
      '/dashboard/settings',
    ]) {
      await creator.goto(`${app.url}${path}`)
      await snap(creator, `creator-page${path.replaceAll(/[/?=]/g, '-')}-desktop-en`)
      for (const violation of await seriousViolations(creator))
        problems.push(`${path}: ${violation.id} (${violation.impact}) ${violation.help}`)
    }
    expect(problems).toEqual([])
  })

  it('renders the dashboard at phone width and in both languages', async () => {
    const phone = await creator
      .context()
      .browser()
      ?.newContext({
        viewport: { width: 390, height: 844 },
        storageState: await creator.context().storageState(),
      })
    const tab = await phone?.newPage()
    if (!tab) throw new Error('no browser')
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const path of ['/dashboard', '/dashboard/offers', '/dashboard/revenue', '/dashboard/members']) {
        const response = await tab.goto(`${app.url}${path}?lang=${lang}`)
        expect(response?.status(), `${path} ${lang}`).toBe(200)
        expect(await tab.getAttribute('html', 'lang')).toBe(lang)
        await snap(tab, `creator-page${path.replaceAll('/', '-')}-phone-${lang === 'en' ? 'en' : 'zh'}`)
      }
    }
    await phone?.close()
  })
})

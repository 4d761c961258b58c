/**
 * The buyer's journey in a real browser, on the demo storefront `npm start` seeds: buy the Member tier (rank 1,
 * includes the WeChat group) with the local checkout, sign in from the dev outbox's link, read a rank-1 post and
 * be refused the rank-2 one, open a preview lesson and be refused the rest, buy the course and see the drip
 * lock, book a consultation slot, reveal the group invite. Screenshots at phone and desktop widths in both
 * languages go to test/artifacts/; axe-core checks the main pages for serious violations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Browser,
  type BrowserContext,
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
let context: BrowserContext
let page: Page
const email = 'e2e-reader@example.com'
const visited: string[] = []

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
  context = await newContext(browser, { viewport: 'phone', locale: 'zh-CN' })
  page = await context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

async function go(path: string) {
  const response = await page.goto(`${app.url}${path}`)
  visited.push(path)
  return response
}

/** Follows a /buy link through the local checkout page and pays; lands on the success page. */
async function payAt(buyHref: string) {
  const response = await page.goto(`${app.url}${buyHref.replaceAll('&amp;', '&')}`)
  if (!page.url().includes('/dev/checkout/'))
    throw new Error(
      `checkout did not start (${response?.status()} ${page.url()}): ${await page.textContent('main')}`,
    )
  await page.fill('#email', email)
  await Promise.all([page.waitForURL(/\/checkout\/success/), page.click('button[value="pay"]')])
}

async function offerHref(slug: string): Promise<{ id: string }> {
  const response = await fetch(`${app.url}/api/v1/public/creators/demo`)
  const body = (await response.json()) as { offers: { id: string; slug: string }[] }
  const offer = body.offers.find((candidate) => candidate.slug === slug)
  if (!offer) throw new Error(`no demo offer ${slug}`)
  return offer
}

describe('buyer journey (Chromium)', () => {
  it('buys a tier, signs in by magic link, and reads what the tier allows', async () => {
    await go('/c/demo')
    await snap(page, 'buyer-01-storefront-phone-zh')
    const member = await offerHref('member')
    // The pass: one year, payable with Alipay / WeChat Pay (or a card) in the local checkout.
    const passLink = await page.getAttribute(`a[href^="/buy/${member.id}"][href*="rail=wallet"]`, 'href')
    expect(passLink).toBeTruthy()
    await payAt(passLink ?? '')
    await snap(page, 'buyer-02-success-phone-zh')
    expect(await page.textContent('h1')).toContain('付款成功')

    await go('/login')
    await page.fill('#email', email)
    await page.click('button[type="submit"]')
    expect(await page.textContent('h1')).toContain('请查收邮件')
    const link = await outboxLink(app, email, '/login/verify')
    await page.goto(link)
    await snap(page, 'buyer-03-confirm-sign-in-phone-zh')
    await Promise.all([page.waitForURL(/\/me$/), page.click('button[type="submit"]')])
    visited.push('/me')
    await snap(page, 'buyer-04-library-phone-zh')
    expect(await page.textContent('main')).toContain('会员 · Member')

    const allowed = await go('/c/demo/posts/demo-post-2')
    expect(allowed?.status()).toBe(200)
    await snap(page, 'buyer-05-post-allowed-phone-zh')
    const refused = await go('/c/demo/posts/demo-post-3')
    expect(refused?.status()).toBe(402)
    expect(await page.textContent('.refusal')).toContain('核心会员')
    await snap(page, 'buyer-06-post-refused-phone-zh')
  })

  it('opens a preview lesson, is refused the rest, buys the course and meets the drip lock', async () => {
    const course = await offerHref('close-reading')
    await go(`/learn/${course.id}`)
    await snap(page, 'buyer-07-course-locked-phone-zh')
    const locked = await page.$$eval(
      'li[data-lesson]',
      (items) => items.filter((item) => !item.querySelector('a')).length,
    )
    expect(locked).toBeGreaterThan(0)
    const preview = await page.getAttribute('li[data-lesson] a', 'href')
    expect(preview).toBeTruthy()
    expect((await go(preview ?? ''))?.status()).toBe(200)

    await go('/c/demo/close-reading')
    const buy = await page.getAttribute(`a[href^="/buy/${course.id}"]`, 'href')
    await payAt(buy ?? '')
    await go(`/learn/${course.id}`)
    await snap(page, 'buyer-08-course-drip-phone-zh')
    expect(await page.textContent('ol.lessons')).toMatch(/将于 .* 开放/)
  })

  it('books a consultation slot and sees it in the library', async () => {
    await go('/c/demo/one-on-one')
    await snap(page, 'buyer-09-slots-phone-zh')
    // Shown in the consultation's zone, and (the buyer is in London) also in theirs.
    expect(await page.textContent('li[data-slot] .local-time')).toContain('你的时间')
    const slotLink = await page.getAttribute('li[data-slot] a', 'href')
    expect(slotLink).toContain('slot=')
    await payAt(slotLink ?? '')
    await go('/me')
    expect(await page.$$('li[data-slot]')).toHaveLength(1)
    await snap(page, 'buyer-10-library-booking-phone-zh')
  })

  it('reveals the group invite the tier includes', async () => {
    const group = await offerHref('wechat-group')
    const response = await go(`/me/groups/${group.id}`)
    expect(response?.status()).toBe(200)
    await snap(page, 'buyer-11-group-invite-phone-zh')
  })

  it('renders the same pages at desktop width and in English', async () => {
    const state = await context.storageState()
    for (const [viewport, locale, suffix] of [
      ['desktop', 'zh-CN', 'desktop-zh'],
      ['phone', 'en-US', 'phone-en'],
      ['desktop', 'en-US', 'desktop-en'],
    ] as const) {
      const other = await browser.newContext({
        viewport: viewport === 'desktop' ? { width: 1280, height: 800 } : { width: 390, height: 844 },
        locale,
        storageState: state,
        extraHTTPHeaders: { 'accept-language': locale },
      })
      const tab = await other.newPage()
      for (const [name, path] of [
        ['storefront', '/c/demo'],
        ['library', '/me'],
        ['login', '/login'],
      ] as const) {
        const response = await tab.goto(`${app.url}${path}`)
        expect(response?.status(), `${path} ${suffix}`).toBe(200)
        await snap(tab, `buyer-${name}-${suffix}`)
      }
      if (locale === 'en-US') expect(await tab.textContent('h1')).toContain('Sign in')
      await other.close()
    }
  })

  it('has no serious accessibility violations on the pages visited', async () => {
    const problems: string[] = []
    for (const path of [...new Set(visited)]) {
      await page.goto(`${app.url}${path}`)
      for (const violation of await seriousViolations(page))
        problems.push(
          `${path}: ${violation.id} (${violation.impact}) ${violation.help} — ${violation.nodes
            .map((node) => node.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
        )
    }
    expect(problems).toEqual([])
  })
})

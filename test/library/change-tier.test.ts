import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { csrfToken } from '../../src/accounts/csrf'
import type { FakeStripe } from '../../src/dev/local-stripe'
import { tierBody } from '../catalog/builders'
import { api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext, deliverToApp, type PaymentsContext, sessionIdOf } from '../payments'
import { postForm, signIn } from '../sign-in'

let ctx: TestContext
let fake: FakeStripe
let payments: PaymentsContext
let silver: string
let gold: string
let subscriptionId: string

beforeEach(async () => {
  payments = await createPaymentsContext()
  ;({ ctx, fake } = payments)
  const { key } = await givenCreator(ctx, { locale: 'en' })
  const tier = async (slug: string, rank: number, amount: number) =>
    (
      await api(ctx, 'POST', '/api/v1/offers', {
        key,
        body: tierBody({
          slug,
          title: slug,
          rank,
          status: 'live',
          prices: [{ amount, currency: 'CNY', interval: 'year' }],
        }),
      })
    ).body.id as string
  silver = await tier('silver', 1, 20000)
  gold = await tier('gold', 2, 120000)
  const response = await ctx.app.request(`/buy/${silver}?rail=card`)
  await deliverToApp(payments, fake.completeSession(sessionIdOf(response), { email: 'member@example.com' }))
  subscriptionId = fake.objects<{ id: string }>('subscription')[0]?.id ?? ''
})
afterEach(() => fake.close())

async function held() {
  const rows = await ctx.sql.execute(
    'select o.slug, e.state from entitlements e join offers o on o.id = e.offer_id order by o.slug',
  )
  return rows.rows.map((row) => `${row.slug}:${row.state}`)
}

describe('a buyer changes their own tier from the library', () => {
  it('offers the other tiers with when each takes effect, and moves up at once', async () => {
    const { cookie } = await signIn(ctx, 'member@example.com')
    ctx.roundTrips.count = 0
    const page = await ctx.app.request('/me', {
      headers: { cookie, accept: 'text/html', 'accept-language': 'en' },
    })
    expect(ctx.roundTrips.count).toBe(1)
    const html = await page.text()
    expect(html).toContain(`action="/me/subscriptions/${subscriptionId}/tier"`)
    expect(html).toMatch(new RegExp(`<option value="${gold}">gold — now, paying the difference</option>`))
    const csrf = await csrfToken(ctx.deps.config, cookie.split('=')[1] ?? '')
    const moved = await postForm(
      ctx,
      `/me/subscriptions/${subscriptionId}/tier`,
      { offer_id: gold, csrf },
      { cookie },
    )
    expect(moved.status).toBe(303)
    expect(moved.headers.get('location')).toBe('/me?changed=1')
    expect(await held()).toEqual(['gold:active', 'silver:lapsed'])
    const audit = await ctx.sql.execute(
      "select actor_type from audit_log where action = 'subscription.upgrade'",
    )
    expect(audit.rows.map((row) => row.actor_type)).toEqual(['buyer'])
  })

  it("refuses another buyer's subscription, and a form without its token", async () => {
    const owner = await signIn(ctx, 'member@example.com')
    const other = await signIn(ctx, 'other@example.com')
    const otherCsrf = await csrfToken(ctx.deps.config, other.cookie.split('=')[1] ?? '')
    const stolen = await postForm(
      ctx,
      `/me/subscriptions/${subscriptionId}/tier`,
      { offer_id: gold, csrf: otherCsrf },
      { cookie: other.cookie, accept: 'text/html' },
    )
    expect(stolen.status).toBe(404)
    const forged = await postForm(
      ctx,
      `/me/subscriptions/${subscriptionId}/tier`,
      { offer_id: gold },
      { cookie: owner.cookie },
    )
    expect(forged.status).toBe(403)
    expect(await held()).toEqual(['silver:active'])
  })
})

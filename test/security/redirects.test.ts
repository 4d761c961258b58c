/**
 * Open redirects (security): no parameter a visitor controls can send a browser off-site. Checkout's success and
 * cancel URLs are built from PUBLIC_URL alone, whatever the buy link carries; sign-in and sign-out only ever
 * redirect to a path on this site.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { courseBody } from '../catalog/builders'
import { api, givenCreator } from '../helpers'
import { createPaymentsContext, type PaymentsContext } from '../payments'
import { latestSignInToken, postForm } from '../sign-in'

let payments: PaymentsContext
beforeEach(async () => {
  payments = await createPaymentsContext()
})
afterEach(() => payments.fake.close())

const offSite = ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']

describe('open redirects (security)', () => {
  it("ignores success, cancel and next parameters on a buy link: Stripe's return URLs stay on this site", async () => {
    const { ctx, fake } = payments
    const { key } = await givenCreator(ctx)
    const created = await api(ctx, 'POST', '/api/v1/offers', {
      key,
      body: { ...courseBody(), status: 'live' },
    })
    for (const target of offSite) {
      const query = new URLSearchParams({
        success_url: target,
        cancel_url: target,
        success: target,
        next: target,
      })
      const res = await ctx.app.request(`/buy/${created.body.id}?${query}`, {
        headers: { accept: 'text/html' },
      })
      expect(res.status).toBe(303)
    }
    const sessions = fake.requests.filter((request) => request.path === '/v1/checkout/sessions')
    expect(sessions).toHaveLength(offSite.length)
    for (const session of sessions) {
      const body = session.body as { success_url: string; cancel_url: string }
      expect(new URL(body.success_url).origin).toBe('http://localhost:8787')
      expect(new URL(body.cancel_url).origin).toBe('http://localhost:8787')
    }
  })

  it('sends a signed-in buyer only to a path on this site, whatever `next` says (4 vectors, within the rate limit)', async () => {
    const { ctx } = payments
    for (const next of offSite) {
      // A second apart, so each link is the newest mail.
      ctx.clock.advance(1_000)
      await postForm(ctx, '/login', { email: 'reader@example.com', next })
      const token = await latestSignInToken(ctx, 'reader@example.com')
      const res = await postForm(ctx, '/login/verify', { token })
      expect(res.status, `${next}: ${await res.clone().text()}`).toBe(303)
      // Not a path of this site: the default, the buyer's library.
      expect(res.headers.get('location'), next).toBe('/me')
    }
  })
})

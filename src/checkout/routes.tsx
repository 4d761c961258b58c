/**
 * Checkout links: `GET /buy/:offerId` answers 303 to a Stripe Checkout Session for that offer;
 * `GET /checkout/success?session_id=…` is where Stripe returns the buyer.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { validationProblem } from '../lib/openapi'
import * as z from '../lib/zod'
import { pageLocale } from '../web/locale'
import { confirmCheckout } from './confirm-checkout'
import { startCheckout } from './start-checkout'
import { SuccessPage } from './success-page'

const buyQuery = z.object({
  rail: z._default(z.enum(['card', 'wallet']), 'card'),
  price: z.optional(z.string().check(z.maxLength(64))),
  slot: z.optional(z.string().check(z.maxLength(64))),
  ref: z.optional(z.string().check(z.maxLength(40), z.regex(/^[\w-]+$/, 'letters, digits, _ and - only'))),
})

export function checkoutRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/buy/:offerId', async (c) => {
      const query = buyQuery.safeParse(c.req.query())
      if (!query.success) throw validationProblem(query.error)
      const { url } = await startCheckout(deps, {
        offerId: c.req.param('offerId'),
        rail: query.data.rail,
        priceId: query.data.price,
        slotId: query.data.slot,
        refCode: query.data.ref,
      })
      // Never cached: every visit is a new attempt with its own order and session.
      c.header('Cache-Control', 'no-store')
      return c.redirect(url, 303)
    })
    .get('/checkout/success', async (c) => {
      const outcome = await confirmCheckout(deps, c.req.query('session_id') ?? '')
      c.header('Cache-Control', 'no-store')
      const locale = pageLocale(c, outcome.locale === 'en' ? 'en' : 'zh-CN')
      return c.html(<SuccessPage outcome={{ ...outcome, locale }} />)
    })
}

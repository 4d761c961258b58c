/**
 * The public storefront: a JSON read for apps and embeds, and the server-rendered pages buyers see. No
 * authentication (app.ts leaves /api/v1/public/* and /c/* open); each request costs one database round trip.
 */
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute } from '../lib/api-route'
import { documented, errorResponses, jsonResponse } from '../lib/openapi'
import * as z from '../lib/zod'
import { pageLocale } from '../web/locale'
import { loadOfferPage } from './load-offer-page'
import { loadStorefront } from './load-storefront'
import { OfferPageView, StorefrontPage } from './pages'
import { storefrontJson, storefrontSchema } from './storefront-json'

const readStorefrontRoute = defineRoute({
  method: 'get',
  path: '/api/v1/public/creators/{creator}',
  tags: ['storefront'],
  summary: "A creator's public storefront: live offers with active prices, and the newest live posts",
  security: [],
  request: {
    params: z.object({ creator: documented(z.string(), { example: 'demo' }) }),
  },
  responses: { 200: jsonResponse(storefrontSchema, 'The storefront'), ...errorResponses(404) },
})

export function storefrontRoutes(deps: Deps) {
  const routes = apiRoutes<AppEnv>().openapi(readStorefrontRoute, async (c) =>
    c.json(storefrontJson(await loadStorefront(deps, c.req.valid('param').creator)), 200),
  )
  routes.app
    .get('/c/:creator', async (c) => {
      const storefront = await loadStorefront(deps, c.req.param('creator'))
      // The page's own words follow the visitor's language (web/locale.ts); the creator's is the default.
      const creator = { ...storefront.creator, locale: pageLocale(c, storefront.creator.locale) }
      return c.html(<StorefrontPage storefront={{ ...storefront, creator }} />)
    })
    .get('/c/:creator/:offer', async (c) => {
      const page = await loadOfferPage(deps, c.req.param('creator'), c.req.param('offer'))
      const creator = { ...page.creator, locale: pageLocale(c, page.creator.locale) }
      return c.html(<OfferPageView page={{ ...page, creator }} />)
    })
  return routes
}

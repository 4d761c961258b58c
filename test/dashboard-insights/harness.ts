/**
 * Shared setup for the insight pages: a shop over the fake Stripe (test/dashboard/shop.ts), a creator signed in
 * by magic link, and reading pages and their forms' CSRF token the way a browser would.
 */
import { expect } from 'vitest'
import { type Creator, openShop, type Shop } from '../dashboard/shop'
import { givenCreator } from '../helpers'
import { postForm, signIn } from '../sign-in'

export interface InsightsContext {
  shop: Shop
  creator: Creator
  cookie: string
}

export async function openInsights(): Promise<InsightsContext> {
  const shop = await openShop()
  const creator = await givenCreator(shop.ctx, { email: 'writer@example.com', locale: 'en' })
  const { cookie } = await signIn(shop.ctx, 'writer@example.com', 'creator')
  return { shop, creator, cookie }
}

export async function getPage(i: InsightsContext, path: string, cookie: string | null = i.cookie) {
  return i.shop.ctx.app.request(path, {
    headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
  })
}

/** The page's HTML, asserting it rendered. */
export async function html(i: InsightsContext, path: string): Promise<string> {
  const response = await getPage(i, path)
  expect(response.status).toBe(200)
  return response.text()
}

export function csrfOf(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page)
  if (!match?.[1]) throw new Error('no csrf field on the page')
  return match[1]
}

/** Posts a form from a page as the signed-in creator, with the token that page carries. */
export async function submit(
  i: InsightsContext,
  fromPage: string,
  action: string,
  fields: Record<string, string> = {},
) {
  const csrf = csrfOf(await html(i, fromPage))
  return postForm(i.shop.ctx, action, { csrf, ...fields }, { cookie: i.cookie, accept: 'text/html' })
}

/** Waits until the database has been idle for a moment (work a response left running, e.g. mail dispatch). */
export async function quiet(i: InsightsContext): Promise<void> {
  const { ctx } = i.shop
  for (let seen = -1; seen !== ctx.roundTrips.count; ) {
    seen = ctx.roundTrips.count
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** What `send` answers and the database round trips it cost, counted once the database is quiet. */
export async function counted(
  i: InsightsContext,
  send: () => Response | Promise<Response>,
): Promise<{ response: Response; roundTrips: number }> {
  await quiet(i)
  i.shop.ctx.roundTrips.count = 0
  const response = await send()
  return { response, roundTrips: i.shop.ctx.roundTrips.count }
}

export async function rows(i: InsightsContext, sql: string, args: (string | number)[] = []) {
  return (await i.shop.ctx.sql.execute({ sql, args })).rows
}

/**
 * Zero-configuration payments for `npm start` (Node only; the Worker never imports this). Without a
 * STRIPE_SECRET_KEY the Node entry runs the local Stripe server (./local-stripe), points quanzi's Stripe client
 * (src/billing/stripe-client.ts) at it, and serves a local checkout page at `/dev/checkout/:session`. Paying there plays Stripe's side of the
 * payment, and every event the local Stripe creates (payments, refunds, expiries) is signed with a local secret and
 * POSTed to `/webhooks/stripe` — the same verification, ledger and handlers as production.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { createStripe, type Stripe } from '../billing/stripe-client'
import { randomToken } from '../lib/crypto'
import type { Logger } from '../lib/logger'
import { formatMoney } from '../lib/money'
import { badRequest, notFound } from '../lib/problem'
import { Layout } from '../web/layout'
import { type FakeStripe, startFakeStripe } from './local-stripe'

export interface LocalPayments {
  stripe: Stripe
  webhookSecret: string
  fake: FakeStripe
  /** Where delivered events go; set once the app exists (the app needs `stripe` first). */
  deliverTo(fetch: (request: Request) => Response | Promise<Response>): void
  /** Resolves when every event created so far has been delivered. */
  settled(): Promise<void>
  close(): void
}

export async function startLocalPayments(options: {
  publicUrl: string
  logger: Logger
  now?: () => number
}): Promise<LocalPayments> {
  let target: ((request: Request) => Response | Promise<Response>) | null = null
  let queue: Promise<void> = Promise.resolve()
  const webhookSecret = `whsec_local_${randomToken(18)}`
  const fake: FakeStripe = await startFakeStripe({
    webhookSecret,
    ...(options.now ? { now: options.now } : {}),
    seed: Date.now() % 1_000_000,
    checkoutUrl: (sessionId) => `${options.publicUrl}/dev/checkout/${sessionId}`,
    // Deliver in creation order, one at a time, as a well-behaved Stripe would.
    onEvent: (event) => {
      queue = queue.then(async () => {
        if (!target) return
        const { payload, header } = fake.signEvent(event, {
          timestamp: Math.floor((options.now ?? Date.now)() / 1000),
        })
        const response = await target(
          new Request(`${options.publicUrl}/webhooks/stripe`, {
            method: 'POST',
            headers: { 'stripe-signature': header, 'content-type': 'application/json' },
            body: payload,
          }),
        )
        if (response.status >= 300)
          options.logger.warn('local stripe: webhook refused', { eventId: event.id, status: response.status })
      })
    },
  })
  return {
    stripe: createStripe('sk_test_local', fake.url, { maxNetworkRetries: 0 }),
    webhookSecret,
    fake,
    deliverTo: (fetch) => {
      target = fetch
    },
    settled: () => queue,
    close: () => fake.close(),
  }
}

/** The local checkout page and its form. Mounted by the Node entry only. */
export function localCheckoutRoutes(local: LocalPayments) {
  return new Hono<AppEnv>()
    .get('/dev/checkout/:sessionId', async (c) => {
      const session = await retrieve(local, c.req.param('sessionId'))
      const amount = formatMoney(
        session.amount_total ?? 0,
        (session.currency ?? 'cny').toUpperCase(),
        'zh-CN',
      )
      const wallets =
        (session as { allowed_payment_method_types?: string[] }).allowed_payment_method_types ?? []
      const wallet = wallets.includes('alipay') || wallets.includes('wechat_pay')
      return c.html(
        <Layout title="Local test checkout" lang="en">
          <section class="problem" aria-labelledby="title">
            <p class="status">Local test checkout · no real money</p>
            <h1 id="title">{amount}</h1>
            <p class="muted">
              {session.mode === 'subscription'
                ? 'Card subscription'
                : wallet
                  ? 'Alipay / WeChat Pay'
                  : 'Card'}{' '}
              · {session.id}
            </p>
            {session.status !== 'open' ? (
              <p>This checkout is {session.status}.</p>
            ) : (
              <form method="post">
                <p>
                  <label for="email">Email</label>
                  <br />
                  <input id="email" name="email" type="email" required value={session.customer_email ?? ''} />
                </p>
                <p>
                  <button class="button" type="submit" name="action" value="pay">
                    Pay
                  </button>{' '}
                  {wallet ? (
                    <button class="button" type="submit" name="action" value="pay-later">
                      Pay, confirmed later
                    </button>
                  ) : null}{' '}
                  <button class="button" type="submit" name="action" value="cancel">
                    Cancel
                  </button>
                </p>
              </form>
            )}
          </section>
        </Layout>,
      )
    })
    .post('/dev/checkout/:sessionId', async (c) => {
      const session = await retrieve(local, c.req.param('sessionId'))
      const form = await c.req.parseBody()
      const action = String(form.action ?? '')
      const email = String(form.email ?? '').trim()
      if (action === 'cancel') {
        local.fake.expireSession(session.id)
        await local.settled()
        return c.redirect(session.cancel_url ?? '/', 303)
      }
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw badRequest('Enter an email address to pay.')
      if (action === 'pay-later') {
        local.fake.completeSession(session.id, { email, paymentStatus: 'unpaid' })
        // A wallet payment that confirms a few seconds later, as Alipay and WeChat Pay may.
        setTimeout(() => local.fake.asyncPaymentSucceeded(session.id), 3_000)
      } else if (action === 'pay') {
        local.fake.completeSession(session.id, { email })
      } else {
        throw badRequest('Choose pay or cancel.')
      }
      await local.settled()
      return c.redirect((session.success_url ?? '/').replace('{CHECKOUT_SESSION_ID}', session.id), 303)
    })
}

async function retrieve(local: LocalPayments, sessionId: string): Promise<Stripe.Checkout.Session> {
  try {
    return await local.stripe.checkout.sessions.retrieve(sessionId)
  } catch {
    throw notFound('checkout session', sessionId)
  }
}

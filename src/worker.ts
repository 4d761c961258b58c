/**
 * Cloudflare Workers entry. Builds Deps from the environment bindings once per isolate: a D1 binding `DB`, or
 * Turso through LIBSQL_URL + LIBSQL_AUTH_TOKEN over HTTP (`@libsql/client/web`). With a required secret
 * missing it refuses to serve: every request answers a 500 problem naming what is missing, and one log line
 * says the same. Dev-only routes do not exist here.
 */
import { createClient } from '@libsql/client/web'
import { createApp } from './app'
import { reconcile } from './billing/reconcile'
import { createStripe } from './billing/stripe-client'
import { ConfigError, parseConfig } from './config'
import { dbFromD1, dbFromLibsql } from './db/client'
import type { Deps } from './deps'
import { createLogger } from './lib/logger'
import { misconfigured, type Problem, problemContentType } from './lib/problem'
import { systemClock } from './lib/time'
import { mailerFromConfig } from './mail/mailer'
import { dispatchMails } from './mail/outbox'
import { queuePassReminders } from './mail/reminders'

export interface WorkerEnv {
  DB?: D1Database
  [name: string]: unknown
}

type Built = { app: ReturnType<typeof createApp>; deps: Deps } | { problem: Problem }

// Bindings are fixed for the life of an isolate, so Deps are built once per env object. Nothing here holds
// state that matters for correctness across isolates.
const built = new WeakMap<object, Built>()

function build(env: WorkerEnv): Built {
  const cached = built.get(env)
  if (cached) return cached
  let result: Built
  try {
    const config = parseConfig(env, 'worker', { hasD1: Boolean(env.DB) })
    const db = config.LIBSQL_URL
      ? dbFromLibsql(
          createClient({
            url: config.LIBSQL_URL,
            ...(config.LIBSQL_AUTH_TOKEN ? { authToken: config.LIBSQL_AUTH_TOKEN } : {}),
          }),
        )
      : dbFromD1(env.DB as D1Database)
    const logger = createLogger(config.LOG_LEVEL)
    const deps: Deps = {
      db,
      config,
      clock: systemClock,
      logger,
      // parseConfig guarantees the key on Workers: there is no local checkout here.
      stripe: createStripe(config.STRIPE_SECRET_KEY ?? '', config.STRIPE_API_BASE),
      // Likewise MAIL_API_KEY and MAIL_FROM: this is always Resend, never the local outbox.
      mailer: mailerFromConfig(config, logger),
    }
    result = { app: createApp(deps), deps }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    const missing = [...error.missing, ...error.invalid]
    createLogger().error('refusing to serve: configuration incomplete', { missing })
    result = { problem: misconfigured(missing) }
  }
  built.set(env, result)
  return result
}

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    const result = build(env)
    if ('problem' in result) {
      return new Response(JSON.stringify(result.problem.toJSON(new URL(request.url).pathname)), {
        status: 500,
        headers: { 'content-type': problemContentType },
      })
    }
    return result.app.fetch(request, env, ctx)
  },

  /**
   * Cron trigger (wrangler.toml): reconcile with Stripe's Events API so a missed webhook heals itself, queue
   * pass-expiry reminders, then send what the outbox holds (including mails the other two just queued). Each is
   * its own waitUntil and catches its own failure, so a Stripe outage does not stop reminders or mail.
   */
  async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const result = build(env)
    if ('problem' in result) return
    const { deps } = result
    const failed = (name: string) => (error: unknown) => deps.logger.error(`${name} failed`, { error })
    const reconciled = reconcile(deps).then(() => undefined, failed('reconcile'))
    const reminded = queuePassReminders(deps).then(() => undefined, failed('pass reminders'))
    ctx.waitUntil(reconciled)
    ctx.waitUntil(reminded)
    ctx.waitUntil(
      Promise.all([reconciled, reminded])
        // Requests dispatch their own mail right away (dispatchAfterResponse); the cron catches retries and
        // anything queued by webhooks or reminders, so it takes a bigger bite than the 20 default.
        .then(() => dispatchMails(deps, { limit: 100 }))
        .then(() => undefined, failed('mail dispatch')),
    )
  },
} satisfies ExportedHandler<WorkerEnv>

/**
 * The Cloudflare Worker, whichever database it is built for: src/worker.ts (D1, the default) and
 * src/worker-turso.ts (Turso) each pass the one way they open it, so neither bundle carries the other's driver.
 * Builds Deps from the environment bindings once per isolate. With a required setting missing it refuses to
 * serve: every request answers a 500 problem naming what is missing, and one log line says the same. Dev-only
 * routes do not exist here.
 */
import { createApp } from './app'
import { reconcile } from './billing/reconcile'
import { createStripe } from './billing/stripe-client'
import { type Config, ConfigError, parseConfig, type WorkerDatabase } from './config'
import type { Db } from './db/client'
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

/** How an entry opens its database, once parseConfig has checked what it needs is there. */
export interface WorkerDatabaseOpener {
  kind: WorkerDatabase
  open(config: Config, env: WorkerEnv): Db
}

function build(env: WorkerEnv, database: WorkerDatabaseOpener): Built {
  const cached = built.get(env)
  if (cached) return cached
  let result: Built
  try {
    const config = parseConfig(env, 'worker', { database: database.kind, hasD1: Boolean(env.DB) })
    const db = database.open(config, env)
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

/** The Worker's `fetch` and `scheduled` handlers over the database an entry opens. */
export function workerHandler(database: WorkerDatabaseOpener) {
  return {
    fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
      const result = build(env, database)
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
      const result = build(env, database)
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
}

/**
 * Local entry: `npm start`. Zero configuration: an embedded libSQL file under ./data, migrations applied at
 * start, a demo creator seeded once, and the URL printed. Without a Stripe key, the local test checkout; without a
 * mail key, the dev outbox at /dev/outbox. Environment variables (see config.ts) override.
 */
import { serve } from '@hono/node-server'
import { apiDocument } from './api-document'
import { createApp } from './app'
import { reconcile } from './billing/reconcile'
import { createStripe } from './billing/stripe-client'
import { parseConfig } from './config'
import { dbFromLibsql } from './db/client'
import { defaultDatabaseUrl, openNodeDatabase } from './db/open-node'
import type { Deps } from './deps'
import { localCheckoutRoutes, startLocalPayments } from './dev/local-payments'
import { outboxRoutes } from './dev/outbox'
import { randomToken } from './lib/crypto'
import { createLogger, type Logger } from './lib/logger'
import { systemClock } from './lib/time'
import { mailerFromConfig } from './mail/mailer'
import { dispatchMails } from './mail/outbox'
import { queuePassReminders } from './mail/reminders'
import { seedDemo } from './seed'

async function main() {
  const config = parseConfig(process.env, 'node')
  const logger = createLogger(config.LOG_LEVEL)
  const databaseUrl = config.DATABASE_URL ?? defaultDatabaseUrl
  const { client, migrated } = await openNodeDatabase(databaseUrl, config.LIBSQL_AUTH_TOKEN)
  if (migrated.length) logger.info('migrations applied', { migrations: migrated })

  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`
  // No Stripe key: payments go to the local Stripe and its test checkout page, through the real webhook path.
  const local = config.STRIPE_SECRET_KEY ? null : await startLocalPayments({ publicUrl, logger })
  const deps: Deps = {
    db: dbFromLibsql(client),
    config: {
      ...config,
      PUBLIC_URL: publicUrl,
      // Locally a fresh session secret per start is fine: it only signs short-lived browser values.
      SESSION_SECRET: config.SESSION_SECRET ?? randomToken(32),
      STRIPE_WEBHOOK_SECRET: local?.webhookSecret ?? config.STRIPE_WEBHOOK_SECRET,
    },
    clock: systemClock,
    logger,
    stripe: local?.stripe ?? createStripe(config.STRIPE_SECRET_KEY ?? '', config.STRIPE_API_BASE),
    // No MAIL_API_KEY: mails stay in the database, shown at /dev/outbox; sending only logs a line.
    mailer: mailerFromConfig(config, logger),
  }
  const seeded = await seedDemo(deps)
  const app = createApp(deps, { apiDocument })
  if (local) {
    app.route('/', localCheckoutRoutes(local))
    local.deliverTo(app.fetch)
  }
  if (deps.mailer.kind === 'outbox') app.route('/', outboxRoutes(deps))
  const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
    console.log(`quanzi is running at ${publicUrl} (port ${info.port}, database ${databaseUrl})`)
    if (seeded)
      console.log(`demo storefront: ${publicUrl}/c/${seeded.slug}  ·  demo API key: ${seeded.apiKey}`)
    console.log(`API document: ${publicUrl}/openapi.json`)
    if (local) console.log('payments: local test checkout (no STRIPE_SECRET_KEY); nothing is charged')
    if (deps.mailer.kind === 'outbox')
      console.log(`mail: not sent (no MAIL_API_KEY); see ${publicUrl}/dev/outbox`)
  })
  // Reconciliation every 15 minutes while Stripe is configured (the Worker uses a cron trigger instead).
  const reconcileTimer = deps.stripe
    ? setInterval(() => {
        reconcile(deps).catch((error: unknown) => logger.error('reconcile failed', { error }))
      }, 15 * 60_000)
    : null
  // Mail: due mails every 30 s, pass reminders every 15 minutes; both once at start. The Worker's cron does the
  // same. A run still going when the timer fires again is left alone (claims would keep it correct anyway).
  const dispatchTimer = every(30_000, logger, 'mail dispatch', () => dispatchMails(deps))
  const reminderTimer = every(15 * 60_000, logger, 'pass reminders', async () => {
    await queuePassReminders(deps)
    await dispatchMails(deps)
  })
  const stop = () => {
    if (reconcileTimer) clearInterval(reconcileTimer)
    clearInterval(dispatchTimer)
    clearInterval(reminderTimer)
    local?.close()
    server.close()
    client.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

/** Runs `run` now and every `ms`, skipping a tick while the previous run is still going; failures are logged. */
function every(ms: number, logger: Logger, name: string, run: () => Promise<unknown>): NodeJS.Timeout {
  let running = false
  const tick = () => {
    if (running) return
    running = true
    run()
      .catch((error: unknown) => logger.error(`${name} failed`, { error }))
      .finally(() => {
        running = false
      })
  }
  tick()
  return setInterval(tick, ms)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})

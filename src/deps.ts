/**
 * Everything a verb may touch from the outside world. `createApp(deps)` receives it; the runtimes differ only
 * in how they build it (src/node.ts, src/worker.ts). Verbs take `Pick<Deps, …>` of what they use.
 */
import type { Stripe } from './billing/stripe-client'
import type { Config } from './config'
import type { Db } from './db/client'
import type { Logger } from './lib/logger'
import type { Clock } from './lib/time'
import type { Mailer } from './mail/mailer'

export interface Deps {
  db: Db
  config: Config
  clock: Clock
  logger: Logger
  /** Null when no STRIPE_SECRET_KEY is set (Node only: the local test checkout stands in). */
  stripe: Stripe | null
  /**
   * Sends what the mail outbox holds. Only the dispatcher (mail/outbox.ts) calls it; verbs queue mails in their
   * own write batch instead, so a mail exists exactly when the change it reports committed.
   */
  mailer: Mailer
}

/** Hono's typed context for quanzi: what middleware puts on `c.var`. */
import type { creators } from './db/schema'
import type { Actor } from './lib/audit'

export type CreatorRow = typeof creators.$inferSelect

export interface AppEnv {
  Variables: {
    requestId: string
    /** Set by `requireCreatorKey`: the creator the API key belongs to. Every catalog query is scoped by it. */
    creator: CreatorRow
    actor: Actor
  }
}

/**
 * Cloudflare Workers entry over D1 (the binding `DB`): the default build (`main` in wrangler.toml). Turso
 * deployments use src/worker-turso.ts (`--env turso`), so this bundle carries no libSQL client.
 */
import { dbFromD1 } from './db/client'
import { workerHandler } from './worker-handler'

export default workerHandler({ kind: 'd1', open: (_config, env) => dbFromD1(env.DB as D1Database) })

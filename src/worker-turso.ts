/**
 * Cloudflare Workers entry over Turso: libSQL over HTTP (`@libsql/client/web`) at LIBSQL_URL with
 * LIBSQL_AUTH_TOKEN. Built with `wrangler deploy --env turso` (wrangler.toml); the default build is D1's.
 */
import { createClient } from '@libsql/client/web'
import { dbFromLibsql } from './db/client'
import { workerHandler } from './worker-handler'

export default workerHandler({
  kind: 'turso',
  open: (config) =>
    dbFromLibsql(
      createClient({
        url: config.LIBSQL_URL ?? '',
        ...(config.LIBSQL_AUTH_TOKEN ? { authToken: config.LIBSQL_AUTH_TOKEN } : {}),
      }),
    ),
})

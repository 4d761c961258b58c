/**
 * Operator CLI, against DATABASE_URL (default the local file; a Turso URL with LIBSQL_AUTH_TOKEN works too).
 *
 *   npm run cli -- creators:create --slug <slug> --name <name> --email <email> [--locale zh-CN|en] [--currency CNY]
 *   npm run cli -- migrate
 *   npm run cli -- reconcile
 *
 * Prints JSON on stdout; errors go to stderr as a problem and exit non-zero.
 */
import { parseArgs } from 'node:util'
import { createCreator, createCreatorSchema } from './accounts/creators'
import { reconcile } from './billing/reconcile'
import { createStripe } from './billing/stripe-client'
import { parseConfig } from './config'
import { dbFromLibsql } from './db/client'
import { defaultDatabaseUrl, openNodeDatabase } from './db/open-node'
import { createLogger } from './lib/logger'
import { validationProblem } from './lib/openapi'
import { Problem } from './lib/problem'
import { systemClock } from './lib/time'

const usage = `usage:
  npm run cli -- creators:create --slug <slug> --name <name> --email <email> [--bio <text>] [--locale zh-CN|en] [--currency CNY] [--time-zone Asia/Shanghai]
  npm run cli -- migrate
  npm run cli -- reconcile       (or npm run reconcile)`

async function main(argv: string[]): Promise<unknown> {
  const [command, ...rest] = argv
  const config = parseConfig(process.env, 'node')
  const url = config.DATABASE_URL ?? defaultDatabaseUrl
  const { client, migrated } = await openNodeDatabase(url, config.LIBSQL_AUTH_TOKEN)
  try {
    if (command === 'migrate') return { database: url, applied: migrated }
    if (command === 'reconcile') {
      if (!config.STRIPE_SECRET_KEY)
        throw new Problem(400, 'usage', 'Stripe not configured', 'Set STRIPE_SECRET_KEY.')
      // Awaited here, inside the try: the finally below closes the database client.
      return await reconcile({
        db: dbFromLibsql(client),
        config,
        clock: systemClock,
        logger: createLogger(config.LOG_LEVEL),
        stripe: createStripe(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE),
      })
    }
    if (command === 'creators:create') {
      const { values } = parseArgs({
        args: rest,
        options: {
          slug: { type: 'string' },
          name: { type: 'string' },
          email: { type: 'string' },
          bio: { type: 'string' },
          locale: { type: 'string' },
          currency: { type: 'string' },
          'time-zone': { type: 'string' },
        },
        strict: true,
      })
      const parsed = createCreatorSchema.safeParse({
        slug: values.slug,
        name: values.name,
        email: values.email,
        bio: values.bio,
        locale: values.locale,
        default_currency: values.currency,
        time_zone: values['time-zone'],
      })
      if (!parsed.success) throw validationProblem(parsed.error)
      const deps = { db: dbFromLibsql(client), clock: systemClock, logger: createLogger(config.LOG_LEVEL) }
      const result = await createCreator(deps, parsed.data, { type: 'admin', id: 'cli' })
      return { creator: result.creator, api_key: result.apiKey }
    }
    throw new Problem(400, 'usage', 'Unknown command', usage)
  } finally {
    client.close()
  }
}

main(process.argv.slice(2)).then(
  (output) => {
    console.log(JSON.stringify(output, null, 2))
  },
  (error: unknown) => {
    const body =
      error instanceof Problem
        ? error.toJSON()
        : { title: 'Error', detail: error instanceof Error ? error.message : String(error) }
    console.error(JSON.stringify(body, null, 2))
    process.exit(error instanceof Problem && error.status < 500 ? 2 : 1)
  },
)

/**
 * Every environment variable quanzi reads, parsed in one place. The README's configuration table mirrors
 * `configVariables` below; keep them together.
 */
import * as z from './lib/zod'

export type Runtime = 'node' | 'worker'
/** The database a Worker build opens: src/worker.ts is D1's, src/worker-turso.ts Turso's. */
export type WorkerDatabase = 'd1' | 'turso'

const optionalString = z.optional(
  z.pipe(
    z.string().check(z.trim()),
    z.transform((value) => (value === '' ? undefined : value)),
  ),
)

const httpUrl = z.optional(z.url({ protocol: /^https?$/ }))

const configSchema = z.object({
  /** Public base URL used in links (mails, Stripe redirects). Node defaults to http://localhost:PORT. */
  PUBLIC_URL: z.pipe(optionalString, httpUrl),
  PORT: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(65_535)), 8787),
  /** Node: libSQL URL (`file:…`, `libsql://…`). Worker: use LIBSQL_URL or the D1 binding. */
  DATABASE_URL: optionalString,
  LIBSQL_URL: optionalString,
  LIBSQL_AUTH_TOKEN: optionalString,
  /** Bearer token for /api/v1/admin/*. Unset = admin routes answer 401. */
  ADMIN_TOKEN: z.pipe(
    optionalString,
    z.optional(z.string().check(z.minLength(24, 'must be at least 24 characters'))),
  ),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Base URL of a Stripe-compatible server (tests, stripe-mock); default Stripe's own API. */
  STRIPE_API_BASE: z.pipe(optionalString, httpUrl),
  SESSION_SECRET: z.pipe(
    optionalString,
    z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
  ),
  /** Resend API key. Unset on Node = mails stay in the local outbox (/dev/outbox). */
  MAIL_API_KEY: optionalString,
  /** Sender, `quanzi <hello@example.com>` or a bare address, on a domain verified with Resend. */
  MAIL_FROM: z.pipe(
    optionalString,
    z.optional(
      z
        .string()
        .check(
          z.regex(
            /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
            'must be an address, optionally with a name: quanzi <hello@example.com>',
          ),
        ),
    ),
  ),
  /** Base URL of a Resend-compatible API (tests); default Resend's own. */
  MAIL_API_BASE: z.pipe(optionalString, httpUrl),
  LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.minimum(1024)), 1_048_576),
})

export type Config = z.infer<typeof configSchema> & { runtime: Runtime }

/**
 * Variables a Worker refuses to serve without (Node fills local defaults instead). All are secrets except
 * MAIL_FROM, which is listed because a Worker has no local outbox: without a sender no mail could ever leave.
 */
export const workerRequiredSecrets = [
  'ADMIN_TOKEN',
  'SESSION_SECRET',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'MAIL_API_KEY',
  'MAIL_FROM',
] as const

export class ConfigError extends Error {
  readonly missing: string[]
  readonly invalid: string[]
  constructor(missing: string[], invalid: string[]) {
    super(
      [
        missing.length ? `missing: ${missing.join(', ')}` : '',
        invalid.length ? `invalid: ${invalid.join('; ')}` : '',
      ]
        .filter(Boolean)
        .join(' — '),
    )
    this.name = 'ConfigError'
    this.missing = missing
    this.invalid = invalid
  }
}

/**
 * Parses an environment (process.env on Node, the Worker's `env` bindings) into a `Config`.
 * Throws `ConfigError` naming every missing or invalid variable (never their values).
 */
export function parseConfig(
  env: Record<string, unknown>,
  runtime: Runtime,
  options: { database?: WorkerDatabase; hasD1?: boolean } = {},
): Config {
  const strings: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') strings[key] = value
  const parsed = configSchema.safeParse(strings)
  const invalid = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`)
  const missing: string[] = []
  // A key without a sender would fail every send at the provider; say so at start instead.
  if (parsed.success && runtime === 'node' && parsed.data.MAIL_API_KEY && !parsed.data.MAIL_FROM)
    missing.push('MAIL_FROM')
  if (parsed.success && runtime === 'worker') {
    for (const name of workerRequiredSecrets) if (!parsed.data[name]) missing.push(name)
    // Links in mails (sign-in, receipts, reminders sent by the cron) and Stripe's return URLs need it.
    if (!parsed.data.PUBLIC_URL) missing.push('PUBLIC_URL')
    if (options.database === 'turso') {
      if (!parsed.data.LIBSQL_URL) missing.push('LIBSQL_URL')
      else if (!parsed.data.LIBSQL_URL.startsWith('file:') && !parsed.data.LIBSQL_AUTH_TOKEN)
        missing.push('LIBSQL_AUTH_TOKEN')
    } else {
      if (!options.hasD1) missing.push('DB (D1 binding)')
      // Set for Turso but deployed as the D1 build: serving from D1 instead would split the data silently.
      if (parsed.data.LIBSQL_URL)
        invalid.push('LIBSQL_URL is set, but this is the D1 build: deploy with `wrangler deploy --env turso`')
    }
  }
  if (!parsed.success || missing.length || invalid.length) throw new ConfigError(missing, invalid)
  return { ...parsed.data, runtime }
}

/** The configuration table, for the README and `npm run cli -- config`. */
export const configVariables: { name: string; default: string; appliesTo: string; description: string }[] = [
  { name: 'PORT', default: '8787', appliesTo: 'Node', description: 'Port `npm start` listens on.' },
  {
    name: 'PUBLIC_URL',
    default: 'http://localhost:PORT (Node); required on Workers',
    appliesTo: 'both',
    description: 'Base URL used in mails (sign-in links, receipts, reminders) and Stripe redirects.',
  },
  {
    name: 'DATABASE_URL',
    default: 'file:./data/quanzi.db',
    appliesTo: 'Node, CLI',
    description: 'libSQL URL: a file, or a Turso `libsql://` URL with LIBSQL_AUTH_TOKEN.',
  },
  {
    name: 'LIBSQL_URL',
    default: '—',
    appliesTo: 'Worker',
    description:
      'Turso database URL, for the Turso build (`wrangler deploy --env turso`); the default build uses the D1 binding `DB` and refuses to start with this set.',
  },
  {
    name: 'LIBSQL_AUTH_TOKEN',
    default: '—',
    appliesTo: 'Worker, Node, CLI',
    description: 'Turso auth token (secret). Required with a remote libSQL URL.',
  },
  {
    name: 'ADMIN_TOKEN',
    default: 'none (admin API disabled on Node)',
    appliesTo: 'both; required on Worker',
    description: 'Bearer token for `/api/v1/admin/*` (secret, ≥ 24 characters).',
  },
  {
    name: 'SESSION_SECRET',
    default: 'random per start (Node)',
    appliesTo: 'both; required on Worker',
    description: 'Signs session and CSRF values (secret, ≥ 32 characters).',
  },
  {
    name: 'STRIPE_SECRET_KEY',
    default: 'none (local test checkout on Node)',
    appliesTo: 'both; required on Worker',
    description: 'Stripe secret key (secret).',
  },
  {
    name: 'STRIPE_WEBHOOK_SECRET',
    default: '—',
    appliesTo: 'both; required on Worker',
    description: 'Signing secret of the Stripe webhook endpoint (secret).',
  },
  {
    name: 'MAIL_API_KEY',
    default: 'none (local outbox at /dev/outbox on Node)',
    appliesTo: 'both; required on Worker',
    description: 'Resend API key (secret). Mails are sent through Resend when set.',
  },
  {
    name: 'MAIL_FROM',
    default: '—',
    appliesTo: 'both; required on Worker and with MAIL_API_KEY',
    description: 'Sender, e.g. `quanzi <hello@example.com>`, on a domain verified with Resend.',
  },
  {
    name: 'MAIL_API_BASE',
    default: 'https://api.resend.com',
    appliesTo: 'both',
    description: 'Base URL of a Resend-compatible API (tests).',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    appliesTo: 'both',
    description: '`debug`, `info`, `warn` or `error`.',
  },
  {
    name: 'MAX_BODY_BYTES',
    default: '1048576',
    appliesTo: 'both',
    description: 'Largest request body accepted; larger bodies answer 413.',
  },
]

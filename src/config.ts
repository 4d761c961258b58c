/**
 * Every environment variable quanzi reads, parsed in one place. The README's configuration table mirrors
 * `configVariables` below; keep them together.
 */
import { z } from 'zod'

export type Runtime = 'node' | 'worker'

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional()

const configSchema = z.object({
  /** Public base URL used in links (mails, Stripe redirects). Node defaults to http://localhost:PORT. */
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  PORT: z.coerce.number().int().min(1).max(65_535).default(8787),
  /** Node: libSQL URL (`file:…`, `libsql://…`). Worker: use LIBSQL_URL or the D1 binding. */
  DATABASE_URL: optionalString,
  LIBSQL_URL: optionalString,
  LIBSQL_AUTH_TOKEN: optionalString,
  /** Bearer token for /api/v1/admin/*. Unset = admin routes answer 401. */
  ADMIN_TOKEN: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Base URL of a Stripe-compatible server (tests, stripe-mock); default Stripe's own API. */
  STRIPE_API_BASE: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
})

export type Config = z.infer<typeof configSchema> & { runtime: Runtime }

/** Secrets a Worker refuses to serve without (Node fills local defaults instead). */
export const workerRequiredSecrets = [
  'ADMIN_TOKEN',
  'SESSION_SECRET',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
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
  options: { hasD1?: boolean } = {},
): Config {
  const strings: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') strings[key] = value
  const parsed = configSchema.safeParse(strings)
  const invalid = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`)
  const missing: string[] = []
  if (parsed.success && runtime === 'worker') {
    for (const name of workerRequiredSecrets) if (!parsed.data[name]) missing.push(name)
    if (!options.hasD1 && !parsed.data.LIBSQL_URL) missing.push('DB (D1 binding) or LIBSQL_URL')
    if (
      parsed.data.LIBSQL_URL &&
      !parsed.data.LIBSQL_URL.startsWith('file:') &&
      !parsed.data.LIBSQL_AUTH_TOKEN
    )
      missing.push('LIBSQL_AUTH_TOKEN')
  }
  if (!parsed.success || missing.length) throw new ConfigError(missing, invalid)
  return { ...parsed.data, runtime }
}

/** The configuration table, for the README and `npm run cli -- config`. */
export const configVariables: { name: string; default: string; appliesTo: string; description: string }[] = [
  { name: 'PORT', default: '8787', appliesTo: 'Node', description: 'Port `npm start` listens on.' },
  {
    name: 'PUBLIC_URL',
    default: 'http://localhost:PORT (Node); request origin (Worker)',
    appliesTo: 'both',
    description: 'Base URL used in mails and Stripe redirects.',
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
    description: 'Turso database URL; without it the Worker uses the D1 binding `DB`.',
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

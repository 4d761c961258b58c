/**
 * Writes the API document to dist/assets/openapi.json, where the Worker serves it as a static asset
 * (`[assets]` in wrangler.toml). wrangler runs this before every build (`[build]`: deploy, its dry run, dev), so
 * the file always matches the routes being deployed. It is the very answer Node gives to GET /openapi.json:
 * the app is built with an in-memory database that no route touches here.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@libsql/client'
import { apiDocument } from '../src/api-document'
import { createApp } from '../src/app'
import { parseConfig } from '../src/config'
import { dbFromLibsql } from '../src/db/client'
import { createLogger } from '../src/lib/logger'
import { systemClock } from '../src/lib/time'
import { mailerFromConfig } from '../src/mail/mailer'

const assetsDir = fileURLToPath(new URL('../dist/assets/', import.meta.url))

const config = parseConfig({}, 'node')
const logger = createLogger('error')
const client = createClient({ url: ':memory:' })
const app = createApp(
  {
    db: dbFromLibsql(client),
    config,
    clock: systemClock,
    logger,
    stripe: null,
    mailer: mailerFromConfig(config, logger),
  },
  { apiDocument },
)
const response = await app.request('/openapi.json')
if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`)
await mkdir(assetsDir, { recursive: true })
await writeFile(join(assetsDir, 'openapi.json'), await response.text())
client.close()

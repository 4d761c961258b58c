/**
 * The Turso build's entry (src/worker-turso.ts), run in Node against a stand-in libSQL server that speaks the
 * one request /healthz needs (Hrana over HTTP, `POST /v2/pipeline`, JSON: what @libsql/client/web sends by
 * default). Turso cannot be reached from here; this shows the entry opens libSQL over HTTP at LIBSQL_URL with
 * the auth token, and refuses to serve without them. The D1 build runs in workerd in worker.test.ts.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import turso from '../../src/worker-turso'

const settings = {
  ADMIN_TOKEN: 'turso-admin-token-0123456789abcdef',
  SESSION_SECRET: 'turso-session-secret-0123456789abcdef0123',
  STRIPE_SECRET_KEY: 'sk_test_turso_0123456789abcdef',
  STRIPE_WEBHOOK_SECRET: 'whsec_turso_0123456789abcdef',
  MAIL_API_KEY: 're_turso_0123456789abcdef',
  MAIL_FROM: 'quanzi <hello@example.com>',
  PUBLIC_URL: 'https://quanzi.test',
  LOG_LEVEL: 'error',
}

interface Seen {
  path: string
  authorization: string | undefined
  body: { requests?: { type: string; stmt?: { sql: string } }[] }
}

let server: Server
let url: string
const seen: Seen[] = []

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = ''
    request.on('data', (chunk) => {
      text += chunk
    })
    request.on('end', () => {
      seen.push({
        path: request.url ?? '',
        authorization: request.headers.authorization,
        body: JSON.parse(text),
      })
      const requests = (JSON.parse(text) as Seen['body']).requests ?? []
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({
          baton: null,
          base_url: null,
          results: requests.map((item) =>
            item.type === 'execute'
              ? {
                  type: 'ok',
                  response: {
                    type: 'execute',
                    result: {
                      cols: [{ name: '1', decltype: null }],
                      rows: [[{ type: 'integer', value: '1' }]],
                      affected_row_count: 0,
                      last_insert_rowid: null,
                    },
                  },
                }
              : { type: 'ok', response: { type: item.type } },
          ),
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const context = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext

describe('the Turso build', () => {
  it('opens libSQL over HTTP at LIBSQL_URL, with the auth token', async () => {
    const env = { ...settings, LIBSQL_URL: url, LIBSQL_AUTH_TOKEN: 'turso-token' }
    const response = await turso.fetch(new Request('https://quanzi.test/healthz'), env, context)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true })
    const pipeline = seen.find((request) => request.path === '/v2/pipeline')
    expect(pipeline?.authorization).toBe('Bearer turso-token')
    expect(pipeline?.body.requests?.[0]?.stmt?.sql).toBe('select 1')
  })

  it('refuses to serve without LIBSQL_URL, naming it, even with a D1 binding', async () => {
    const env = { ...settings, DB: {} as D1Database }
    const response = await turso.fetch(new Request('https://quanzi.test/healthz'), env, context)
    expect(response.status).toBe(500)
    const problem = (await response.json()) as { detail: string }
    expect(problem.detail).toContain('LIBSQL_URL')
    expect(problem.detail).not.toContain('DB (D1 binding)')
  })
})

/**
 * Shared pieces of the fault tests (`npm run test:faults`): a libSQL client that can be switched off, table
 * fingerprints for "a failed request wrote nothing", the real Node entry as a child process that can be killed
 * and restarted on the same port and database, and a live offer to sell.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { type Client, LibsqlError } from '@libsql/client'
import { expect } from 'vitest'
import { courseBody } from '../catalog/builders'
import { api, type TestContext } from '../helpers'

/** A libSQL client whose every call throws while `down` is set, as a remote database does during an outage. */
export interface OutageClient {
  client: Client
  /** From now on every call throws (calls already sent finish). */
  goDown(): void
  goUp(): void
  /** Calls refused while down. */
  readonly refused: number
}

const databaseCalls = new Set(['execute', 'batch', 'executeMultiple', 'migrate', 'transaction'])

/**
 * Wraps `client` like `countRoundTrips` does. While down, calls fail the two ways Turso over HTTP fails when it
 * cannot be reached: the fetch itself (`TypeError: fetch failed`, ECONNREFUSED) and an HTTP 5xx mapped by the
 * driver (`LibsqlError` SERVER_ERROR), alternately, so the app must recognise both.
 */
export function outageClient(inner: Client): OutageClient {
  let down = false
  let refused = 0
  const unreachable = () => {
    refused++
    if (refused % 2 === 0)
      return new LibsqlError('Server returned HTTP status 503', 'SERVER_ERROR', undefined, undefined)
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' })
    return new TypeError('fetch failed', { cause })
  }
  const client = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof property === 'string' && databaseCalls.has(property) && typeof value === 'function') {
        return (...args: unknown[]) => (down ? Promise.reject(unreachable()) : value.apply(target, args))
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return {
    client,
    goDown: () => {
      down = true
    },
    goUp: () => {
      down = false
    },
    get refused() {
      return refused
    },
  }
}

/**
 * One line per table, `name rows checksum`, read through a client that is not part of the fault. Two equal
 * fingerprints mean no row was added, removed or changed in between.
 */
export async function fingerprint(sql: Client): Promise<string[]> {
  const tables = await sql.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '\\_%' escape '\\' order by name",
  )
  const lines: string[] = []
  for (const row of tables.rows) {
    const name = String(row.name)
    const rows = await sql.execute(`select * from "${name}" order by rowid`)
    lines.push(`${name} ${rows.rows.length} ${checksum(JSON.stringify(rows.rows))}`)
  }
  return lines
}

/** FNV-1a, enough to tell two table contents apart in a test. */
function checksum(text: string): string {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16)
}

/** A creator's live course, through the API as a creator would publish it. */
export async function liveCourse(ctx: TestContext, key: string, overrides: Record<string, unknown> = {}) {
  const res = await api(ctx, 'POST', '/api/v1/offers', {
    key,
    body: courseBody({ status: 'live', ...overrides }),
  })
  expect(res.status).toBe(201)
  return res.body as { id: string }
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => done(port))
    })
  })
}

/** `src/node.ts` in a child process, started again on the same port and database after each kill. */
export interface NodeServer {
  url: string
  /** Output of the current process (the demo API key is printed on the first start only). */
  readonly output: string
  /** SIGKILL: no shutdown handler runs, whatever was in flight is cut off. Resolves once the process is gone. */
  kill(): Promise<void>
  /** Starts the entry again; resolves once it listens. */
  start(): Promise<void>
  /** SIGTERM, for the end of a test. */
  stop(): Promise<void>
}

export function nodeServer(options: { port: number; env: Record<string, string> }): NodeServer {
  const url = `http://127.0.0.1:${options.port}`
  let child: ChildProcess | null = null
  let output = ''
  const exited = (process: ChildProcess) =>
    new Promise<void>((done) => {
      if (process.exitCode !== null || process.signalCode !== null) done()
      else process.once('exit', () => done())
    })
  return {
    url,
    get output() {
      return output
    },
    async start() {
      output = ''
      const process_ = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
        env: {
          ...process.env,
          PORT: String(options.port),
          PUBLIC_URL: url,
          LOG_LEVEL: 'error',
          MAIL_API_KEY: '',
          ...options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child = process_
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`the server did not start:\n${output}`)), 30_000)
        const read = (chunk: Buffer) => {
          output += chunk.toString()
          if (output.includes('API document:')) {
            clearTimeout(timer)
            done()
          }
        }
        process_.stdout?.on('data', read)
        process_.stderr?.on('data', read)
        process_.once('exit', (code, signal) => {
          clearTimeout(timer)
          fail(new Error(`the server exited (${code ?? signal}):\n${output}`))
        })
      })
    },
    async kill() {
      if (!child) return
      const current = child
      current.kill('SIGKILL')
      await exited(current)
      child = null
    },
    async stop() {
      if (!child) return
      const current = child
      current.kill('SIGTERM')
      await exited(current)
      child = null
    },
  }
}

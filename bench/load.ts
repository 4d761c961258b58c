/**
 * Serving a fetch handler on a free port, and loading it with autocannon. The load generator runs in a worker
 * thread (autocannon's `workers: 1`), so on a small machine it does not share the event loop with the server
 * it measures: in-thread, its own request building and parsing would be charged to both sides alike and pull
 * every ratio towards 1.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import autocannon from 'autocannon'

export interface Served {
  url: string
  close(): Promise<void>
}

/**
 * Serves `fetch` on 127.0.0.1 and a free port. `close` waits for the requests still being handled (the load
 * generator stops mid-flight), so the caller may close the database right after.
 */
export function serveFetch(fetch: (request: Request) => Response | Promise<Response>): Promise<Served> {
  let inFlight = 0
  const counted = async (request: Request) => {
    inFlight++
    try {
      return await fetch(request)
    } finally {
      inFlight--
    }
  }
  return new Promise((resolve) => {
    const server = serve({ fetch: counted, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        async close() {
          while (inFlight > 0) await new Promise((done) => setTimeout(done, 10))
          await new Promise<void>((done) => {
            server.close(() => done())
            if ('closeAllConnections' in server) server.closeAllConnections()
          })
        },
      })
    })
  })
}

export interface LoadOptions {
  connections: number
  warmupSeconds: number
  seconds: number
}

export interface LoadResult {
  requestsPerSecond: number
  p50: number
  p99: number
  total: number
  non2xx: number
  errors: number
}

/**
 * Loads `url` for a warm-up (discarded), then for the measured duration. `requests` is autocannon's request
 * list; with workers, any `setupRequest` is a path to a CommonJS module, and extra fields on a request reach it.
 */
export async function load(
  url: string,
  requests: autocannon.Request[],
  { connections, warmupSeconds, seconds }: LoadOptions,
): Promise<LoadResult> {
  const run = (duration: number) => autocannon({ url, connections, duration, requests, workers: 1 })
  if (warmupSeconds > 0) await run(warmupSeconds)
  const result = await run(seconds)
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  }
}

/**
 * The body limit over real HTTP, where a body arrives either with a Content-Length (checked as a header) or
 * chunked (counted as it streams). `app.request` sends neither header, so these need a listening server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Served, serveFetch } from '../../bench/load'
import { adminToken, countRows, createTestContext, type TestContext } from '../helpers'

let ctx: TestContext
let served: Served
const limit = 4096

beforeAll(async () => {
  ctx = await createTestContext({ MAX_BODY_BYTES: String(limit) })
  served = await serveFetch(ctx.app.fetch)
})
afterAll(async () => {
  await served.close()
})

const adminCreator = (bio: string) => ({
  slug: `c${bio.length}`,
  name: 'Circle',
  email: `c${bio.length}@example.com`,
  bio,
})

function post(body: string | ReadableStream<Uint8Array>) {
  return fetch(`${served.url}/api/v1/admin/creators`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body,
    ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit)
}

function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 1000) controller.enqueue(bytes.subarray(at, at + 1000))
      controller.close()
    },
  })
}

describe('body limit over HTTP', () => {
  it('refuses a declared Content-Length over the limit with a 413 problem, writing nothing', async () => {
    const res = await post(JSON.stringify(adminCreator('x'.repeat(limit))))
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await countRows(ctx, 'creators')).toBe(0)
  })

  it('refuses a chunked body once it passes the limit', async () => {
    const res = await post(chunked(JSON.stringify(adminCreator('y'.repeat(limit)))))
    expect(res.status).toBe(413)
    expect(await countRows(ctx, 'creators')).toBe(0)
  })

  it('reads a body under the limit either way', async () => {
    const declared = await post(JSON.stringify(adminCreator('a'.repeat(100))))
    expect(declared.status).toBe(201)
    const streamed = await post(chunked(JSON.stringify(adminCreator('b'.repeat(1000)))))
    expect(streamed.status).toBe(201)
    expect(await countRows(ctx, 'creators')).toBe(2)
  })
})

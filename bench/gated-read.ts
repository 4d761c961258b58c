/**
 * Gated read: a signed-in member reading a tier-gated post through the whole app, against two bare Hono handlers
 * on the same libSQL file. Both hash the cookie, run ONE statement and answer a tiny HTML string:
 * - "same statement": the very SQL the app's post read sends (`postReadsOf`, bound the same way), so the ratio
 *   is the cost of everything around the query (routing, middleware, drizzle's row mapping, the access rules, the
 *   page). This is the baseline: "a bare Hono handler running the same single query".
 * - "minimal query": the least any implementation must ask (the post by slug and whether the member holds a live
 *   tier of sufficient rank), so the ratio also charges the app for what its query reads beyond that (the viewer's
 *   name, every entitlement for the refusal reasons, the catalog for buy buttons).
 */
import { createClient } from '@libsql/client'
import { fillPlaceholders } from 'drizzle-orm'
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { sha256Hex } from '../src/lib/crypto'
import { postReadsOf } from '../src/library/content'
import { type LoadOptions, load, serveFetch } from './load'
import { fixed, type Row } from './table'
import { createWorld, type World } from './world'

const bareQuery = `select p.title, p.body, exists (
    select 1 from sessions s
      join entitlements e on e.buyer_id = s.buyer_id and e.creator_id = p.creator_id
      join offers o on o.id = e.offer_id
    where s.id_hash = :hash and s.revoked_at is null and s.expires_at > :now and s.role = 'buyer'
      and e.state in ('active', 'grace') and e.starts_at <= :now and (e.ends_at is null or e.ends_at > :now)
      and o.kind = 'tier' and o.rank >= p.min_rank
  ) as allowed
  from posts p join creators c on c.id = p.creator_id
  where c.slug = :creator and p.slug = :post and p.status = 'live'`

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

/** The baseline: what any implementation of this page must do, and nothing else. */
export function bareGatedRead(url: string) {
  const client = createClient({ url })
  const app = new Hono().get('/c/:creator/posts/:post', async (c) => {
    const cookie = getCookie(c, 'qz_session') ?? ''
    const result = await client.execute({
      sql: bareQuery,
      args: {
        hash: await sha256Hex(cookie),
        now: Date.now(),
        creator: c.req.param('creator'),
        post: c.req.param('post'),
      },
    })
    const row = result.rows[0]
    if (!row) return c.text('not found', 404)
    const title = escapeHtml(String(row.title))
    if (!row.allowed) return c.html(`<!doctype html><title>${title}</title><p>members only</p>`, 402)
    return c.html(
      `<!doctype html><title>${title}</title><h1>${title}</h1><article>${escapeHtml(String(row.body))}</article>`,
    )
  })
  return { app, close: () => client.close() }
}

/**
 * The baseline running the app's own post statement: bound by placeholder name as readPost binds it, rows read
 * by position (the statement repeats column names), allowed when the access column lists any entitlement.
 */
export function sameStatementRead(world: World) {
  const client = createClient({ url: world.url })
  const { sql, params } = postReadsOf(world.deps.db).slug.getQuery()
  const app = new Hono().get('/c/:creator/posts/:post', async (c) => {
    const hash = await sha256Hex(getCookie(c, 'qz_session') ?? '')
    const values = { hash, now: Date.now(), creator: c.req.param('creator'), post: c.req.param('post') }
    const result = await client.execute({ sql, args: fillPlaceholders(params, values) as never })
    const row = result.rows[0]
    if (!row) return c.text('not found', 404)
    const title = escapeHtml(String(row[result.columns.indexOf('title')]))
    const access = JSON.parse(String(row[row.length - 1])) as { held: unknown[] }
    if (access.held.length === 0)
      return c.html(`<!doctype html><title>${title}</title><p>members only</p>`, 402)
    const body = escapeHtml(String(row[result.columns.indexOf('body')]))
    return c.html(`<!doctype html><title>${title}</title><h1>${title}</h1><article>${body}</article>`)
  })
  return { app, close: () => client.close() }
}

export async function gatedReadPath(world: World) {
  return `/c/${world.shop.creatorSlug}/posts/${world.shop.postSlug}`
}

export async function measureGatedRead(options: LoadOptions): Promise<Row[]> {
  const world = await createWorld({ members: 1000 })
  const minimal = bareGatedRead(world.url)
  const same = sameStatementRead(world)
  const path = await gatedReadPath(world)
  const request = {
    method: 'GET' as const,
    path,
    headers: { cookie: world.member.cookie, accept: 'text/html' },
  }
  try {
    // Every side answers 200 with the body before anything is measured: a bench of refusals would prove nothing.
    for (const fetcher of [world.app, same.app, minimal.app]) {
      const response = await fetcher.request(path, { headers: request.headers })
      const text = await response.text()
      if (response.status !== 200 || !text.includes('A paragraph for members only'))
        throw new Error(`gated read answered ${response.status} without the post's body`)
    }
    // Each side is loaded once before any is measured. They share Node's HTTP server, Hono and the libSQL
    // client, and V8 compiles hot code over the first seconds of load: measured first, the app used to pay that
    // warm-up inside its figure while the baselines, measured after it, found the shared code compiled.
    const warmUp = { ...options, warmupSeconds: 0, seconds: options.warmupSeconds }
    for (const fetcher of [world.app, same.app, minimal.app])
      await serveAndLoad(fetcher.fetch, request, warmUp)
    const appSide = await serveAndLoad(world.app.fetch, request, options)
    const sameSide = await serveAndLoad(same.app.fetch, request, options)
    const minimalSide = await serveAndLoad(minimal.app.fetch, request, options)
    // The target is against the same statement; the minimal query is reported beside it.
    const rows = (name: string, baseline: typeof appSide, judged: boolean): Row[] => {
      const ratio = appSide.requestsPerSecond / baseline.requestsPerSecond
      return [
        {
          measure: `gated read vs ${name}: requests/s (signed-in member, tier post)`,
          quanzi: fixed(appSide.requestsPerSecond),
          baseline: fixed(baseline.requestsPerSecond),
          ratio: fixed(ratio, 2),
          target: judged ? 'ratio ≥ 0.7' : '(reported)',
          met: judged ? ratio >= 0.7 : null,
        },
        {
          measure: `gated read vs ${name}: p99 latency (ms)`,
          quanzi: fixed(appSide.p99, 1),
          baseline: fixed(baseline.p99, 1),
          ratio: fixed(appSide.p99 / baseline.p99, 2),
          target: '(reported)',
          met: null,
        },
      ]
    }
    return [
      ...rows('a bare handler running the same statement', sameSide, true),
      ...rows('a bare handler running a minimal query', minimalSide, false),
    ]
  } finally {
    same.close()
    minimal.close()
    world.close()
  }
}

async function serveAndLoad(
  fetch: (request: Request) => Response | Promise<Response>,
  request: { method: 'GET'; path: string; headers: Record<string, string> },
  options: LoadOptions,
) {
  const served = await serveFetch(fetch)
  try {
    const result = await load(served.url, [request], options)
    if (result.non2xx || result.errors)
      throw new Error(`gated read load: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
    return result
  } finally {
    await served.close()
  }
}

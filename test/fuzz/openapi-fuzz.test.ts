/**
 * Bad input, generated from the API's own OpenAPI document: for every documented route, requests whose path
 * ids, query parameters and JSON bodies are mutated into wrong types, missing and unknown fields, huge strings,
 * unicode and NUL, negative and fractional money, unknown currencies, SQL and HTML metacharacters, or are not
 * JSON at all; plus malformed Stripe webhooks. Every answer must be below 500, every 4xx a problem+json, and a
 * rejected request must leave the database exactly as it was (a digest of every table, compared before and after).
 *
 * Seeded and reproducible: `FUZZ_SEED=… FUZZ_REQUESTS=… npx vitest run test/fuzz`.
 */
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeStripe, seededRandom } from '../../src/dev/local-stripe'
import { dayMs } from '../../src/lib/time'
import { consultationBody, courseBody, groupBody, tierBody } from '../catalog/builders'
import { adminToken, api, givenCreator, type TestContext } from '../helpers'
import { createPaymentsContext } from '../payments'
import { signIn } from '../sign-in'

const seed = Number(process.env.FUZZ_SEED ?? 20261123)
const total = Number(process.env.FUZZ_REQUESTS ?? 10_000)
let webhookSecret = ''

type Schema = {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  enum?: unknown[]
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  format?: string
  nullable?: boolean
}
interface Operation {
  method: string
  path: string
  parameters: { name: string; in: string; schema?: Schema }[]
  body: Schema | null
}

let ctx: TestContext
let key: string
let buyerCookie: string
let operations: Operation[]
let components: Record<string, Schema>
/** Real ids, so that some mutated requests reach deep into a verb rather than stopping at "not found". */
const ids: string[] = []
let digestSql = ''

const nasty: unknown[] = [
  null,
  '',
  ' ',
  'x'.repeat(70_000),
  '🙂中文\u0000\u202e',
  "' OR 1=1 --",
  '"; drop table offers; --',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  -1,
  -0.5,
  1.5,
  0,
  2 ** 53,
  1e308,
  true,
  [],
  {},
  [null],
  { $ne: 1 },
  'XXX',
  'cny',
  '2026-13-45T25:61:00Z',
  'not-a-date',
  'javascript:alert(1)',
]

function resolve(schema: Schema | undefined): Schema {
  let current = schema ?? {}
  for (let depth = 0; current.$ref && depth < 10; depth++)
    current = components[current.$ref.split('/').pop() ?? ''] ?? {}
  return current
}

/** A plausible value for a schema: the starting point that mutations then break in one place. */
function plausible(raw: Schema | undefined, random: () => number, depth = 0): unknown {
  const schema = resolve(raw)
  const options = schema.anyOf ?? schema.oneOf
  if (options?.length) return plausible(options[Math.floor(random() * options.length)], random, depth + 1)
  if (schema.allOf?.length) return plausible(schema.allOf[0], random, depth + 1)
  if (schema.enum?.length) return schema.enum[Math.floor(random() * schema.enum.length)]
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  if (type === 'object' || schema.properties) {
    if (depth > 4) return {}
    const value: Record<string, unknown> = {}
    for (const [name, property] of Object.entries(schema.properties ?? {}))
      if (schema.required?.includes(name) || random() < 0.5)
        value[name] = plausible(property, random, depth + 1)
    return value
  }
  if (type === 'array') return depth > 4 ? [] : [plausible(schema.items, random, depth + 1)]
  if (type === 'integer') return Math.floor(random() * 1000)
  if (type === 'number') return random() * 1000
  if (type === 'boolean') return random() < 0.5
  if (schema.format === 'date-time') return new Date(Date.now() + dayMs).toISOString()
  if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/x'
  return ids.length && random() < 0.3
    ? ids[Math.floor(random() * ids.length)]
    : `fuzz-${Math.floor(random() * 1e6)}`
}

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)] as T
}

/** Breaks a value in one place: a field replaced by something nasty, removed, or an unknown one added. */
function mutate(value: unknown, random: () => number): unknown {
  if (value === null || typeof value !== 'object' || random() < 0.15) return pick(nasty, random)
  if (Array.isArray(value)) {
    if (value.length === 0 || random() < 0.3) return [...value, pick(nasty, random)]
    const copy = [...value]
    const index = Math.floor(random() * copy.length)
    copy[index] = mutate(copy[index], random)
    return copy
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  const keys = Object.keys(copy)
  const roll = random()
  if (keys.length === 0 || roll < 0.15) copy[`unknown_${Math.floor(random() * 100)}`] = pick(nasty, random)
  else if (roll < 0.35) delete copy[pick(keys, random)]
  else {
    const name = pick(keys, random)
    copy[name] = mutate(copy[name], random)
  }
  return copy
}

function pathValue(random: () => number): string {
  const roll = random()
  if (roll < 0.45 && ids.length) return pick(ids, random)
  const value = pick(nasty, random)
  return encodeURIComponent(typeof value === 'string' && value ? value.slice(0, 300) : String(value))
}

function bodyText(operation: Operation, random: () => number): string | undefined {
  const roll = random()
  if (roll < 0.05) return '{"unterminated": '
  if (roll < 0.08) return 'not json at all'
  if (roll < 0.1) return JSON.stringify(Array.from({ length: 200 }, () => ({ a: [1, 2, { b: 'c' }] })))
  if (!operation.body) return roll < 0.2 ? JSON.stringify(pick(nasty, random)) : undefined
  return JSON.stringify(mutate(plausible(operation.body, random), random))
}

async function digest(): Promise<string> {
  const result = await ctx.sql.execute(digestSql)
  return JSON.stringify(result.rows)
}

let fake: FakeStripe

beforeAll(async () => {
  // With Stripe configured (the project's local Stripe), so refunds, cancellations and tier moves run deep.
  const payments = await createPaymentsContext()
  ctx = payments.ctx
  fake = payments.fake
  webhookSecret = fake.webhookSecret
  const creator = await givenCreator(ctx)
  key = creator.key
  ids.push(creator.id)
  for (const body of [
    courseBody({ status: 'live' }),
    tierBody({ status: 'live' }),
    groupBody({ status: 'live' }),
    consultationBody({ status: 'live' }),
  ]) {
    const offer = (await api(ctx, 'POST', '/api/v1/offers', { key, body })).body
    ids.push(offer.id, ...offer.prices.map((price: { id: string }) => price.id))
  }
  const course = ids[1] ?? ''
  const lesson = (await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, { key, body: { title: 'L' } }))
    .body
  const post = (
    await api(ctx, 'POST', '/api/v1/posts', {
      key,
      body: { slug: 'p', title: 'P', body: 'B', audience: { type: 'everyone' }, status: 'live' },
    })
  ).body
  ids.push(lesson.id, post.id, 'demo', 'sub_123', 'buy_123')
  buyerCookie = (await signIn(ctx, 'fuzz-buyer@example.com')).cookie
  const buyer = (await ctx.sql.execute('select id from buyers limit 1')).rows[0]?.id
  if (buyer) ids.push(String(buyer))

  const document = (await api(ctx, 'GET', '/openapi.json')).body
  components = document.components?.schemas ?? {}
  operations = []
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
    for (const [method, raw] of Object.entries(item)) {
      const operation = raw as {
        parameters?: Operation['parameters']
        requestBody?: { content?: Record<string, { schema?: Schema }> }
      }
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema ?? null,
      })
    }
  }
  // A digest of every table's contents: any write a rejected request left behind changes it.
  const tables = (
    await ctx.sql.execute(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name != 'd1_migrations' and substr(name, 1, 4) != '_cf_'",
    )
  ).rows.map((row) => String(row.name))
  const parts: string[] = []
  for (const table of tables) {
    const columns = (await ctx.sql.execute(`pragma table_info("${table}")`)).rows.map((row) =>
      String(row.name),
    )
    const row = columns.map((column) => `quote("${column}")`).join(" || ',' || ")
    parts.push(
      `(select count(*) || ':' || coalesce(group_concat(${row}, ';'), '') from "${table}") as "${table}"`,
    )
  }
  digestSql = `select ${parts.join(', ')}`
  // The key's first use records last_used_at; do it before measuring.
  await api(ctx, 'GET', '/api/v1/creator', { key })
})

afterAll(() => fake?.close())

describe(`fuzz: ${total} generated bad requests (seed ${seed})`, () => {
  it('answers every one below 500, with problem+json for 4xx, and a rejected request writes nothing', async () => {
    const random = seededRandom(seed)
    const failures: string[] = []
    const statuses = new Map<number, number>()
    for (let n = 0; n < total && failures.length < 20; n++) {
      const operation = pick(operations, random)
      let path = operation.path.replaceAll(/\{[^}]+\}/g, () => pathValue(random))
      const query = operation.parameters
        .filter((parameter) => parameter.in === 'query' && random() < 0.6)
        .map((parameter) => {
          const value = random() < 0.5 ? plausible(parameter.schema, random) : pick(nasty, random)
          const text = typeof value === 'string' ? value.slice(0, 2000) : JSON.stringify(value)
          return `${encodeURIComponent(parameter.name)}=${encodeURIComponent(text ?? '')}`
        })
      if (random() < 0.1) query.push(`limit=${pick(['-1', '0', '101', '1e9', 'abc', ''], random)}`)
      if (query.length) path += `?${query.join('&')}`
      const headers: Record<string, string> = { accept: 'application/json' }
      const roll = random()
      if (operation.path.startsWith('/api/v1/admin/')) {
        if (roll < 0.9) headers.authorization = `Bearer ${adminToken}`
      } else if (operation.path.startsWith('/api/v1/me')) {
        if (roll < 0.9) headers.cookie = buyerCookie
        headers.origin = 'http://localhost'
      } else if (roll < 0.9) headers.authorization = `Bearer ${key}`
      else if (roll < 0.95) headers.authorization = `Bearer qz_${'A'.repeat(32)}`
      // Fetch forbids a GET body; a DELETE sometimes carries one.
      const body =
        operation.method === 'GET' || (operation.method === 'DELETE' && random() < 0.8)
          ? undefined
          : bodyText(operation, random)
      if (body !== undefined) headers['content-type'] = random() < 0.95 ? 'application/json' : 'text/plain'
      const writes = operation.method !== 'GET'
      const before = writes ? await digest() : ''
      const response = await ctx.app.request(path, { method: operation.method, headers, body })
      const text = await response.text()
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      const label = `#${n} ${operation.method} ${path.slice(0, 160)} body=${(body ?? '').slice(0, 160)}`
      if (response.status >= 500) failures.push(`${label} → ${response.status} ${text.slice(0, 200)}`)
      else if (response.status >= 400) {
        if (!(response.headers.get('content-type') ?? '').includes('application/problem+json'))
          failures.push(`${label} → ${response.status} without problem+json`)
        if (writes && (await digest()) !== before) failures.push(`${label} → ${response.status} but wrote`)
      }
    }
    console.log(`fuzz seed ${seed}: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`)
    expect(failures, `seed ${seed}`).toEqual([])
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(total)
  }, 600_000)

  it('refuses malformed and forged webhooks with 400 problems, writing nothing', async () => {
    const random = seededRandom(seed + 1)
    const before = await digest()
    const failures: string[] = []
    for (let n = 0; n < 300; n++) {
      const roll = random()
      const payload =
        roll < 0.3
          ? JSON.stringify(
              mutate({ id: `evt_${n}`, type: 'checkout.session.completed', data: { object: {} } }, random),
            )
          : roll < 0.5
            ? String(pick(nasty, random))
            : JSON.stringify({
                id: `evt_${n}`,
                object: 'event',
                type: 'charge.refunded',
                data: { object: { id: 'ch' } },
              })
      const header =
        random() < 0.5
          ? Stripe.webhooks.generateTestHeaderString({ payload: `${payload} `, secret: webhookSecret })
          : random() < 0.5
            ? Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' })
            : // A header carries bytes, not arbitrary unicode: keep the nasty value's ASCII spelling.
              encodeURIComponent(String(pick(nasty, random)).slice(0, 500))
      const response = await ctx.app.request('/webhooks/stripe', {
        method: 'POST',
        headers: { 'stripe-signature': header, 'content-type': 'application/json' },
        body: payload,
      })
      if (response.status !== 400) failures.push(`#${n} → ${response.status}`)
    }
    expect(failures).toEqual([])
    expect(await digest()).toBe(before)
  })
})

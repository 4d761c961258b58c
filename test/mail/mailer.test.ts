import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config'
import { memoryLogger } from '../../src/lib/logger'
import { httpMailer, mailerFromConfig, type OutgoingMail, outboxMailer } from '../../src/mail/mailer'

const apiKey = 're_test_secret_0123456789abcdef'

interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: unknown
}

/** A stand-in for Resend: records each request and answers with what the test sets. */
let server: Server
let base: string
let received: Received[]
let answer: { status: number; body: string; delayMs?: number }

beforeEach(async () => {
  received = []
  answer = { status: 200, body: JSON.stringify({ id: '49a3999c-0ce1-4ea6-ab68-afcd6dc2e794' }) }
  server = createServer((request, response) => {
    let raw = ''
    request.on('data', (chunk) => {
      raw += chunk
    })
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: raw ? JSON.parse(raw) : null,
      })
      setTimeout(() => {
        response.writeHead(answer.status, { 'content-type': 'application/json' })
        response.end(answer.body)
      }, answer.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterEach(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const mail = (overrides: Partial<OutgoingMail> = {}): OutgoingMail => ({
  id: 'mal_0kxq3v9t2a7bcd8e9fgh',
  to: 'reader@example.com',
  subject: '你的登录链接',
  text: 'Sign in: https://quanzi.example/auth?t=1',
  ...overrides,
})

describe('httpMailer (Resend)', () => {
  it('posts the documented JSON to /emails with a bearer key and an idempotency key', async () => {
    const mailer = httpMailer({ apiKey, from: 'quanzi <hello@example.com>', apiBase: base })
    expect(mailer.kind).toBe('http')
    await mailer.send(
      mail({
        html: '<p>Hi</p>',
        attachments: [
          { filename: 'invite.ics', contentType: 'text/calendar; method=PUBLISH', content: 'QkVHSU4=' },
        ],
      }),
    )
    expect(received).toHaveLength(1)
    const [request] = received
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/emails')
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`)
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers['idempotency-key']).toBe('mal_0kxq3v9t2a7bcd8e9fgh')
    expect(request?.body).toEqual({
      from: 'quanzi <hello@example.com>',
      to: ['reader@example.com'],
      subject: '你的登录链接',
      text: 'Sign in: https://quanzi.example/auth?t=1',
      html: '<p>Hi</p>',
      attachments: [
        { filename: 'invite.ics', content: 'QkVHSU4=', content_type: 'text/calendar; method=PUBLISH' },
      ],
    })
  })

  it('sends no html or attachments keys when the mail has none', async () => {
    await httpMailer({ apiKey, from: 'hello@example.com', apiBase: `${base}/` }).send(mail())
    expect(received[0]?.url).toBe('/emails')
    expect(Object.keys(received[0]?.body as object).sort()).toEqual(['from', 'subject', 'text', 'to'])
  })

  it("throws the status and Resend's message on a non-2xx answer, never the key", async () => {
    answer = {
      status: 403,
      body: JSON.stringify({
        statusCode: 403,
        name: 'validation_error',
        message: `The example.com domain is not verified (key ${apiKey}).`,
      }),
    }
    const mailer = httpMailer({ apiKey, from: 'hello@example.com', apiBase: base })
    const error = await mailer.send(mail()).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(Error)
    const message = (error as Error).message
    expect(message).toContain('403')
    expect(message).toContain('The example.com domain is not verified')
    expect(message).not.toContain(apiKey)
    expect(JSON.stringify(error)).not.toContain(apiKey)
    expect(String((error as Error).stack)).not.toContain(apiKey)
  })

  it('reports a body that is not JSON by status and a short excerpt', async () => {
    answer = { status: 502, body: '<html>Bad gateway</html>' }
    await expect(
      httpMailer({ apiKey, from: 'hello@example.com', apiBase: base }).send(mail()),
    ).rejects.toThrow(/502: <html>Bad gateway/)
  })

  it('gives up on a provider that does not answer in time', async () => {
    answer = { ...answer, delayMs: 2_000 }
    const started = Date.now()
    await expect(
      httpMailer({ apiKey, from: 'hello@example.com', apiBase: base, timeoutMs: 200 }).send(mail()),
    ).rejects.toThrow('mail API did not answer within 0.2 s')
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  it('reports an unreachable provider without the key', async () => {
    const closed = `http://127.0.0.1:1`
    const error = await httpMailer({ apiKey, from: 'hello@example.com', apiBase: closed })
      .send(mail())
      .then(
        () => null,
        (e: unknown) => e as Error,
      )
    expect(error?.message).toMatch(/^mail API unreachable/)
    expect(error?.message).not.toContain(apiKey)
  })

  it('refuses to be built without a key or a sender', () => {
    expect(() => httpMailer({ apiKey: '', from: 'hello@example.com' })).toThrow()
    expect(() => httpMailer({ apiKey, from: '' })).toThrow()
  })
})

describe('outboxMailer', () => {
  it('sends nothing and logs one line pointing at the dev outbox', async () => {
    const logger = memoryLogger()
    const mailer = outboxMailer(logger)
    expect(mailer.kind).toBe('outbox')
    await mailer.send(mail())
    expect(logger.lines).toHaveLength(1)
    const line = JSON.parse(logger.lines[0] ?? '{}')
    expect(line).toMatchObject({ level: 'info', message: 'mail to reader@example.com (see /dev/outbox)' })
    expect(received).toEqual([])
  })
})

describe('mailerFromConfig', () => {
  it('uses Resend when MAIL_API_KEY is set and the outbox otherwise', async () => {
    const logger = memoryLogger()
    expect(mailerFromConfig(parseConfig({}, 'node'), logger).kind).toBe('outbox')
    const configured = parseConfig(
      { MAIL_API_KEY: apiKey, MAIL_FROM: 'quanzi <hello@example.com>', MAIL_API_BASE: base },
      'node',
    )
    const mailer = mailerFromConfig(configured, logger)
    expect(mailer.kind).toBe('http')
    await mailer.send(mail())
    expect(received[0]?.body).toMatchObject({ from: 'quanzi <hello@example.com>' })
  })
})

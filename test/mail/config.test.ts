import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { ConfigError, configVariables, parseConfig } from '../../src/config'

const workerBase = {
  ADMIN_TOKEN: 'worker-admin-token-0123456789abcdef',
  SESSION_SECRET: 'worker-session-secret-0123456789abcdef0123',
  STRIPE_SECRET_KEY: 'sk_test_worker',
  STRIPE_WEBHOOK_SECRET: 'whsec_worker',
  PUBLIC_URL: 'https://circle.example',
}

function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('mail configuration', () => {
  it('needs nothing on Node', () => {
    const config = parseConfig({}, 'node')
    expect(config.MAIL_API_KEY).toBeUndefined()
    expect(config.MAIL_FROM).toBeUndefined()
  })

  it('needs MAIL_FROM on Node once a key is set', () => {
    expect(configError(() => parseConfig({ MAIL_API_KEY: 're_x' }, 'node')).missing).toEqual(['MAIL_FROM'])
    expect(parseConfig({ MAIL_API_KEY: 're_x', MAIL_FROM: 'hello@example.com' }, 'node').MAIL_FROM).toBe(
      'hello@example.com',
    )
  })

  it('makes a Worker refuse to start without MAIL_API_KEY and MAIL_FROM', () => {
    const error = configError(() => parseConfig(workerBase, 'worker', { hasD1: true }))
    expect(error.missing).toEqual(['MAIL_API_KEY', 'MAIL_FROM'])
    expect(error.message).not.toContain(workerBase.ADMIN_TOKEN)
    const config = parseConfig(
      { ...workerBase, MAIL_API_KEY: 're_x', MAIL_FROM: 'quanzi <hello@example.com>' },
      'worker',
      { hasD1: true },
    )
    expect(config.MAIL_FROM).toBe('quanzi <hello@example.com>')
  })

  it('accepts a sender with or without a display name, and refuses anything else', () => {
    for (const from of ['hello@example.com', 'quanzi <hello@example.com>', '读书会 <hi@example.cn>'])
      expect(parseConfig({ MAIL_FROM: from }, 'node').MAIL_FROM).toBe(from)
    for (const from of ['hello', 'quanzi hello@example.com', 'a <b>', 'x\r\nBcc: y@example.com <a@b.c>'])
      expect(configError(() => parseConfig({ MAIL_FROM: from }, 'node')).invalid[0]).toMatch(/^MAIL_FROM/)
  })

  it('takes MAIL_API_BASE only as an http(s) URL', () => {
    expect(parseConfig({ MAIL_API_BASE: 'http://127.0.0.1:9999' }, 'node').MAIL_API_BASE).toBe(
      'http://127.0.0.1:9999',
    )
    expect(configError(() => parseConfig({ MAIL_API_BASE: 'ftp://x' }, 'node')).invalid[0]).toMatch(
      /^MAIL_API_BASE/,
    )
  })

  it('documents every mail variable in the README configuration table', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
    for (const name of ['MAIL_API_KEY', 'MAIL_FROM', 'MAIL_API_BASE']) {
      expect(configVariables.map((variable) => variable.name)).toContain(name)
      expect(readme).toMatch(new RegExp(`^\\| \`${name}\`\\s+\\|`, 'm'))
    }
  })
})

describe('PUBLIC_URL on Workers', () => {
  it('is required: mails and Stripe redirects link to it', () => {
    const { PUBLIC_URL: _left, ...rest } = workerBase
    const error = configError(() =>
      parseConfig({ ...rest, MAIL_API_KEY: 're_x', MAIL_FROM: 'hello@example.com' }, 'worker', {
        hasD1: true,
      }),
    )
    expect(error.missing).toEqual(['PUBLIC_URL'])
  })
})

describe("the Worker's database", () => {
  const complete = { ...workerBase, MAIL_API_KEY: 're_x', MAIL_FROM: 'hello@example.com' }

  it('the D1 build needs the DB binding, and refuses a LIBSQL_URL meant for the Turso build', () => {
    expect(parseConfig(complete, 'worker', { database: 'd1', hasD1: true }).LIBSQL_URL).toBeUndefined()
    expect(configError(() => parseConfig(complete, 'worker', { database: 'd1' })).missing).toEqual([
      'DB (D1 binding)',
    ])
    const turso = { ...complete, LIBSQL_URL: 'libsql://circle.turso.io', LIBSQL_AUTH_TOKEN: 'token' }
    const refused = configError(() => parseConfig(turso, 'worker', { database: 'd1', hasD1: true }))
    expect(refused.invalid).toEqual([expect.stringContaining('--env turso')])
  })

  it('the Turso build needs LIBSQL_URL and, for a remote one, LIBSQL_AUTH_TOKEN; no D1 binding', () => {
    expect(configError(() => parseConfig(complete, 'worker', { database: 'turso' })).missing).toEqual([
      'LIBSQL_URL',
    ])
    const url = { ...complete, LIBSQL_URL: 'libsql://circle.turso.io' }
    expect(configError(() => parseConfig(url, 'worker', { database: 'turso' })).missing).toEqual([
      'LIBSQL_AUTH_TOKEN',
    ])
    const config = parseConfig({ ...url, LIBSQL_AUTH_TOKEN: 'token' }, 'worker', { database: 'turso' })
    expect(config.LIBSQL_URL).toBe('libsql://circle.turso.io')
  })
})

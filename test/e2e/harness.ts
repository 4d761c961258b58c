/**
 * What the browser journeys need: the real Node entry (`src/node.ts`: migrations, demo seed, local Stripe,
 * dev outbox) on a free port with a throwaway database, Debian's Chromium (never a downloaded browser), phone
 * and desktop screenshots under test/artifacts/, and an axe-core accessibility check.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const artifacts = resolve('test/artifacts')

export const viewports = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const

export interface RunningApp {
  url: string
  apiKey: string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
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

/** Starts `src/node.ts` as `npm start` would, and waits for its "running" line (and the demo API key). */
export async function startApp(): Promise<RunningApp> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'quanzi-e2e-'))
  const url = `http://localhost:${port}`
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      PUBLIC_URL: url,
      DATABASE_URL: `file:${join(dir, 'e2e.db')}`,
      LOG_LEVEL: 'warn',
      STRIPE_SECRET_KEY: '',
      MAIL_API_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const apiKey = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the app did not start:\n${output}`)), 30_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const key = /demo API key: (qz_\S+)/.exec(output)?.[1]
      if (key && output.includes('mail:')) {
        clearTimeout(timer)
        done(key)
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.once('exit', (code) => fail(new Error(`the app exited (${code}):\n${output}`)))
  })
  return {
    url,
    apiKey,
    async stop() {
      child.kill('SIGTERM')
      await new Promise((done) => setTimeout(done, 200))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] })
}

export function newContext(
  browser: Browser,
  options: { locale?: string; viewport?: keyof typeof viewports } = {},
) {
  return browser.newContext({
    viewport: viewports[options.viewport ?? 'phone'],
    locale: options.locale ?? 'zh-CN',
    // A buyer abroad: consultations are in Asia/Shanghai, so pages also show times in the buyer's zone.
    timezoneId: 'Europe/London',
  })
}

/** A full-page screenshot at `test/artifacts/<name>.png` (git-ignored). */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true })
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: resolve('node_modules/axe-core/axe.min.js') })
  const violations = await page.evaluate(async () => {
    // axe is the global the script above defines.
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe
    return (await axe.run()).violations
  })
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
}

/** The newest link to `path` in the mails the dev outbox holds for `to`. */
export async function outboxLink(app: RunningApp, to: string, path: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`${app.url}/dev/outbox.json?to=${encodeURIComponent(to)}`)
    const body = (await response.json()) as { data: { links: string[] }[] }
    const link = body.data.flatMap((mail) => mail.links).find((candidate) => candidate.includes(path))
    if (link) return link
    await new Promise((done) => setTimeout(done, 100))
  }
  throw new Error(`no mail to ${to} with a link to ${path}`)
}

export type { Browser, BrowserContext, Page }

import { beforeEach, describe, expect, it } from 'vitest'
import { writeBatch } from '../../src/db/client'
import { extractLinks, type OutboxMailJson, outboxRoutes } from '../../src/dev/outbox'
import { buildIcs } from '../../src/mail/ics'
import { dispatchMails, queueMail } from '../../src/mail/outbox'
import { consultationMail, signInMail } from '../../src/mail/templates'
import { createTestContext, recordingMailer, type TestContext } from '../helpers'

let ctx: TestContext

beforeEach(async () => {
  ctx = await createTestContext()
  // As src/node.ts does when no MAIL_API_KEY is set.
  ctx.app.route('/', outboxRoutes(ctx.deps))
})

async function queue(draft: Parameters<typeof queueMail>[1]) {
  await writeBatch(ctx.deps.db, [queueMail(ctx.deps.db, draft, ctx.clock.now())])
}

async function outbox(query = ''): Promise<OutboxMailJson[]> {
  const res = await ctx.app.request(`/dev/outbox.json${query}`)
  expect(res.status).toBe(200)
  return ((await res.json()) as { data: OutboxMailJson[] }).data
}

const signIn = (link: string) => signInMail({ locale: 'en', link, minutes: 15, role: 'buyer' })

describe('GET /dev/outbox.json', () => {
  it('lists mails newest first with their links, status and attachments', async () => {
    await queue({ to: 'one@example.com', ...signIn('https://quanzi.test/auth/verify?token=first') })
    ctx.clock.advance(1000)
    await queue({ to: 'two@example.com', ...signIn('https://quanzi.test/auth/verify?token=second') })
    const data = await outbox()
    expect(data.map((mail) => mail.to)).toEqual(['two@example.com', 'one@example.com'])
    expect(data[0]).toMatchObject({
      subject: 'Your sign-in link',
      links: ['https://quanzi.test/auth/verify?token=second'],
      sent_at: null,
      attempts: 0,
      error: null,
      attachments: [],
    })
    expect(data[0]?.created_at).toBe(new Date(ctx.clock.now()).toISOString())
  })

  it('filters by recipient, so a test can follow its own sign-in link', async () => {
    await queue({ to: 'one@example.com', ...signIn('https://quanzi.test/a?token=1') })
    await queue({ to: 'two@example.com', ...signIn('https://quanzi.test/a?token=2') })
    const data = await outbox('?to=Two@Example.com')
    expect(data).toHaveLength(1)
    expect(data[0]?.links).toEqual(['https://quanzi.test/a?token=2'])
  })

  it('shows sent mails as sent and failed ones with their error', async () => {
    await queue({ to: 'ok@example.com', subject: 'ok', text: 'ok' })
    await dispatchMails(ctx.deps)
    const failing = recordingMailer()
    failing.failNext(1)
    await queue({ to: 'bad@example.com', subject: 'bad', text: 'bad' })
    await dispatchMails({ ...ctx.deps, mailer: failing })
    const bySubject = Object.fromEntries((await outbox()).map((mail) => [mail.subject, mail]))
    expect(bySubject.ok).toMatchObject({ sent_at: new Date(ctx.clock.now()).toISOString(), attempts: 1 })
    expect(bySubject.bad).toMatchObject({
      sent_at: null,
      attempts: 1,
      error: 'mail provider unavailable (test)',
    })
  })
})

describe('GET /dev/outbox', () => {
  it('renders each mail with clickable links, escaped text and its attachments', async () => {
    const ics = buildIcs({
      uid: 'slt_1@quanzi',
      stamp: 0,
      start: Date.UTC(2026, 11, 1, 10),
      end: Date.UTC(2026, 11, 1, 11),
      summary: '咨询',
    })
    await queue({
      to: 'reader@example.com',
      ...consultationMail({
        locale: 'zh-CN',
        creatorName: '陈老师',
        offerTitle: '<b>一对一</b>',
        startsAt: Date.UTC(2026, 11, 1, 10),
        endsAt: Date.UTC(2026, 11, 1, 11),
        timeZone: 'Asia/Shanghai',
        meetingDetails: '会议链接：https://meeting.example.com/j/123。<script>x</script>',
        ics,
      }),
    })
    const res = await ctx.app.request('/dev/outbox')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    const page = await res.text()
    expect(page).toContain('Dev outbox')
    expect(page).toContain('to reader@example.com')
    expect(page).toContain('queued')
    // The link is an anchor, without the sentence's full stop; the rest is escaped text.
    expect(page).toContain(
      '<a href="https://meeting.example.com/j/123">https://meeting.example.com/j/123</a>。',
    )
    expect(page).not.toContain('<script>x</script>')
    expect(page).not.toContain('<b>一对一</b>')
    expect(page).toContain('&lt;b&gt;一对一&lt;/b&gt;')
    expect(page).toMatch(/invite\.ics<\/a> \(\s*text\/calendar; method=PUBLISH, \d+ bytes\)/)

    // The attachment downloads as the calendar it was built from.
    const [mail] = await outbox()
    const download = await ctx.app.request(`/dev/outbox/${mail?.id}/attachments/0`)
    expect(download.headers.get('content-type')).toBe('text/calendar; method=PUBLISH')
    expect(await download.text()).toBe(ics)
    expect((await ctx.app.request(`/dev/outbox/${mail?.id}/attachments/1`)).status).toBe(404)
  })

  it('says so when there is no mail', async () => {
    expect(await (await ctx.app.request('/dev/outbox')).text()).toContain('No mail yet.')
  })
})

describe('extractLinks', () => {
  it('finds http(s) links and leaves sentence punctuation out', () => {
    expect(
      extractLinks(
        'Open https://a.example/x?y=1. Or (https://b.example/z), 或者 http://c.example/中文路径。 ftp://no',
      ),
    ).toEqual(['https://a.example/x?y=1', 'https://b.example/z', 'http://c.example/中文路径'])
  })
})

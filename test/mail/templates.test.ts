import { describe, expect, it } from 'vitest'
import type { Locale } from '../../src/db/schema'
import { buildIcs } from '../../src/mail/ics'
import {
  consultationMail,
  escapeHtml,
  type MailContent,
  passReminderMail,
  receiptMail,
  signInMail,
} from '../../src/mail/templates'

const locales: Locale[] = ['zh-CN', 'en']
const hostile = `<script>alert("x")</script> & 'co'`
const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;'

/** The HTML must never contain the raw value, only its escaped form. */
function expectEscaped(mail: MailContent) {
  expect(mail.html).not.toContain('<script>')
  expect(mail.html).toContain(escaped)
  // The text part is plain text: the value as written.
  expect(mail.text).toContain(hostile)
}

const receiptInput = (locale: Locale) => ({
  locale,
  creatorName: '陈老师',
  offerTitle: '读书会会员',
  kind: 'tier' as const,
  amount: 20000,
  currency: 'CNY',
  endsAt: Date.UTC(2027, 10, 23, 12),
  accessUrl: 'https://quanzi.example/c/chen',
  signInUrl: 'https://quanzi.example/signin',
})

describe('signInMail', () => {
  it.each(locales)('says how long the link works and links it (%s)', (locale) => {
    const mail = signInMail({
      locale,
      link: 'https://quanzi.example/auth/verify?token=abc&next=%2F',
      minutes: 15,
      role: 'buyer',
    })
    expect(mail.text).toContain('https://quanzi.example/auth/verify?token=abc&next=%2F')
    expect(mail.text).toContain('15')
    expect(mail.html).toContain('href="https://quanzi.example/auth/verify?token=abc&amp;next=%2F"')
    expect(mail.html).toContain(`lang="${locale}"`)
  })

  it('speaks the locale and the role', () => {
    expect(
      signInMail({ locale: 'zh-CN', link: 'https://a.example', minutes: 15, role: 'buyer' }).subject,
    ).toBe('你的登录链接')
    expect(
      signInMail({ locale: 'en', link: 'https://a.example', minutes: 15, role: 'creator' }).subject,
    ).toBe('Your creator sign-in link')
    expect(
      signInMail({ locale: 'zh-CN', link: 'https://a.example', minutes: 10, role: 'buyer' }).text,
    ).toContain('10 分钟内有效')
  })

  it('never makes a non-http link clickable', () => {
    const mail = signInMail({ locale: 'en', link: 'javascript:alert(1)', minutes: 15, role: 'buyer' })
    expect(mail.html).not.toContain('href="javascript:')
  })
})

describe('receiptMail', () => {
  it('formats money for the locale and says until when', () => {
    const zh = receiptMail(receiptInput('zh-CN'))
    expect(zh.subject).toBe('付款成功：读书会会员')
    expect(zh.text).toContain('实付金额：¥200.00')
    expect(zh.text).toContain('有效期至：2027年11月23日')
    expect(zh.text).toContain('陈老师的会员「读书会会员」')
    const en = receiptMail(receiptInput('en'))
    expect(en.text).toContain('Paid: CN¥200.00')
    expect(en.text).toContain('Access until: November 23, 2027')
    expect(en.html).toContain('href="https://quanzi.example/c/chen"')
    expect(en.html).toContain('href="https://quanzi.example/signin"')
  })

  it('says "for good" for a course bought once', () => {
    expect(receiptMail({ ...receiptInput('zh-CN'), kind: 'course', endsAt: null }).text).toContain(
      '有效期：永久',
    )
    expect(receiptMail({ ...receiptInput('en'), kind: 'course', endsAt: null }).text).toContain(
      'Access: for good',
    )
  })

  it.each(locales)('escapes every value in the HTML (%s)', (locale) => {
    expectEscaped(receiptMail({ ...receiptInput(locale), offerTitle: hostile }))
    expectEscaped(receiptMail({ ...receiptInput(locale), creatorName: hostile }))
  })
})

describe('consultationMail', () => {
  const ics = buildIcs({
    uid: 'slt_1@quanzi',
    stamp: Date.UTC(2026, 10, 23),
    start: Date.UTC(2026, 11, 1, 10),
    end: Date.UTC(2026, 11, 1, 11),
    summary: '一对一咨询',
  })
  const input = (locale: Locale) => ({
    locale,
    creatorName: '陈老师',
    offerTitle: '一对一咨询',
    startsAt: Date.UTC(2026, 11, 1, 10),
    endsAt: Date.UTC(2026, 11, 1, 11),
    timeZone: 'Asia/Shanghai',
    meetingDetails: '腾讯会议 123-456\nhttps://meeting.example.com/j/123',
    ics,
  })

  it('shows the time in the consultation’s zone and attaches the invite', () => {
    const mail = consultationMail(input('zh-CN'))
    // 10:00 UTC is 18:00 in Shanghai.
    expect(mail.text).toContain('时间：2026年12月1日周二 18:00–19:00 (Asia/Shanghai)')
    expect(mail.text).toContain('(Asia/Shanghai)')
    expect(mail.html).toContain('腾讯会议 123-456<br>https://meeting.example.com/j/123')
    expect(mail.attachments).toHaveLength(1)
    const [attachment] = mail.attachments ?? []
    expect(attachment?.filename).toBe('invite.ics')
    expect(attachment?.contentType).toBe('text/calendar; method=PUBLISH')
    // Base64 of the UTF-8 bytes: decodes back to the very calendar, Chinese included.
    const bytes = Uint8Array.from(atob(attachment?.content ?? ''), (char) => char.charCodeAt(0))
    expect(new TextDecoder().decode(bytes)).toBe(ics)
    expect(consultationMail(input('en')).text).toContain(
      'When: Tue, December 1, 2026, 18:00–19:00 (Asia/Shanghai)',
    )
  })

  it('says when joining details are still to come', () => {
    expect(consultationMail({ ...input('en'), meetingDetails: '  ' }).text).toContain(
      'How to join will be sent before the start.',
    )
  })

  it.each(locales)('escapes every value in the HTML (%s)', (locale) => {
    expectEscaped(consultationMail({ ...input(locale), meetingDetails: hostile }))
    expectEscaped(consultationMail({ ...input(locale), offerTitle: hostile }))
  })
})

describe('passReminderMail', () => {
  it.each([
    ['zh-CN' as const, '「读书会会员」将于 2026年11月30日 到期', '续费：'],
    ['en' as const, '“读书会会员” ends on November 30, 2026', 'Renew: '],
  ])('names the pass, its end and a renew link (%s)', (locale, subject, button) => {
    const mail = passReminderMail({
      locale,
      offerTitle: '读书会会员',
      endsAt: Date.UTC(2026, 10, 30, 3),
      renewUrl: 'https://quanzi.example/buy/off_1?rail=wallet',
      timeZone: 'Asia/Shanghai',
    })
    expect(mail.subject).toBe(subject)
    expect(mail.text).toContain(`${button}https://quanzi.example/buy/off_1?rail=wallet`)
    expect(mail.html).toContain('href="https://quanzi.example/buy/off_1?rail=wallet"')
  })

  it('dates the end in the given time zone', () => {
    // 20:00 UTC on the 29th is already the 30th in Shanghai.
    const endsAt = Date.UTC(2026, 10, 29, 20)
    const base = { locale: 'en' as const, offerTitle: 'Pass', endsAt, renewUrl: 'https://a.example' }
    expect(passReminderMail({ ...base, timeZone: 'Asia/Shanghai' }).subject).toContain('November 30')
    expect(passReminderMail({ ...base, timeZone: 'UTC' }).subject).toContain('November 29')
  })

  it.each(locales)('escapes every value in the HTML (%s)', (locale) => {
    expectEscaped(
      passReminderMail({
        locale,
        offerTitle: hostile,
        endsAt: Date.UTC(2026, 10, 30),
        renewUrl: 'https://a.example',
      }),
    )
  })
})

describe('escapeHtml', () => {
  it('escapes the five HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })
})

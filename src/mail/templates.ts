/**
 * The mails quanzi sends, as pure functions: data in, `{ subject, text, html, attachments }` out. The caller adds
 * `to` and a `dedupeKey` and queues it (outbox.ts) in the batch that made the mail true.
 *
 * Every mail has a plain-text part (what many Chinese webmail previews and screen readers show) and a small HTML
 * part with inline styles only — mail clients drop <style> blocks and external CSS. Every interpolated value is
 * HTML-escaped here, once; strings come from web/mail-messages.ts.
 */
import type { Locale, OfferKind } from '../db/schema'
import { formatDate, formatRange } from '../lib/dates'
import { formatMoney } from '../lib/money'
import { messagesFor } from '../web/i18n'
import { type MailMessages, mailMessagesFor, type SignInRole } from '../web/mail-messages'
import type { MailAttachment } from './mailer'

export interface MailContent {
  subject: string
  text: string
  html: string
  attachments?: MailAttachment[]
}

/** Shown when no time zone is known: the storefront's default audience. */
const defaultTimeZone = 'Asia/Shanghai'

export function signInMail(input: {
  locale: Locale
  link: string
  minutes: number
  role: SignInRole
}): MailContent {
  const m = mailMessagesFor(input.locale).signIn
  const subject = m.subject(input.role)
  return compose(input.locale, subject, [
    { paragraph: m.intro(input.role) },
    { button: { href: input.link, label: m.button } },
    { paragraph: m.expires(input.minutes) },
    { muted: m.ignore },
  ])
}

export function receiptMail(input: {
  locale: Locale
  creatorName: string
  offerTitle: string
  kind: OfferKind
  amount: number
  currency: string
  /** Null = for good (a course bought once). */
  endsAt: number | null
  accessUrl: string
  signInUrl: string
  timeZone?: string
}): MailContent {
  const m = mailMessagesFor(input.locale).receipt
  const kind = messagesFor(input.locale).kinds[input.kind]
  const until =
    input.endsAt === null
      ? m.forGood
      : m.until(formatDate(input.endsAt, input.locale, input.timeZone ?? defaultTimeZone))
  return compose(input.locale, m.subject(input.offerTitle), [
    { paragraph: m.thanks(input.creatorName, kind, input.offerTitle) },
    { paragraph: m.paid(formatMoney(input.amount, input.currency, input.locale)) },
    { paragraph: until },
    { button: { href: input.accessUrl, label: m.open } },
    { paragraph: m.signIn },
    { link: input.signInUrl },
  ])
}

export function consultationMail(input: {
  locale: Locale
  creatorName: string
  offerTitle: string
  startsAt: number
  endsAt: number
  /** IANA zone the times are shown in (the consultation's). */
  timeZone: string
  /** The creator's link or instructions, free text. */
  meetingDetails: string
  /** The calendar (ics.ts `buildIcs`), attached as invite.ics. */
  ics: string
}): MailContent {
  const m = mailMessagesFor(input.locale).consultation
  const when = formatRange(input.startsAt, input.endsAt, input.locale, input.timeZone)
  const details = input.meetingDetails.trim()
  return {
    ...compose(input.locale, m.subject(input.offerTitle, when), [
      { paragraph: m.booked(input.creatorName, input.offerTitle) },
      { label: m.when, value: `${when} (${input.timeZone})` },
      { label: m.meeting, value: details || m.noMeetingDetails },
      { muted: m.calendar },
    ]),
    attachments: [
      {
        filename: 'invite.ics',
        contentType: 'text/calendar; method=PUBLISH',
        content: base64Utf8(input.ics),
      },
    ],
  }
}

export function passReminderMail(input: {
  locale: Locale
  offerTitle: string
  endsAt: number
  renewUrl: string
  timeZone?: string
}): MailContent {
  const m = mailMessagesFor(input.locale).reminder
  const date = formatDate(input.endsAt, input.locale, input.timeZone ?? defaultTimeZone)
  return compose(input.locale, m.subject(input.offerTitle, date), [
    { paragraph: m.ends(input.offerTitle, date) },
    { paragraph: m.renewHint },
    { button: { href: input.renewUrl, label: m.renew } },
  ])
}

/** HTML special characters as entities: the one escaper for every value that goes into a mail's HTML. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

type Block =
  | { paragraph: string }
  | { muted: string }
  | { button: { href: string; label: string } }
  | { link: string }
  | { label: string; value: string }

const styles = {
  body: 'margin:0;padding:24px 12px;background:#fafaf7;color:#1d1d1f;font:16px/1.6 -apple-system,BlinkMacSystemFont,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif',
  card: 'max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e3e1da;border-radius:12px;padding:24px',
  paragraph: 'margin:0 0 12px',
  muted: 'margin:0 0 12px;color:#5b5b66;font-size:14px',
  button:
    'display:inline-block;background:#a4321f;color:#ffffff;text-decoration:none;border-radius:8px;padding:10px 20px;font-weight:600',
  link: 'color:#a4321f;word-break:break-all',
  footer: 'max-width:560px;margin:12px auto 0;color:#5b5b66;font-size:12px',
}

/** Text and HTML from the same blocks, so the two parts never say different things. */
function compose(locale: Locale, subject: string, blocks: Block[]): MailContent {
  const m: MailMessages = mailMessagesFor(locale)
  const text: string[] = []
  const html: string[] = []
  for (const block of blocks) {
    if ('paragraph' in block) {
      text.push(block.paragraph)
      html.push(`<p style="${styles.paragraph}">${multiline(block.paragraph)}</p>`)
    } else if ('muted' in block) {
      text.push(block.muted)
      html.push(`<p style="${styles.muted}">${multiline(block.muted)}</p>`)
    } else if ('button' in block) {
      text.push(`${block.button.label}${m.colon}${block.button.href}`)
      html.push(
        `<p style="margin:20px 0"><a href="${href(block.button.href)}" style="${styles.button}">${escapeHtml(block.button.label)}</a></p>`,
        `<p style="${styles.muted}">${escapeHtml(m.linkHint)}<br><a href="${href(block.button.href)}" style="${styles.link}">${escapeHtml(block.button.href)}</a></p>`,
      )
    } else if ('link' in block) {
      text.push(block.link)
      html.push(
        `<p style="${styles.paragraph}"><a href="${href(block.link)}" style="${styles.link}">${escapeHtml(block.link)}</a></p>`,
      )
    } else {
      text.push(`${block.label}${m.colon}${block.value}`)
      html.push(
        `<p style="${styles.paragraph}"><strong>${escapeHtml(block.label)}</strong><br>${multiline(block.value)}</p>`,
      )
    }
  }
  return {
    subject,
    // "-- " on its own line is the signature delimiter mail clients recognise and fold away.
    text: `${text.join('\n\n')}\n\n-- \n${m.footer}\n`,
    html: [
      '<!doctype html>',
      `<html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>`,
      `<body style="${escapeHtml(styles.body)}"><div style="${styles.card}">`,
      ...html,
      `</div><p style="${styles.footer}">${escapeHtml(m.footer)}</p></body></html>`,
    ].join('\n'),
  }
}

/** Escaped, with line breaks kept (meeting instructions are often several lines). */
function multiline(value: string): string {
  return escapeHtml(value).replace(/\r\n|\r|\n/g, '<br>')
}

/** Only http(s) links become hrefs: a `javascript:` value in a mail would be an attack, not a link. */
function href(url: string): string {
  return /^https?:\/\//i.test(url) ? escapeHtml(url) : '#'
}

/** Base64 of a string's UTF-8 bytes, with Web APIs only (Workers have no Buffer). */
function base64Utf8(value: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

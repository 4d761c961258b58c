/**
 * The dev outbox (Node only; the Worker never imports this): `npm start` without MAIL_API_KEY sends nothing, and
 * the `mails` table is the outbox. `/dev/outbox` lists it newest first with links clickable, so a developer can
 * follow a sign-in link; `/dev/outbox.json` is the same for tests and scripts (`?to=` filters by recipient).
 *
 * Mounted only when mail is not configured: the page shows live sign-in links, which on a server that really
 * sends mail would let anyone sign in as anyone.
 */
import { and, desc, eq, type SQL } from 'drizzle-orm'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { mails } from '../db/schema'
import type { Deps } from '../deps'
import { normaliseEmail } from '../lib/email'
import { notFound } from '../lib/problem'
import { toIso } from '../lib/time'
import type { MailAttachment } from '../mail/mailer'
import { Layout } from '../web/layout'

/** The newest mails shown; the outbox is for looking at what just happened. */
const shown = 100

export interface OutboxMailJson {
  id: string
  to: string
  subject: string
  text: string
  html: string | null
  /** The http(s) links in the text, in order: what a test follows. */
  links: string[]
  attachments: { filename: string; content_type: string; size: number; content: string }[]
  dedupe_key: string | null
  created_at: string | null
  sent_at: string | null
  attempts: number
  error: string | null
}

export function outboxRoutes({ db }: Pick<Deps, 'db'>) {
  const list = async (to: string | undefined): Promise<OutboxMailJson[]> => {
    const where: SQL[] = to ? [eq(mails.to, normaliseEmail(to))] : []
    const rows = await db
      .select()
      .from(mails)
      .where(and(...where))
      .orderBy(desc(mails.createdAt), desc(mails.id))
      .limit(shown)
    return rows.map(mailJson)
  }

  return new Hono<AppEnv>()
    .get('/dev/outbox.json', async (c) => c.json({ data: await list(c.req.query('to')) }))
    .get('/dev/outbox/:id/attachments/:index', async (c) => {
      const [row] = await db
        .select()
        .from(mails)
        .where(eq(mails.id, c.req.param('id')))
      const attachment = row ? mailJson(row).attachments[Number(c.req.param('index'))] : undefined
      if (!attachment) throw notFound('attachment')
      const bytes = Uint8Array.from(atob(attachment.content), (char) => char.charCodeAt(0))
      return c.body(bytes, 200, {
        'content-type': attachment.content_type,
        'content-disposition': `attachment; filename="${attachment.filename.replace(/[^\w.-]/g, '_')}"`,
      })
    })
    .get('/dev/outbox', async (c) => {
      const items = await list(c.req.query('to'))
      return c.html(
        <Layout title="Dev outbox" lang="en">
          <h1>Dev outbox</h1>
          <p class="muted">
            Mails quanzi would have sent, newest first. Nothing leaves this machine without MAIL_API_KEY.{' '}
            <a href="/dev/outbox.json">JSON</a>
          </p>
          {items.length === 0 ? <p>No mail yet.</p> : null}
          <ol class="offers">
            {items.map((mail) => (
              <li class="card" id={mail.id}>
                <h3>{mail.subject}</h3>
                <p class="muted">
                  to {mail.to} · {mail.created_at} · {status(mail)}
                </p>
                <pre style="white-space:pre-wrap;word-break:break-word;font:inherit">
                  <Linked text={mail.text} />
                </pre>
                {mail.attachments.length ? (
                  <ul>
                    {mail.attachments.map((attachment, index) => (
                      <li>
                        <a href={`/dev/outbox/${mail.id}/attachments/${index}`}>{attachment.filename}</a> (
                        {attachment.content_type}, {attachment.size} bytes)
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ol>
        </Layout>,
      )
    })
}

function status(mail: OutboxMailJson): string {
  if (mail.sent_at) return `sent ${mail.sent_at}`
  if (mail.error) return `failed ${mail.attempts}× — ${mail.error}`
  return 'queued'
}

const linkPattern = /https?:\/\/[^\s<>"'）」]+/g

/** http(s) URLs in plain text, without the punctuation that usually ends a sentence after them. */
export function extractLinks(text: string): string[] {
  return [...text.matchAll(linkPattern)].map((match) => trimLink(match[0]))
}

function trimLink(url: string): string {
  return url.replace(/[.,;:!?)\]}。，；：！？]+$/, '')
}

/** The text with its links as anchors; everything else stays text, which hono/jsx escapes. */
function Linked({ text }: { text: string }) {
  const parts: (string | ReturnType<typeof Anchor>)[] = []
  let rest = 0
  for (const match of text.matchAll(linkPattern)) {
    const url = trimLink(match[0])
    parts.push(text.slice(rest, match.index), Anchor({ url }))
    rest = match.index + url.length
  }
  parts.push(text.slice(rest))
  return <>{parts}</>
}

function Anchor({ url }: { url: string }) {
  return <a href={url}>{url}</a>
}

function mailJson(row: typeof mails.$inferSelect): OutboxMailJson {
  const attachments = row.attachments ? (JSON.parse(row.attachments) as MailAttachment[]) : []
  return {
    id: row.id,
    to: row.to,
    subject: row.subject,
    text: row.text,
    html: row.html,
    links: extractLinks(row.text),
    attachments: attachments.map((attachment) => ({
      filename: attachment.filename,
      content_type: attachment.contentType,
      size: Math.floor((attachment.content.replace(/=+$/, '').length * 3) / 4),
      content: attachment.content,
    })),
    dedupe_key: row.dedupeKey,
    created_at: toIso(row.createdAt),
    sent_at: toIso(row.sentAt),
    attempts: row.attempts,
    error: row.error,
  }
}

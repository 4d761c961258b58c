/**
 * The one way quanzi hands a mail to the outside world. Verbs never call a mailer: they queue a row in `mails`
 * inside their own write batch (outbox.ts), and the dispatcher sends it later through `deps.mailer`.
 *
 * Two implementations: `httpMailer` talks to Resend's HTTP API (fetch only, so it runs on Workers and Node);
 * `outboxMailer` is what `npm start` uses without MAIL_API_KEY — it only logs, because the `mails` table already
 * is the outbox and /dev/outbox shows it.
 */
import type { Config } from '../config'
import type { Logger } from '../lib/logger'

export interface MailAttachment {
  filename: string
  contentType: string
  /** Base64 of the file's bytes. */
  content: string
}

/** A mail as the dispatcher hands it over: a row of `mails`, decoded. */
export interface OutgoingMail {
  /** The `mails` row id; sent as Resend's Idempotency-Key so a retried send is delivered once. */
  id: string
  to: string
  subject: string
  text: string
  html?: string
  attachments?: MailAttachment[]
}

export interface Mailer {
  readonly kind: 'http' | 'outbox'
  /** Resolves once the provider accepted the mail; throws (with no secret in the message) otherwise. */
  send(mail: OutgoingMail): Promise<void>
}

export interface HttpMailerOptions {
  apiKey: string
  /** `quanzi <hello@example.com>` or a bare address, on a domain verified with the provider. */
  from: string
  /** Default Resend's API; tests point it at a local server. */
  apiBase?: string
  fetch?: (input: string, init: RequestInit) => Promise<Response>
  /** Default 10 s: a dispatcher run must not hang on one slow request. */
  timeoutMs?: number
}

/**
 * Resend's `POST /emails`: `{ from, to: [to], subject, text, html, attachments: [{ filename, content,
 * content_type }] }` with `Authorization: Bearer <key>`. A non-2xx answer throws an Error naming the status and
 * Resend's `message`, never the key.
 *
 * @example
 * const mailer = httpMailer({ apiKey: env.MAIL_API_KEY, from: 'quanzi <hello@example.com>' })
 * await mailer.send({ id: 'mal_…', to: 'reader@example.com', subject: 'Hi', text: 'Hello' })
 */
export function httpMailer(options: HttpMailerOptions): Mailer {
  if (!options.apiKey) throw new Error('httpMailer needs an API key')
  if (!options.from) throw new Error('httpMailer needs a from address')
  const endpoint = `${(options.apiBase ?? 'https://api.resend.com').replace(/\/+$/, '')}/emails`
  // On Workers an unbound reference to the global fetch throws "Illegal invocation": call it through a closure.
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init))
  const timeoutMs = options.timeoutMs ?? 10_000
  // Whatever the provider echoes back, the key never reaches an error message (which ends up in the database).
  const redact = (text: string) => text.replaceAll(options.apiKey, '[redacted]')

  return {
    kind: 'http',
    async send(mail) {
      const body = {
        from: options.from,
        to: [mail.to],
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        ...(mail.attachments?.length
          ? {
              attachments: mail.attachments.map((attachment) => ({
                filename: attachment.filename,
                content: attachment.content,
                content_type: attachment.contentType,
              })),
            }
          : {}),
      }
      let response: Response
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.apiKey}`,
            'content-type': 'application/json',
            // Resend keeps idempotency keys for 24 hours: a send whose answer was lost (timeout) and is retried
            // by the dispatcher is not delivered twice.
            'idempotency-key': mail.id,
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
          throw new Error(`mail API did not answer within ${timeoutMs / 1000} s`)
        throw new Error(
          `mail API unreachable: ${redact(error instanceof Error ? error.message : String(error))}`,
        )
      }
      if (response.ok) {
        // Drain the body so the connection can be reused.
        await response.text().catch(() => '')
        return
      }
      throw new Error(`mail API answered ${response.status}: ${redact(await providerMessage(response))}`)
    },
  }
}

/** Resend's error body is `{ statusCode, name, message }`; anything else is cut short rather than trusted. */
async function providerMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string')
      return parsed.message.slice(0, 300)
  } catch {
    // not JSON
  }
  return text.slice(0, 300) || response.statusText || 'no message'
}

/**
 * `npm start` without MAIL_API_KEY: nothing leaves the machine. The dispatcher still marks each mail sent, so
 * the whole path (queue → claim → send → mark) runs locally exactly as in production.
 */
export function outboxMailer(logger: Logger): Mailer {
  return {
    kind: 'outbox',
    async send(mail) {
      logger.info(`mail to ${mail.to} (see /dev/outbox)`, { mailId: mail.id, subject: mail.subject })
    },
  }
}

/** Resend when MAIL_API_KEY is set (parseConfig then guarantees MAIL_FROM), else the local outbox. */
export function mailerFromConfig(
  config: Pick<Config, 'MAIL_API_KEY' | 'MAIL_FROM' | 'MAIL_API_BASE'>,
  logger: Logger,
): Mailer {
  if (!config.MAIL_API_KEY) return outboxMailer(logger)
  return httpMailer({
    apiKey: config.MAIL_API_KEY,
    from: config.MAIL_FROM ?? '',
    ...(config.MAIL_API_BASE ? { apiBase: config.MAIL_API_BASE } : {}),
  })
}

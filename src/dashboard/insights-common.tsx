/**
 * Pieces the insight pages share: reading a form's fields, turning a verb's expected refusal into a notice shown
 * after the redirect (Post/Redirect/Get), and dates in the creator's time zone.
 */
import type { Context } from 'hono'
import type { Locale } from '../db/schema'
import type { Deps } from '../deps'
import { formatDateTime } from '../lib/dates'
import { Problem } from '../lib/problem'
import { editorForm } from './editor-forms'
import { type InsightMessages, isNoticeKey, type NoticeKey } from './insights-messages'
import { type CreatorPage, signInPath } from './shell'

/** An ISO string from the verbs as a readable time, or null. */
export function formatIso(iso: string | null, locale: Locale, timeZone: string): string | null {
  if (!iso) return null
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? null : formatDateTime(ms, locale, timeZone)
}

/** A text field of a parsed form; files and missing fields read as ''. */
export function field(form: Record<string, unknown>, name: string): string {
  const value = form[name]
  return typeof value === 'string' ? value.trim() : ''
}

/**
 * A form POST's gate: the parsed body and the creator whose session and CSRF token it carries. `null` means
 * signed out (the caller redirects to sign-in); a missing or wrong token throws 403 in `creatorForm`.
 */
export async function creatorFormPost(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  c: Context,
): Promise<{ page: CreatorPage; form: Record<string, unknown> } | { redirect: string }> {
  return (await editorForm(deps, c)) ?? { redirect: signInPath(c.req.path) }
}

/**
 * Runs a verb and names its outcome: `ok` when it succeeds, or the notice for an expected refusal (by HTTP
 * status: a conflict, invalid input, Stripe refusing). Anything else, including 404 for another creator's
 * rows, is rethrown and rendered as the error page it is.
 */
export async function outcomeOf(
  run: () => Promise<unknown>,
  ok: NoticeKey,
  refusals: Partial<Record<number, NoticeKey>>,
): Promise<NoticeKey> {
  try {
    await run()
    return ok
  } catch (error) {
    const notice = error instanceof Problem ? refusals[error.status] : undefined
    if (notice) return notice
    throw error
  }
}

/** `path?notice=key`, the Post/Redirect/Get target that reports how a form went. */
export function withNotice(path: string, notice: NoticeKey): string {
  return `${path}${path.includes('?') ? '&' : '?'}notice=${notice}`
}

const failures: ReadonlySet<NoticeKey> = new Set([
  'refundFailed',
  'notRefundable',
  'invalidGrant',
  'stillHasAccess',
  'cancelFailed',
  'notCancellable',
])

/** The notice named in `?notice=`, if it is one of ours; free text is never echoed back. */
export function Notice(props: { value: string | undefined; t: InsightMessages }) {
  if (!isNoticeKey(props.value)) return null
  const failed = failures.has(props.value)
  return (
    <p class={failed ? 'notice error' : 'notice'} role={failed ? 'alert' : 'status'}>
      {props.t.notices[props.value]}
    </p>
  )
}

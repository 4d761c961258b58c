/**
 * A problem (RFC 9457) rendered as a readable page, for browsers: a heading and a plain sentence in the
 * visitor's language, then the problem's own English title, detail and field errors as technical detail.
 */
import type { Locale } from '../db/schema'
import type { ProblemBody } from '../lib/problem'
import { type Messages, messagesFor } from './i18n'
import { Layout } from './layout'

type ProblemKind = keyof Messages['problem']['kinds']

const kindByStatus: Readonly<Record<number, ProblemKind>> = {
  400: 'badRequest',
  401: 'signIn',
  402: 'payment',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  410: 'gone',
  413: 'tooLarge',
  415: 'mediaType',
  422: 'invalid',
  429: 'tooMany',
  500: 'serverError',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
}

export function problemKind(status: number): ProblemKind {
  return kindByStatus[status] ?? (status >= 500 ? 'serverError' : 'other')
}

export interface ProblemPageProps {
  problem: ProblemBody
  locale: Locale
  /** On a 401: where to sign in (a same-site `/login?next=…`). */
  signInHref?: string
  /** The request id the problem's detail quotes, if any, repeated in the page's language. */
  requestId?: string
}

export function ProblemPage({ problem, locale, signInHref, requestId }: ProblemPageProps) {
  const m = messagesFor(locale).problem
  const kind = m.kinds[problemKind(problem.status)]
  const errors = problem.errors ?? []
  return (
    <Layout title={`${problem.status} ${kind.title}`} lang={locale}>
      <section class="problem" aria-labelledby="problem-title">
        <p class="status">{problem.status}</p>
        <h1 id="problem-title">{kind.title}</h1>
        <p>{kind.text}</p>
        {problem.status === 401 && signInHref ? (
          <p>
            <a href={signInHref}>{m.signIn}</a>
          </p>
        ) : null}
        {requestId ? <p>{m.requestId(requestId)}</p> : null}
        {/* Field errors say what to fix, so they start open; the rest is for whoever reports the problem. */}
        <details class="muted" open={errors.length > 0}>
          <summary>{m.technical}</summary>
          <div class="problem-detail" lang={locale === 'en' ? undefined : 'en'}>
            <p>
              {problem.title} — {problem.detail}
            </p>
            {errors.length ? (
              <ul>
                {errors.map((error) => (
                  <li>
                    <code>{error.path}</code>: {error.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </details>
        <p>
          <a href="/">{m.home}</a>
        </p>
      </section>
    </Layout>
  )
}

/** A problem (RFC 9457) rendered as a readable page, for browsers. */
import type { ProblemBody } from '../lib/problem'
import { Layout } from './layout'

export function ProblemPage({ problem, lang }: { problem: ProblemBody; lang: string }) {
  return (
    <Layout title={`${problem.status} ${problem.title}`} lang={lang}>
      <section class="problem" aria-labelledby="problem-title">
        <p class="status">{problem.status}</p>
        <h1 id="problem-title">{problem.title}</h1>
        <p>{problem.detail}</p>
        {problem.errors?.length ? (
          <ul>
            {problem.errors.map((error) => (
              <li>
                <code>{error.path}</code>: {error.message}
              </li>
            ))}
          </ul>
        ) : null}
        <p>
          <a href="/">← Home · 首页</a>
        </p>
      </section>
    </Layout>
  )
}

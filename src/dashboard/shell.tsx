/**
 * The frame every dashboard page shares: the signed-in creator (read with the session, one round trip), a
 * navigation bar, sign-out, and the CSRF token its forms carry. A page handler calls `creatorPage(deps, c)`:
 * null means "not signed in as a creator" and the handler redirects to the creator sign-in.
 */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import { csrfToken, requireCsrf } from '../accounts/csrf'
import { sessionCreator, sessionFrom } from '../accounts/sessions'
import type { CreatorRow } from '../app-env'
import type { Deps } from '../deps'
import { messagesFor } from '../web/i18n'
import { Layout } from '../web/layout'
import { chosenLocale } from '../web/locale'

export interface CreatorPage {
  /** The creator, with `locale` set to the language this page speaks (the footer switch wins). */
  creator: CreatorRow
  /** The creator's own language setting, for the settings form. */
  savedLocale: CreatorRow['locale']
  csrf: string
}

/** The signed-in creator, or null. One query: the session joined to its creator. */
export async function creatorPage(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  c: Context,
): Promise<CreatorPage | null> {
  const session = await sessionFrom(c)
  if (!session) return null
  const creator = await sessionCreator(deps, session.hash)
  if (!creator) return null
  // Signed-in pages are private: never cached by a browser or a proxy.
  c.header('Cache-Control', 'private, no-store')
  // The dashboard speaks the creator's chosen language unless they flip the footer switch.
  const locale = chosenLocale(c) ?? creator.locale
  return {
    creator: { ...creator, locale },
    savedLocale: creator.locale,
    csrf: await csrfToken(deps.config, session.value),
  }
}

/** For form posts: the signed-in creator whose form carried a valid CSRF token; throws 403 otherwise. */
export async function creatorForm(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  c: Context,
  form: Record<string, unknown>,
): Promise<CreatorPage | null> {
  const session = await sessionFrom(c)
  const page = session ? await creatorPage(deps, c) : null
  if (!session || !page) return null
  await requireCsrf(deps.config, session.value, form.csrf)
  return page
}

export const signInPath = (next: string) => `/login?as=creator&next=${encodeURIComponent(next)}`

export type DashboardSection =
  | 'overview'
  | 'offers'
  | 'posts'
  | 'members'
  | 'bookings'
  | 'revenue'
  | 'settings'

const sections: { id: DashboardSection; path: string }[] = [
  { id: 'overview', path: '/dashboard' },
  { id: 'offers', path: '/dashboard/offers' },
  { id: 'posts', path: '/dashboard/posts' },
  { id: 'members', path: '/dashboard/members' },
  { id: 'bookings', path: '/dashboard/bookings' },
  { id: 'revenue', path: '/dashboard/revenue' },
  { id: 'settings', path: '/dashboard/settings' },
]

export function DashboardShell(props: {
  page: CreatorPage
  section: DashboardSection
  title: string
  children?: Child
}) {
  const { creator, csrf } = props.page
  const t = messagesFor(creator.locale)
  return (
    <Layout title={`${props.title} · ${creator.name}`} lang={creator.locale}>
      <nav aria-label={t.dashboard.title}>
        <ul class="nav">
          {sections.map((section) => (
            <li>
              <a href={section.path} aria-current={section.id === props.section ? 'page' : undefined}>
                {t.dashboard.sections[section.id]}
              </a>
            </li>
          ))}
          <li>
            <a href={`/c/${creator.slug}`}>{t.dashboard.storefront}</a>
          </li>
          <li>
            <form method="post" action="/logout" class="inline">
              <input type="hidden" name="csrf" value={csrf} />
              <button type="submit" class="button secondary">
                {t.auth.signOut}
              </button>
            </form>
          </li>
        </ul>
      </nav>
      <h1>{props.title}</h1>
      {props.children}
    </Layout>
  )
}

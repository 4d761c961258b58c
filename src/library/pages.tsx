/**
 * The buyer's pages: the library, a post, a course outline and a lesson. A refused page is still a page: it
 * says why (sign in, bought nothing, ended, refunded, not open yet) and shows what would give access, with buy
 * links. Creator-written text goes through `Markdown` (a safe subset, never HTML).
 */

import type { CatalogOffer } from '../access/access-query'
import type { Decision } from '../access/access-rules'
import type { Locale } from '../db/schema'
import { formatDate, formatRange } from '../lib/dates'
import { formatMoney } from '../lib/money'
import { type Messages, messagesFor } from '../web/i18n'
import { Layout } from '../web/layout'
import { Markdown } from '../web/markdown'
import type { OutlineLesson } from './content'
import type { Library, LibraryItem } from './library'

const defaultTimeZone = 'Asia/Shanghai'

function SignOut({ csrf, t }: { csrf: string; t: Messages }) {
  return (
    <form method="post" action="/logout" class="inline">
      <input type="hidden" name="csrf" value={csrf} />
      <button type="submit" class="button secondary">
        {t.auth.signOut}
      </button>
    </form>
  )
}

function itemLine(item: LibraryItem, locale: Locale, t: Messages): string {
  const date = (ms: number) => formatDate(ms, locale, defaultTimeZone)
  if (item.endsAt === null) return t.library.forGood
  if (item.subscription && item.state === 'active')
    return item.subscription.cancelAtPeriodEnd
      ? t.library.cancels(date(item.endsAt))
      : t.library.renews(date(item.endsAt))
  if (item.state === 'grace') return t.library.graceUntil(date(item.endsAt))
  return t.library.until(date(item.endsAt))
}

export function LibraryPage({
  library,
  locale,
  csrf,
  changed = false,
}: {
  library: Library
  locale: Locale
  csrf: string
  changed?: boolean
}) {
  const t = messagesFor(locale)
  const current = library.items.filter((item) => item.state === 'active' || item.state === 'grace')
  const past = library.items.filter((item) => item.state !== 'active' && item.state !== 'grace')
  const list = (items: LibraryItem[]) => (
    <ul class="offers">
      {items.map((item) => (
        <li class="card" data-entitlement={item.entitlementId}>
          <p class="facts">
            <span class="kind">{t.kinds[item.offer.kind as keyof Messages['kinds']] ?? item.offer.kind}</span>{' '}
            <span class="muted">
              {item.creator.name} · {t.library.sources[item.source]}
            </span>
          </p>
          <h3>{item.offer.title}</h3>
          <p>
            <span class="badge">{t.library.states[item.state]}</span> {itemLine(item, locale, t)}
          </p>
          {item.subscription?.pendingOfferId ? <p class="muted">{t.library.downgrade}</p> : null}
          {item.subscription?.moves.length && (item.state === 'active' || item.state === 'grace') ? (
            <form method="post" action={`/me/subscriptions/${item.subscription.id}/tier`} class="stack">
              <input type="hidden" name="csrf" value={csrf} />
              <label for={`move-${item.entitlementId}`}>{t.library.changeLevel}</label>
              <select id={`move-${item.entitlementId}`} name="offer_id">
                {item.subscription.moves.map((move) => (
                  <option value={move.offerId}>
                    {move.title} — {move.when === 'now' ? t.library.moveNow : t.library.moveLater}
                  </option>
                ))}
              </select>
              <button type="submit" class="button secondary">
                {t.library.change}
              </button>
            </form>
          ) : null}
          <p class="buy">
            {item.state === 'active' || item.state === 'grace' ? (
              <a class="button" href={item.openPath}>
                {t.library.open}
              </a>
            ) : null}
            {item.renewPath ? (
              <a class="button secondary" href={item.renewPath}>
                {t.library.renew}
              </a>
            ) : null}
          </p>
        </li>
      ))}
    </ul>
  )
  return (
    <Layout title={t.library.title} lang={locale}>
      <p class="muted">
        {t.auth.signedInAs(library.viewer.email)} <SignOut csrf={csrf} t={t} />
      </p>
      <h1>{t.library.title}</h1>
      {changed ? (
        <p class="notice" role="status">
          {t.library.changed}
        </p>
      ) : null}
      {library.items.length === 0 ? <p class="muted">{t.library.empty}</p> : list(current)}
      {library.canManageBilling ? (
        <form method="post" action="/me/billing-portal">
          <input type="hidden" name="csrf" value={csrf} />
          <button type="submit" class="button secondary">
            {t.library.manageBilling}
          </button>
        </form>
      ) : null}
      {library.bookings.length ? (
        <>
          <h2>{t.library.bookings}</h2>
          <ul class="offers">
            {library.bookings.map((booking) => (
              <li class="card" data-slot={booking.slotId}>
                <h3>{booking.offerTitle}</h3>
                <p class="muted">{booking.creatorName}</p>
                <p>
                  {formatRange(booking.startsAt, booking.endsAt, locale, booking.timeZone)} (
                  {booking.timeZone})
                </p>
                <p>
                  <strong>{t.library.meeting}:</strong>
                </p>
                {booking.meetingDetails.trim() ? (
                  <Markdown text={booking.meetingDetails} />
                ) : (
                  <p class="muted">{t.library.noMeetingDetails}</p>
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {past.length ? (
        <>
          <h2 class="muted">{t.library.states.lapsed}</h2>
          {list(past)}
        </>
      ) : null}
    </Layout>
  )
}

/** Why a page is refused, and what would open it: the rules' decision as words and buy links. */
export function Refusal(props: {
  decision: Extract<Decision, { allowed: false }>
  offers: readonly CatalogOffer[]
  locale: Locale
  timeZone: string
  next: string
}) {
  const t = messagesFor(props.locale)
  const { decision } = props
  const reason =
    decision.reason === 'sign_in'
      ? t.gate.signIn
      : decision.reason === 'drip'
        ? t.gate.drip(formatDate(decision.opensAt ?? 0, props.locale, props.timeZone))
        : decision.reason === 'lapsed'
          ? t.gate.lapsed
          : decision.reason === 'revoked'
            ? t.gate.revoked
            : decision.reason === 'expired'
              ? t.gate.expired
              : decision.reason === 'full'
                ? t.gate.full
                : t.gate.noEntitlement
  const buyable = decision.buy
    .map((id) => props.offers.find((offer) => offer.id === id))
    .filter((offer): offer is CatalogOffer => Boolean(offer))
  return (
    <section class="card refusal" aria-labelledby="refusal-title">
      <h2 id="refusal-title">{t.gate.locked}</h2>
      <p>{reason}</p>
      {buyable.length ? (
        <>
          <p>{t.gate.buyWith}</p>
          <ul class="prices">
            {buyable.map((offer) => {
              const price = offer.prices[0]
              return (
                <li>
                  <span>
                    {offer.title}
                    {price ? (
                      <span class="amount"> {formatMoney(price.amount, price.currency, props.locale)}</span>
                    ) : null}
                  </span>
                  <a class="button" href={`/buy/${offer.id}`}>
                    {t.kinds[offer.kind]}
                  </a>
                </li>
              )
            })}
          </ul>
        </>
      ) : null}
      {decision.reason === 'sign_in' || decision.reason === 'no_entitlement' ? (
        <p class="muted">
          {t.gate.signInHint}{' '}
          <a href={`/login?next=${encodeURIComponent(props.next)}`}>{t.auth.signInTitle}</a>
        </p>
      ) : null}
    </section>
  )
}

export function PostPage(props: {
  title: string
  excerpt: string
  body: string | null
  creator: { slug: string; name: string; locale: Locale; timeZone: string }
  decision: Decision
  offers: readonly CatalogOffer[]
  path: string
}) {
  const t = messagesFor(props.creator.locale)
  return (
    <Layout title={`${props.title} · ${props.creator.name}`} lang={props.creator.locale}>
      <p>
        <a href={`/c/${props.creator.slug}`}>{t.backTo(props.creator.name)}</a>
      </p>
      <article>
        <h1>{props.title}</h1>
        {props.body !== null ? (
          <Markdown text={props.body} />
        ) : (
          <>
            <Markdown text={props.excerpt} />
            {props.decision.allowed ? null : (
              <Refusal
                decision={props.decision}
                offers={props.offers}
                locale={props.creator.locale}
                timeZone={props.creator.timeZone}
                next={props.path}
              />
            )}
          </>
        )}
      </article>
    </Layout>
  )
}

export function CoursePage(props: {
  course: { id: string; title: string; description: string }
  creator: { slug: string; name: string; locale: Locale; timeZone: string }
  lessons: OutlineLesson[]
  decision: Decision
  offers: readonly CatalogOffer[]
}) {
  const t = messagesFor(props.creator.locale)
  const done = props.lessons.filter((lesson) => lesson.completed).length
  return (
    <Layout title={`${props.course.title} · ${props.creator.name}`} lang={props.creator.locale}>
      <p>
        <a href={`/c/${props.creator.slug}`}>{t.backTo(props.creator.name)}</a>
      </p>
      <h1>{props.course.title}</h1>
      <Markdown text={props.course.description} />
      {props.decision.allowed ? null : (
        <Refusal
          decision={props.decision}
          offers={props.offers}
          locale={props.creator.locale}
          timeZone={props.creator.timeZone}
          next={`/learn/${props.course.id}`}
        />
      )}
      <h2>
        {t.gate.lessons}{' '}
        <span class="muted">
          ({done}/{props.lessons.length})
        </span>
      </h2>
      <ol class="lessons">
        {props.lessons.map((lesson) => (
          <li data-lesson={lesson.id}>
            {lesson.open ? (
              <a href={`/learn/${props.course.id}/${lesson.id}`}>{lesson.title}</a>
            ) : (
              lesson.title
            )}
            {lesson.freePreview ? <span class="badge">{t.freePreview}</span> : null}
            {lesson.completed ? <span class="badge">{t.gate.completed}</span> : null}
            {!lesson.open ? (
              <span class="muted">
                {' '}
                {lesson.opensAt !== null
                  ? t.gate.drip(formatDate(lesson.opensAt, props.creator.locale, props.creator.timeZone))
                  : t.gate.locked}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
    </Layout>
  )
}

export function LessonPage(props: {
  course: { id: string; title: string }
  creator: { slug: string; name: string; locale: Locale; timeZone: string }
  lesson: { id: string; title: string; body: string }
  decision: Decision
  completed: boolean
  next: OutlineLesson | null
  offers: readonly CatalogOffer[]
  csrf: string | null
}) {
  const t = messagesFor(props.creator.locale)
  return (
    <Layout title={`${props.lesson.title} · ${props.course.title}`} lang={props.creator.locale}>
      <p>
        <a href={`/learn/${props.course.id}`}>{t.gate.backToCourse}</a>
      </p>
      <article>
        <h1>{props.lesson.title}</h1>
        {props.decision.allowed ? (
          <Markdown text={props.lesson.body} />
        ) : (
          <Refusal
            decision={props.decision}
            offers={props.offers}
            locale={props.creator.locale}
            timeZone={props.creator.timeZone}
            next={`/learn/${props.course.id}/${props.lesson.id}`}
          />
        )}
      </article>
      {props.decision.allowed && props.csrf ? (
        props.completed ? (
          <p>
            <span class="badge">{t.gate.completed}</span>
          </p>
        ) : (
          <form method="post" action={`/learn/${props.course.id}/${props.lesson.id}/complete`}>
            <input type="hidden" name="csrf" value={props.csrf} />
            <button type="submit" class="button secondary">
              {t.gate.markDone}
            </button>
          </form>
        )
      ) : null}
      {props.next?.open ? (
        <p>
          <a href={`/learn/${props.course.id}/${props.next.id}`}>{t.gate.nextLesson}</a>
        </p>
      ) : null}
    </Layout>
  )
}

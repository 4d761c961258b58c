/**
 * The buyer's group page: the invite when the access rules let them in, else why not and what to buy. In the
 * creator's language. Creator-written text is escaped by hono/jsx; instructions go through `Markdown`.
 */
import type { CatalogOffer } from '../access/access-query'
import { formatMoney } from '../lib/money'
import { messagesFor } from '../web/i18n'
import { Layout } from '../web/layout'
import { Markdown } from '../web/markdown'
import { groupRefusalReason } from './group-rules'
import type { GroupOffer, Invite, Refusal } from './reveal-group'

/**
 * Only http(s) URLs become links or images. The API validates them on the way in; this keeps a `javascript:`
 * URL written by any other path from ever becoming a clickable link on a buyer's page.
 */
function httpUrl(value: string | null): string | null {
  return value !== null && /^https?:\/\//i.test(value) ? value : null
}

function formatDate(ms: number, offer: GroupOffer): string {
  return new Intl.DateTimeFormat(offer.creator.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: offer.creator.timeZone,
  }).format(ms)
}

export function InvitePage({ offer, invite }: { offer: GroupOffer; invite: Invite }) {
  const m = messagesFor(offer.creator.locale)
  const platform = m.platforms[invite.platform]
  const inviteUrl = httpUrl(invite.invite_url)
  const qrImageUrl = httpUrl(invite.qr_image_url)
  return (
    <Layout title={`${offer.title} · ${offer.creator.name}`} lang={offer.creator.locale}>
      <p>
        <a href={`/c/${encodeURIComponent(offer.creator.slug)}`}>{m.backTo(offer.creator.name)}</a>
      </p>
      <article class="card" aria-labelledby="group-title">
        <p class="facts">
          <span class="kind">{platform}</span>
        </p>
        <h1 id="group-title">{offer.title}</h1>
        {inviteUrl ? (
          <p>
            <a class="button" href={inviteUrl} rel="noopener noreferrer">
              {m.groups.join(platform)}
            </a>
          </p>
        ) : null}
        {qrImageUrl ? (
          <figure>
            <figcaption class="muted">{m.groups.scanQr}</figcaption>
            <img
              src={qrImageUrl}
              alt={m.groups.qrAlt(platform, offer.title)}
              width="240"
              height="240"
              referrerpolicy="no-referrer"
            />
          </figure>
        ) : null}
        {invite.instructions.trim() ? (
          <section aria-labelledby="how-to-join">
            <h2 id="how-to-join">{m.groups.howToJoin}</h2>
            <Markdown text={invite.instructions} />
          </section>
        ) : null}
        {invite.rotated_at !== null ? (
          <p class="muted">
            <time datetime={new Date(invite.rotated_at).toISOString()}>
              {m.groups.rotatedAt(formatDate(invite.rotated_at, offer))}
            </time>
          </p>
        ) : null}
        <p class="muted">{m.groups.private}</p>
      </article>
    </Layout>
  )
}

/** A buy button's price hint: the first active price, as the storefront lists it. */
function priceHint(offer: CatalogOffer, locale: string): string | null {
  const price = offer.prices[0]
  return price ? formatMoney(price.amount, price.currency, locale) : null
}

export function RefusedPage(props: {
  offer: GroupOffer
  decision: Refusal
  email: string
  buyOffers: CatalogOffer[]
}) {
  const { offer, decision, buyOffers } = props
  const locale = offer.creator.locale
  const m = messagesFor(locale)
  const reason = groupRefusalReason(decision.reason)
  // Offer ids are `[\w-]` only (checked by the route), so the path needs no escaping in the query.
  const signInAgain = `/login?next=/me/groups/${offer.id}`
  return (
    <Layout title={`${offer.title} · ${offer.creator.name}`} lang={locale}>
      <p>
        <a href={`/c/${encodeURIComponent(offer.creator.slug)}`}>{m.backTo(offer.creator.name)}</a>
      </p>
      <article class="card" aria-labelledby="group-title">
        <p class="facts">
          <span class="kind">{m.platforms[offer.platform]}</span>
        </p>
        <h1 id="group-title">{offer.title}</h1>
        <h2>{m.groups.refusedTitle}</h2>
        <p data-reason={reason}>{m.groups.reasons[reason]}</p>
        {buyOffers.length ? (
          <section aria-labelledby="buy-title">
            <h2 id="buy-title">{m.groups.buyTitle}</h2>
            <ul class="prices">
              {buyOffers.map((candidate) => {
                const hint = priceHint(candidate, locale)
                return (
                  <li>
                    <span>
                      {candidate.title}
                      {hint ? <span class="amount"> {hint}</span> : null}
                    </span>
                    <span class="buy">
                      <a class="button" href={`/buy/${encodeURIComponent(candidate.id)}`}>
                        {m.groups.buy(candidate.title)}
                      </a>
                    </span>
                  </li>
                )
              })}
            </ul>
          </section>
        ) : null}
        <p class="muted">
          {m.auth.signedInAs(props.email)} {m.groups.otherAccount}{' '}
          <a href={signInAgain}>{m.groups.signInAgain}</a>
        </p>
      </article>
    </Layout>
  )
}

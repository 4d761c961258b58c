/**
 * The public storefront pages: a creator's live offers, and one offer. Everything a creator wrote is text, so
 * hono/jsx escapes it; descriptions go through `Markdown`, which never emits creator-written HTML.
 */
import { raw } from 'hono/html'
import { formatRange } from '../lib/dates'
import { formatMoney } from '../lib/money'
import { type Messages, messagesFor } from '../web/i18n'
import { Layout } from '../web/layout'
import { Markdown } from '../web/markdown'
import type { OfferPage } from './load-offer-page'
import type { Storefront } from './load-storefront'
import type { PublicCreator, Rail, StorefrontOffer, StorefrontPrice } from './storefront-view'

function offerPath(creator: PublicCreator, offer: StorefrontOffer): string {
  return `/c/${encodeURIComponent(creator.slug)}/${encodeURIComponent(offer.slug)}`
}

/** The checkout link (checkout comes later): the server reads the amount from the price row, never the URL. */
function buyPath(offer: StorefrontOffer, price: StorefrontPrice, rail: Rail): string {
  return `/buy/${encodeURIComponent(offer.id)}?price=${encodeURIComponent(price.id)}&rail=${rail}`
}

function priceLabel(price: StorefrontPrice, t: Messages): string {
  if (price.interval === 'month') return t.renewsMonthly
  if (price.interval === 'year') return t.renewsYearly
  return price.termDays ? t.pass(price.termDays) : t.oneTime
}

function railLabel(price: StorefrontPrice, rail: Rail, t: Messages): string {
  if (rail === 'wallet') return t.payByWallet
  return price.interval === 'once' ? t.payByCard : t.subscribe
}

function PriceList({ offer, creator, t }: { offer: StorefrontOffer; creator: PublicCreator; t: Messages }) {
  if (offer.prices.length === 0) return <p class="muted">{t.notForSale}</p>
  return (
    <ul class="prices">
      {offer.prices.map((price) => (
        <li>
          <span>
            <span class="amount">{formatMoney(price.amount, price.currency, creator.locale)}</span>{' '}
            <span class="muted">{priceLabel(price, t)}</span>
          </span>
          <span class="buy">
            {price.rails.map((rail, index) => (
              <a class={index === 0 ? 'button' : 'button secondary'} href={buyPath(offer, price, rail)}>
                {railLabel(price, rail, t)}
              </a>
            ))}
          </span>
        </li>
      ))}
    </ul>
  )
}

/** One line of kind-specific facts: a tier's level, a consultation's length and open slots, a group's size. */
function OfferFacts({ offer, t }: { offer: StorefrontOffer; t: Messages }) {
  const facts: string[] = []
  if (offer.kind === 'tier' && offer.rank !== null) facts.push(t.rank(offer.rank))
  if (offer.kind === 'consultation') {
    if (offer.durationMinutes !== null) facts.push(t.minutes(offer.durationMinutes))
    facts.push(t.freeSlots(offer.freeSlots))
  }
  if (offer.kind === 'group') {
    if (offer.platform) facts.push(t.platforms[offer.platform])
    if (offer.capacity !== null) facts.push(t.capacity(offer.capacity))
  }
  return (
    <p class="facts">
      <span class="kind">{t.kinds[offer.kind]}</span>
      {facts.length ? <span class="muted"> {facts.join(' · ')}</span> : null}
    </p>
  )
}

function Includes({ creator, offer, t }: { creator: PublicCreator; offer: StorefrontOffer; t: Messages }) {
  if (offer.includes.length === 0) return null
  return (
    <p class="includes">
      {t.includes}:{' '}
      {offer.includes.map((included, index) => (
        <>
          {index > 0 ? '、' : null}
          <a href={`/c/${encodeURIComponent(creator.slug)}/${encodeURIComponent(included.slug)}`}>
            {included.title}
          </a>
        </>
      ))}
    </p>
  )
}

export function StorefrontPage({ storefront }: { storefront: Storefront }) {
  const { creator, offers, posts } = storefront
  const t = messagesFor(creator.locale)
  const dateFormat = new Intl.DateTimeFormat(creator.locale, {
    dateStyle: 'medium',
    timeZone: creator.timeZone,
  })
  return (
    <Layout title={creator.name} lang={creator.locale} description={creator.bio.slice(0, 160)}>
      <header class="hero">
        <p class="muted">
          <a href="/me">{t.myLibrary}</a>
        </p>
        <h1>{creator.name}</h1>
        <Markdown text={creator.bio} />
      </header>
      {offers.length === 0 ? <p class="muted">{t.noOffers}</p> : null}
      <ul class="offers">
        {offers.map((offer) => (
          <li class="card">
            <OfferFacts offer={offer} t={t} />
            <h3>
              <a href={offerPath(creator, offer)}>{offer.title}</a>
            </h3>
            <Includes creator={creator} offer={offer} t={t} />
            <PriceList offer={offer} creator={creator} t={t} />
          </li>
        ))}
      </ul>
      {posts.length ? (
        <section aria-labelledby="posts-title">
          <h2 id="posts-title">{t.latestPosts}</h2>
          <ul class="posts">
            {posts.map((post) => (
              <li>
                <a href={`/c/${encodeURIComponent(creator.slug)}/posts/${encodeURIComponent(post.slug)}`}>
                  <strong>{post.title}</strong>
                </a>
                {post.publishedAt !== null ? (
                  <time class="muted" datetime={new Date(post.publishedAt).toISOString()}>
                    {' '}
                    {dateFormat.format(post.publishedAt)}
                  </time>
                ) : null}
                {post.excerpt ? <p class="muted">{post.excerpt}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  )
}

export function OfferPageView({ page }: { page: OfferPage }) {
  const { creator, offer, lessons } = page
  const t = messagesFor(creator.locale)
  return (
    <Layout
      title={`${offer.title} · ${creator.name}`}
      lang={creator.locale}
      description={offer.description.slice(0, 160)}
    >
      <p>
        <a href={`/c/${encodeURIComponent(creator.slug)}`}>{t.backTo(creator.name)}</a>
      </p>
      <article class="card">
        <OfferFacts offer={offer} t={t} />
        <h1>{offer.title}</h1>
        <Markdown text={offer.description} />
        <Includes creator={creator} offer={offer} t={t} />
        {lessons.length ? (
          <section aria-labelledby="lessons-title">
            <h2 id="lessons-title">{t.lessons}</h2>
            <ol class="lessons">
              {lessons.map((lesson) => (
                <li>
                  {lesson.title}
                  {lesson.freePreview ? <span class="badge">{t.freePreview}</span> : null}
                </li>
              ))}
            </ol>
          </section>
        ) : null}
        {offer.kind === 'consultation' ? (
          <SlotList offer={offer} creator={creator} slots={page.slots} t={t} />
        ) : (
          <PriceList offer={offer} creator={creator} t={t} />
        )}
      </article>
    </Layout>
  )
}

/**
 * A consultation sells one slot per checkout: each open slot, in the consultation's time zone, with its own
 * links (card; Alipay / WeChat Pay). The slot is held for the checkout's 30 minutes, then booked or freed.
 */
function SlotList(props: {
  offer: StorefrontOffer
  creator: PublicCreator
  slots: OfferPage['slots']
  t: Messages
}) {
  const { offer, creator, t } = props
  const price = offer.prices[0]
  if (!price || props.slots.length === 0) return <p class="muted">{t.notForSale}</p>
  return (
    <section aria-labelledby="slots-title">
      <h2 id="slots-title">
        {t.bookSlot} <span class="amount">{formatMoney(price.amount, price.currency, creator.locale)}</span>
      </h2>
      <ul class="prices">
        {props.slots.map((slot) => (
          <li data-slot={slot.id}>
            <span>
              {formatRange(slot.startsAt, slot.endsAt, creator.locale, slot.timeZone)}{' '}
              <span class="muted">({slot.timeZone})</span>
              <span
                class="local-time muted"
                data-start={new Date(slot.startsAt).toISOString()}
                data-end={new Date(slot.endsAt).toISOString()}
                data-zone={slot.timeZone}
              />
            </span>
            <span class="buy">
              {price.rails.map((rail, index) => (
                <a
                  class={index === 0 ? 'button' : 'button secondary'}
                  href={`${buyPath(offer, price, rail)}&slot=${encodeURIComponent(slot.id)}`}
                >
                  {railLabel(price, rail, t)}
                </a>
              ))}
            </span>
          </li>
        ))}
      </ul>
      {raw(localTimeScript(creator.locale))}
    </section>
  )
}

/**
 * Progressive enhancement: where the buyer's own time zone differs from the consultation's, each slot also shows
 * the time in theirs ("your time"). Without JavaScript the consultation's time and zone name are still there.
 */
function localTimeScript(locale: string): string {
  const label = locale === 'en' ? 'your time' : '你的时间'
  return `<script>(()=>{const z=Intl.DateTimeFormat().resolvedOptions().timeZone;const f=new Intl.DateTimeFormat(${JSON.stringify(locale)},{month:'short',day:'numeric',weekday:'short',hour:'2-digit',minute:'2-digit',hourCycle:'h23'});const t=new Intl.DateTimeFormat(${JSON.stringify(locale)},{hour:'2-digit',minute:'2-digit',hourCycle:'h23'});for(const e of document.querySelectorAll('.local-time')){if(e.dataset.zone===z)continue;e.textContent=' · '+f.format(new Date(e.dataset.start))+'–'+t.format(new Date(e.dataset.end))+' (${label})'}})()</script>`
}

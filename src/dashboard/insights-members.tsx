/**
 * The creator's member pages under /dashboard/members, server-rendered and usable without JavaScript: the member
 * list with filters, one member's entitlements with the access explainer, grant / revoke / refund forms, and the
 * groups' "to remove" lists. Every read and write goes through the verbs the JSON API calls (members/,
 * access/explain-access.ts, groups/group-members.ts), so a page can never disagree with the API.
 */
import { Hono } from 'hono'
import type { AccessExplanationJson, HistoryJson, OfferAccessJson } from '../access/access-schemas'
import { explainAccessRead } from '../access/explain-access'
import type { AppEnv } from '../app-env'
import type { OfferJson } from '../catalog/offer-schemas'
import { offersPageRead } from '../catalog/offers'
import { entitlementStates, type Locale } from '../db/schema'
import type { Deps } from '../deps'
import { listEveryGroupMembers, markGroupMemberRemoved } from '../groups/group-members'
import type { GroupMemberListJson } from '../groups/group-schemas'
import type { Actor } from '../lib/audit'
import { formatDate } from '../lib/dates'
import { validationProblem } from '../lib/openapi'
import type { Page } from '../lib/pagination'
import { grantEntitlement } from '../members/grant-entitlement'
import { type ListMembersQuery, listMembersQuery, type MemberJson } from '../members/member-schemas'
import { memberOr404, memberQueries, membersPageRead } from '../members/members'
import { refundMemberOrder } from '../members/refund-order'
import { revokeEntitlement } from '../members/revoke-entitlement'
import { dayStart } from './calendar-months'
import { creatorFormPost, field, formatIso, Notice, outcomeOf, withNotice } from './insights-common'
import { type InsightMessages, insightMessagesFor } from './insights-messages'
import { type CreatorPage, creatorPage, DashboardShell, signInPath } from './shell'

const actorOf = (page: CreatorPage): Actor => ({ type: 'creator', id: page.creator.id })
const scopeOf = (page: CreatorPage) => ({ creatorId: page.creator.id })
const memberPath = (id: string) => `/dashboard/members/${encodeURIComponent(id)}`

/**
 * A page of the creator's members (`listMembers`) and the creator's offers for selects and titles (the first 100,
 * newest first: a page of the offers API), in one round trip.
 */
async function readMembersPage(
  { db }: Pick<Deps, 'db'>,
  page: CreatorPage,
  query: ListMembersQuery,
): Promise<{ members: Page<MemberJson>; offers: OfferJson[] }> {
  const members = membersPageRead(db, scopeOf(page), query)
  const offers = offersPageRead(db, scopeOf(page), { limit: 100 })
  const [rows, held, offerRows] = await db.batch([...members.queries, offers.query])
  return { members: members.answer(rows, held), offers: offers.answer(offerRows).data }
}

/** The list's filters from the GET form; an empty select or field means "any". Invalid values are a 422. */
export function membersQueryFrom(params: Record<string, string>): ListMembersQuery {
  const present = Object.fromEntries(Object.entries(params).filter(([, value]) => value.trim() !== ''))
  const parsed = listMembersQuery.safeParse(present)
  if (!parsed.success) throw validationProblem(parsed.error)
  return parsed.data
}

/**
 * The last day of a grant (`YYYY-MM-DD`, included) as the ISO instant access ends: midnight after that day in
 * the creator's time zone. Empty means for good; null means not a date.
 */
export function grantEndsAt(lastDay: string, timeZone: string): string | undefined | null {
  if (lastDay === '') return undefined
  const start = dayStart(lastDay, timeZone)
  if (start === null) return null
  const next = new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
  const end = dayStart(next, timeZone)
  return end === null ? null : new Date(end).toISOString()
}

// Pages

function MembersPage(props: {
  page: CreatorPage
  query: ListMembersQuery
  members: MemberJson[]
  nextCursor: string | null
  offers: OfferJson[]
}) {
  const { creator } = props.page
  const t = insightMessagesFor(creator.locale)
  const m = t.members
  const titles = new Map(props.offers.map((offer) => [offer.id, offer.title]))
  const next = new URLSearchParams()
  if (props.query.offer_id) next.set('offer_id', props.query.offer_id)
  if (props.query.state) next.set('state', props.query.state)
  if (props.query.email) next.set('email', props.query.email)
  if (props.nextCursor) next.set('cursor', props.nextCursor)
  return (
    <DashboardShell page={props.page} section="members" title={m.title}>
      <p>
        <a href="/dashboard/members/groups">{m.groupsLink}</a> ·{' '}
        <a href="/dashboard/bookings">{m.bookingsLink}</a>
      </p>
      <form method="get" action="/dashboard/members" class="filters" aria-label={m.filters}>
        <label>
          {m.offer}
          <select name="offer_id">
            <option value="">{m.any}</option>
            {props.offers.map((offer) => (
              <option value={offer.id} selected={offer.id === props.query.offer_id}>
                {offer.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {m.state}
          <select name="state">
            <option value="">{m.any}</option>
            {entitlementStates.map((state) => (
              <option value={state} selected={state === props.query.state}>
                {m.states[state]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {m.email}
          <input type="email" name="email" value={props.query.email ?? ''} />
        </label>
        <p>
          <button type="submit" class="button">
            {m.apply}
          </button>{' '}
          <a href="/dashboard/members">{m.reset}</a>
        </p>
      </form>
      {props.members.length === 0 ? (
        <p class="muted">{m.none}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{m.member}</th>
                <th scope="col">{m.name}</th>
                <th scope="col">{m.access}</th>
              </tr>
            </thead>
            <tbody>
              {props.members.map((member) => (
                <tr data-member={member.id}>
                  <td>
                    <a href={memberPath(member.id)}>{member.email}</a>
                  </td>
                  <td>{member.name}</td>
                  <td>
                    {member.entitlements.map((entitlement) => (
                      <span class="kind">
                        {titles.get(entitlement.offer_id) ?? entitlement.offer_id} ·{' '}
                        {m.states[entitlement.state]}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.nextCursor ? (
        <p>
          <a rel="next" href={`/dashboard/members?${next.toString()}`}>
            {m.next}
          </a>
        </p>
      ) : null}
    </DashboardShell>
  )
}

function Cause(props: { entry: HistoryJson; t: InsightMessages }) {
  const { cause } = props.entry
  const m = props.t.member
  if (cause.type === 'stripe_event' && 'event_type' in cause)
    return (
      <span>
        {m.stripeEvent} <code>{cause.event_type ?? cause.id}</code>
      </span>
    )
  if (cause.type === 'admin' && 'action' in cause)
    return <span>{m.adminAction(cause.action ?? cause.id, cause.actor_type ?? '—')}</span>
  return <span>{m.otherCause(cause.type)}</span>
}

function Timeline(props: { history: HistoryJson[]; t: InsightMessages; locale: Locale; timeZone: string }) {
  const m = props.t.member
  if (props.history.length === 0) return <p class="muted">{m.noHistory}</p>
  return (
    <ol class="timeline">
      {props.history.map((entry) => {
        const until = formatIso(entry.ends_at_after, props.locale, props.timeZone)
        return (
          <li data-change={entry.change}>
            <time datetime={entry.at}>{formatIso(entry.at, props.locale, props.timeZone)}</time>{' '}
            <strong>{m.changes[entry.change]}</strong> — <Cause entry={entry} t={props.t} /> ·{' '}
            {m.stateAfter(props.t.members.states[entry.state_after])}
            {until ? ` · ${m.untilAfter(until)}` : ''}
          </li>
        )
      })}
    </ol>
  )
}

function OfferExplained(props: {
  offer: OfferAccessJson
  t: InsightMessages
  locale: Locale
  timeZone: string
}) {
  const { offer, t, locale, timeZone } = props
  const m = t.member
  return (
    <li class="card" data-offer={offer.offer_id} data-access={offer.access ? 'yes' : 'no'}>
      <h3>
        {offer.title} <span class="kind">{m.kinds[offer.kind]}</span>
      </h3>
      <p>
        <strong class={offer.access ? 'yes' : 'error'}>{offer.access ? m.yes : m.no}</strong> —{' '}
        {m.reasons[offer.reason]}
      </p>
      {offer.group ? <p class="muted">{m.seats(offer.group.member_count, offer.group.capacity)}</p> : null}
      {offer.entitlements.map((entitlement) => {
        const until = formatIso(entitlement.ends_at, locale, timeZone)
        return (
          <section class="entitlement">
            <p>
              {m.sources[entitlement.source]} · {t.members.states[entitlement.state]} ·{' '}
              {m.from(formatIso(entitlement.starts_at, locale, timeZone) ?? '')} ·{' '}
              {until ? m.until(until) : m.forGood}
            </p>
            <h4>{m.history}</h4>
            <Timeline history={entitlement.history} t={t} locale={locale} timeZone={timeZone} />
          </section>
        )
      })}
      {offer.lessons?.length ? (
        <>
          <h4>{m.lessons}</h4>
          <ol class="lessons">
            {offer.lessons.map((lesson) => {
              const opens = lesson.opens_at ? formatDate(Date.parse(lesson.opens_at), locale, timeZone) : null
              return (
                <li data-lesson={lesson.id} data-open={lesson.open ? 'yes' : 'no'}>
                  {lesson.title}
                  {lesson.free_preview ? ` (${m.freePreview})` : ''} —{' '}
                  {lesson.open
                    ? m.lessonOpen
                    : lesson.reason === 'drip' && opens
                      ? m.lessonOpensOn(opens)
                      : m.lessonShut(m.reasons[lesson.reason ?? 'no_entitlement'])}
                </li>
              )
            })}
          </ol>
        </>
      ) : null}
    </li>
  )
}

function MemberPage(props: {
  page: CreatorPage
  member: MemberJson
  explanation: AccessExplanationJson
  notice: string | undefined
}) {
  const { creator, csrf } = props.page
  const { member, explanation } = props
  const locale = creator.locale
  const timeZone = creator.timeZone
  const t = insightMessagesFor(locale)
  const m = t.member
  const titles = new Map(explanation.offers.map((offer) => [offer.offer_id, offer.title]))
  const grantable = explanation.offers.filter((offer) => offer.status === 'live')
  const base = memberPath(member.id)
  return (
    <DashboardShell page={props.page} section="members" title={member.email}>
      <p>
        <a href="/dashboard/members">{m.back}</a>
      </p>
      <Notice value={props.notice} t={t} />
      {member.name ? <p>{member.name}</p> : null}
      <h2>{m.entitlements}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t.members.offer}</th>
              <th scope="col">{t.members.state}</th>
              <th scope="col">{m.period}</th>
              <th scope="col">{m.actions}</th>
            </tr>
          </thead>
          <tbody>
            {member.entitlements.map((entitlement) => {
              const until = formatIso(entitlement.ends_at, locale, timeZone)
              return (
                <tr data-entitlement={entitlement.id} data-state={entitlement.state}>
                  <td>{titles.get(entitlement.offer_id) ?? entitlement.offer_id}</td>
                  <td>
                    {t.members.states[entitlement.state]} · {m.sources[entitlement.source]}
                  </td>
                  <td>
                    {formatIso(entitlement.starts_at, locale, timeZone)} – {until ?? m.forGood}
                  </td>
                  <td>
                    {entitlement.state === 'revoked' ? null : (
                      <form
                        method="post"
                        action={`${base}/entitlements/${encodeURIComponent(entitlement.id)}/revoke`}
                        class="inline"
                      >
                        <input type="hidden" name="csrf" value={csrf} />
                        <button type="submit" class="button secondary">
                          {m.revoke}
                        </button>
                      </form>
                    )}{' '}
                    {entitlement.source === 'order' && entitlement.state !== 'revoked' ? (
                      <form
                        method="post"
                        action={`${base}/orders/${encodeURIComponent(entitlement.source_id)}/refund`}
                        class="inline"
                      >
                        <input type="hidden" name="csrf" value={csrf} />
                        <button type="submit" class="button secondary">
                          {m.refund(entitlement.source_id)}
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <h2>{m.grantTitle}</h2>
      <form method="post" action={`${base}/grant`} class="stack">
        <input type="hidden" name="csrf" value={csrf} />
        <label for="grant-offer">{m.grantOffer}</label>
        <select id="grant-offer" name="offer_id" required>
          {grantable.map((offer) => (
            <option value={offer.offer_id}>{offer.title}</option>
          ))}
        </select>
        <label for="grant-ends">{m.grantEndsOn}</label>
        <input id="grant-ends" type="date" name="last_day" aria-describedby="grant-ends-hint" />
        <p id="grant-ends-hint" class="muted">
          {m.grantEndsHint}
        </p>
        <label for="grant-note">{m.grantNote}</label>
        <input id="grant-note" type="text" name="note" maxlength={1000} />
        <p>
          <button type="submit" class="button">
            {m.grant}
          </button>
        </p>
      </form>
      <h2>{m.explainer}</h2>
      <p class="muted">{m.explainerIntro(formatIso(explanation.now, locale, timeZone) ?? '')}</p>
      <ul class="offers explainer">
        {explanation.offers.map((offer) => (
          <OfferExplained offer={offer} t={t} locale={locale} timeZone={timeZone} />
        ))}
      </ul>
    </DashboardShell>
  )
}

function GroupsPage(props: {
  page: CreatorPage
  groups: { offer: OfferJson; list: GroupMemberListJson }[]
  notice: string | undefined
}) {
  const { creator, csrf } = props.page
  const t = insightMessagesFor(creator.locale)
  const g = t.groups
  return (
    <DashboardShell page={props.page} section="members" title={g.title}>
      <p>
        <a href="/dashboard/members">{t.member.back}</a>
      </p>
      <Notice value={props.notice} t={t} />
      <p class="muted">{g.intro}</p>
      {props.groups.length === 0 ? <p class="muted">{g.noGroups}</p> : null}
      {props.groups.map(({ offer, list }) => (
        <section data-group={offer.id}>
          <h2>{offer.title}</h2>
          {list.data.length === 0 ? (
            <p class="muted">{g.empty}</p>
          ) : (
            <ul class="posts">
              {list.data.map((member) => (
                <li data-buyer={member.buyer_id}>
                  <a href={memberPath(member.buyer_id)}>{member.email}</a>{' '}
                  <span class="muted">
                    {g.joined(formatIso(member.first_revealed_at, creator.locale, creator.timeZone) ?? '')} ·{' '}
                    {g.lostBecause(t.member.reasons[member.access_reason ?? 'no_entitlement'])}
                  </span>{' '}
                  <form
                    method="post"
                    action={`/dashboard/members/groups/${encodeURIComponent(offer.id)}/${encodeURIComponent(member.buyer_id)}/removed`}
                    class="inline"
                  >
                    <input type="hidden" name="csrf" value={csrf} />
                    <button type="submit" class="button secondary">
                      {g.removed}
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </DashboardShell>
  )
}

// Routes

export function memberInsightPages(deps: Deps) {
  return (
    new Hono<AppEnv>()
      .get('/dashboard/members', async (c) => {
        const page = await creatorPage(deps, c)
        if (!page) return c.redirect(signInPath(c.req.path), 303)
        const query = membersQueryFrom(c.req.query())
        // The members and the offers: one batch after the session.
        const { members, offers } = await readMembersPage(deps, page, query)
        c.header('Cache-Control', 'private, no-store')
        return c.html(
          <MembersPage
            page={page}
            query={query}
            members={members.data}
            nextCursor={members.next_cursor}
            offers={offers}
          />,
        )
      })
      // Before `/:id`, which would otherwise read "groups" as a member id.
      .get('/dashboard/members/groups', async (c) => {
        const page = await creatorPage(deps, c)
        if (!page) return c.redirect(signInPath(c.req.path), 303)
        // The group offers and every group's list (the groups API's own reads): one batch after the session.
        const groups = await listEveryGroupMembers(deps, scopeOf(page), { status: 'to_remove' })
        c.header('Cache-Control', 'private, no-store')
        return c.html(<GroupsPage page={page} groups={groups} notice={c.req.query('notice')} />)
      })
      .post('/dashboard/members/groups/:offerId/:buyerId/removed', async (c) => {
        const gate = await creatorFormPost(deps, c)
        if ('redirect' in gate) return c.redirect(gate.redirect, 303)
        const { offerId, buyerId } = c.req.param()
        const notice = await outcomeOf(
          () => markGroupMemberRemoved(deps, scopeOf(gate.page), { offerId, buyerId }, actorOf(gate.page)),
          'removed',
          { 409: 'stillHasAccess' },
        )
        return c.redirect(withNotice('/dashboard/members/groups', notice), 303)
      })
      .get('/dashboard/members/:id', async (c) => {
        const page = await creatorPage(deps, c)
        if (!page) return c.redirect(signInPath(c.req.path), 303)
        const id = c.req.param('id')
        // The member and the explainer's reads: one batch after the session. Both 404 for a buyer who is not
        // this creator's member.
        const { db } = deps
        const explained = explainAccessRead(deps, scopeOf(page), id)
        const [rows, held, ...explainRows] = await db.batch([
          ...memberQueries(db, scopeOf(page), id),
          ...explained.queries,
        ])
        const member = memberOr404(rows, held, id)
        const explanation = explained.answer(...explainRows)
        c.header('Cache-Control', 'private, no-store')
        return c.html(
          <MemberPage page={page} member={member} explanation={explanation} notice={c.req.query('notice')} />,
        )
      })
      .post('/dashboard/members/:id/grant', async (c) => {
        const gate = await creatorFormPost(deps, c)
        if ('redirect' in gate) return c.redirect(gate.redirect, 303)
        const id = c.req.param('id')
        const endsAt = grantEndsAt(field(gate.form, 'last_day'), gate.page.creator.timeZone)
        const note = field(gate.form, 'note')
        const notice =
          endsAt === null
            ? 'invalidGrant'
            : await outcomeOf(
                () =>
                  grantEntitlement(
                    deps,
                    scopeOf(gate.page),
                    id,
                    {
                      offer_id: field(gate.form, 'offer_id'),
                      ...(endsAt !== undefined && { ends_at: endsAt }),
                      ...(note && { note: note.slice(0, 1000) }),
                    },
                    actorOf(gate.page),
                  ),
                'granted',
                { 422: 'invalidGrant' },
              )
        return c.redirect(withNotice(memberPath(id), notice), 303)
      })
      .post('/dashboard/members/:id/entitlements/:entitlementId/revoke', async (c) => {
        const gate = await creatorFormPost(deps, c)
        if ('redirect' in gate) return c.redirect(gate.redirect, 303)
        const { id, entitlementId } = c.req.param()
        await revokeEntitlement(deps, scopeOf(gate.page), id, entitlementId, actorOf(gate.page))
        return c.redirect(withNotice(memberPath(id), 'revoked'), 303)
      })
      .post('/dashboard/members/:id/orders/:orderId/refund', async (c) => {
        const gate = await creatorFormPost(deps, c)
        if ('redirect' in gate) return c.redirect(gate.redirect, 303)
        const { id, orderId } = c.req.param()
        // Only an order behind one of this member's entitlements (the verb checks): the page never offers
        // another, and a hand-made form cannot refund someone else's order through this member's page. Its 404s
        // are no notice: they are rethrown and shown as the error page they are.
        const notice = await outcomeOf(
          () => refundMemberOrder(deps, scopeOf(gate.page), id, orderId, {}, actorOf(gate.page)),
          'refundRequested',
          { 409: 'notRefundable', 502: 'refundFailed', 503: 'refundFailed' },
        )
        return c.redirect(withNotice(memberPath(id), notice), 303)
      })
  )
}

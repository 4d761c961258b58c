/**
 * The offer editor under /dashboard/offers: the list, a form per kind (create and edit), publish, unpublish and
 * archive, and on a course's or consultation's page its lessons or slots (lessons-pages.tsx, slots-pages.tsx).
 * Thin handlers over the same verbs and schemas as /api/v1/offers; every write is recorded as the creator's.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { listLessons, readOfferLessons } from '../catalog/lessons'
import type { LessonJson, OfferJson, SlotJson } from '../catalog/offer-schemas'
import {
  archiveOffer,
  createOffer,
  findOwnOffer,
  listOffers,
  offerJson,
  updateOffer,
} from '../catalog/offers'
import { listSlots } from '../catalog/slots'
import { groupPlatforms, type OfferKind, offerKinds } from '../db/schema'
import type { Deps } from '../deps'
import { formatRange } from '../lib/dates'
import { currencies, formatMoney } from '../lib/money'
import { notFound } from '../lib/problem'
import { type Messages, messagesFor } from '../web/i18n'
import {
  ActionButton,
  CheckboxGroup,
  Csrf,
  creatorActor,
  ErrorSummary,
  editorForm,
  editorPage,
  Field,
  type FormState,
  formState,
  Saved,
  SelectField,
  TextAreaField,
  toSignIn,
  verbErrors,
} from './editor-forms'
import { type EditorMessages, editorMessagesFor } from './editor-messages'
import { offerFieldOf, offerFormValues, parseCreateOffer, parseUpdateOffer, sentPrices } from './offer-form'
import { type CreatorPage, DashboardShell } from './shell'

const listPath = '/dashboard/offers'
export const offerPath = (offerId: string) => `${listPath}/${encodeURIComponent(offerId)}`

const isKind = (value: string | undefined): value is OfferKind => offerKinds.some((kind) => kind === value)

function StatusBadge(props: { status: OfferJson['status']; m: EditorMessages }) {
  return <span class={`badge status-${props.status}`}>{props.m.statuses[props.status]}</span>
}

function priceSummary(offer: OfferJson, t: Messages, locale: string): string {
  return offer.prices
    .map((price) => {
      const amount = formatMoney(price.amount, price.currency, locale)
      if (price.interval === 'month') return `${amount} · ${t.renewsMonthly}`
      if (price.interval === 'year') return `${amount} · ${t.renewsYearly}`
      return price.term_days ? `${amount} · ${price.term_days}d` : amount
    })
    .join(' / ')
}

function OffersList(props: { page: CreatorPage; offers: OfferJson[]; next: string | null }) {
  const { creator } = props.page
  const m = editorMessagesFor(creator.locale)
  const t = messagesFor(creator.locale)
  return (
    <DashboardShell page={props.page} section="offers" title={m.offers.title}>
      <div class="actions">
        {offerKinds.map((kind) => (
          <a class="button secondary" href={`${listPath}/new?kind=${kind}`}>
            {m.offers.newKind[kind]}
          </a>
        ))}
      </div>
      {props.offers.length ? (
        <ul class="offers">
          {props.offers.map((offer) => (
            <li class="card" data-offer={offer.id}>
              <span class="kind">{t.kinds[offer.kind]}</span>
              <StatusBadge status={offer.status} m={m} />
              <h3>
                <a href={offerPath(offer.id)}>{offer.title}</a>
              </h3>
              <p class="muted">{priceSummary(offer, t, creator.locale)}</p>
              {offer.status === 'live' ? (
                <p>
                  <a href={`/c/${encodeURIComponent(creator.slug)}/${encodeURIComponent(offer.slug)}`}>
                    {m.offers.view}
                  </a>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{m.offers.empty}</p>
      )}
      {props.next ? (
        <p>
          <a href={`${listPath}?cursor=${encodeURIComponent(props.next)}`}>{m.more} →</a>
        </p>
      ) : null}
    </DashboardShell>
  )
}

function fieldLabels(m: EditorMessages): Record<string, string> {
  const f = m.offers.fields
  return {
    slug: f.slug,
    title: f.title,
    description: f.description,
    currency: f.currency,
    price: f.price,
    term_days: f.termDays,
    price_month: f.priceMonth,
    price_year: f.priceYear,
    price_pass: f.pricePass,
    pass_days: f.passDays,
    rank: f.rank,
    trial_days: f.trialDays,
    included_offer_ids: f.included,
    duration_minutes: f.duration,
    time_zone: f.timeZone,
    platform: f.platform,
    invite_url: f.inviteUrl,
    qr_image_url: f.qrImageUrl,
    instructions: f.instructions,
    capacity: f.capacity,
  }
}

/** The fields of one kind's form; the same for creating and editing. */
function OfferFields(props: {
  kind: OfferKind
  state: FormState
  m: EditorMessages
  t: Messages
  includable: { value: string; label: string }[]
}) {
  const { kind, state, m, t } = props
  const f = m.offers.fields
  const amount = { type: 'text' as const, inputmode: 'decimal' as const, hint: f.amountHint }
  const whole = { type: 'number' as const, inputmode: 'numeric' as const }
  return (
    <>
      <Field state={state} name="title" label={f.title} required />
      <Field state={state} name="slug" label={f.slug} hint={f.slugHint} required />
      <TextAreaField state={state} name="description" label={f.description} />
      <SelectField
        state={state}
        name="currency"
        label={f.currency}
        options={currencies.map((code) => ({ value: code, label: code }))}
      />
      {kind === 'tier' ? (
        <>
          <Field state={state} name="rank" label={f.rank} hint={f.rankHint} required {...whole} />
          <Field state={state} name="price_month" label={f.priceMonth} {...amount} />
          <Field state={state} name="price_year" label={f.priceYear} {...amount} />
          <Field state={state} name="price_pass" label={f.pricePass} {...amount} />
          <Field state={state} name="pass_days" label={f.passDays} {...whole} />
          <Field state={state} name="trial_days" label={f.trialDays} {...whole} />
          <CheckboxGroup
            state={state}
            name="included_offer_ids"
            label={f.included}
            options={props.includable}
            empty={f.noIncludable}
          />
        </>
      ) : (
        <Field state={state} name="price" label={f.price} required {...amount} hint={undefined} />
      )}
      {kind === 'course' || kind === 'group' ? (
        <Field state={state} name="term_days" label={f.termDays} hint={f.termDaysHint} {...whole} />
      ) : null}
      {kind === 'consultation' ? (
        <>
          <Field state={state} name="duration_minutes" label={f.duration} required {...whole} />
          <Field state={state} name="time_zone" label={f.timeZone} hint="Asia/Shanghai" />
        </>
      ) : null}
      {kind === 'group' ? (
        <>
          <SelectField
            state={state}
            name="platform"
            label={f.platform}
            options={groupPlatforms.map((platform) => ({ value: platform, label: t.platforms[platform] }))}
          />
          <Field state={state} name="invite_url" label={f.inviteUrl} type="url" />
          <Field state={state} name="qr_image_url" label={f.qrImageUrl} type="url" />
          <TextAreaField state={state} name="instructions" label={f.instructions} rows={3} />
          <Field state={state} name="capacity" label={f.capacity} {...whole} />
        </>
      ) : null}
    </>
  )
}

function NewOfferPage(props: {
  page: CreatorPage
  kind: OfferKind
  state: FormState
  includable: { value: string; label: string }[]
}) {
  const { creator } = props.page
  const m = editorMessagesFor(creator.locale)
  const t = messagesFor(creator.locale)
  return (
    <DashboardShell page={props.page} section="offers" title={m.offers.newKind[props.kind]}>
      <ErrorSummary state={props.state} labels={fieldLabels(m)} m={m} />
      <form method="post" action={listPath} class="stack" novalidate>
        <Csrf page={props.page} />
        <input type="hidden" name="kind" value={props.kind} />
        <OfferFields kind={props.kind} state={props.state} m={m} t={t} includable={props.includable} />
        <div class="actions">
          <button type="submit" class="button">
            {m.offers.create}
          </button>
          <a href={listPath}>{m.cancel}</a>
        </div>
      </form>
    </DashboardShell>
  )
}

interface OfferExtras {
  lessons: LessonJson[]
  slots: SlotJson[]
  includable: { value: string; label: string }[]
}

function EditOfferPage(props: {
  page: CreatorPage
  offer: OfferJson
  state: FormState
  extras: OfferExtras
  saved: boolean
}) {
  const { page, offer } = props
  const { creator } = page
  const m = editorMessagesFor(creator.locale)
  const t = messagesFor(creator.locale)
  const path = offerPath(offer.id)
  return (
    <DashboardShell page={page} section="offers" title={offer.title}>
      <p>
        <a href={listPath}>← {m.offers.title}</a> <span class="kind">{t.kinds[offer.kind]}</span>
        <StatusBadge status={offer.status} m={m} />
      </p>
      <Saved show={props.saved} m={m} />
      <div class="actions">
        {offer.status === 'live' ? (
          <>
            <a
              class="button secondary"
              href={`/c/${encodeURIComponent(creator.slug)}/${encodeURIComponent(offer.slug)}`}
            >
              {m.offers.view}
            </a>
            <ActionButton
              page={page}
              action={`${path}/status`}
              fields={{ status: 'draft' }}
              label={m.unpublish}
              secondary
            />
          </>
        ) : (
          <ActionButton page={page} action={`${path}/status`} fields={{ status: 'live' }} label={m.publish} />
        )}
        {offer.status !== 'archived' ? (
          <ActionButton page={page} action={`${path}/archive`} label={m.archive} secondary />
        ) : null}
      </div>
      <ErrorSummary state={props.state} labels={fieldLabels(m)} m={m} />
      <form method="post" action={path} class="stack" novalidate>
        <Csrf page={page} />
        <OfferFields kind={offer.kind} state={props.state} m={m} t={t} includable={props.extras.includable} />
        <p>
          <button type="submit" class="button">
            {m.save}
          </button>
        </p>
      </form>
      {offer.kind === 'course' ? (
        <LessonsSection page={page} offer={offer} lessons={props.extras.lessons} m={m} />
      ) : null}
      {offer.kind === 'consultation' ? (
        <SlotsSection page={page} offer={offer} slots={props.extras.slots} m={m} />
      ) : null}
    </DashboardShell>
  )
}

function LessonsSection(props: {
  page: CreatorPage
  offer: OfferJson
  lessons: LessonJson[]
  m: EditorMessages
}) {
  const { page, lessons, m } = props
  return (
    <section id="lessons" aria-labelledby="lessons-title">
      <h2 id="lessons-title">{m.lessons.title}</h2>
      {lessons.length ? (
        <ol class="lessons editable">
          {lessons.map((lesson, index) => (
            <li data-lesson={lesson.id}>
              <a href={`/dashboard/lessons/${encodeURIComponent(lesson.id)}`}>{lesson.title}</a>
              {lesson.free_preview ? <span class="badge">{m.lessons.freePreview}</span> : null}
              <div class="actions">
                {index > 0 ? (
                  <ActionButton
                    page={page}
                    action={`/dashboard/lessons/${encodeURIComponent(lesson.id)}/move`}
                    fields={{ direction: 'up' }}
                    label={`↑ ${m.lessons.moveUp}`}
                    secondary
                  />
                ) : null}
                {index < lessons.length - 1 ? (
                  <ActionButton
                    page={page}
                    action={`/dashboard/lessons/${encodeURIComponent(lesson.id)}/move`}
                    fields={{ direction: 'down' }}
                    label={`↓ ${m.lessons.moveDown}`}
                    secondary
                  />
                ) : null}
                <ActionButton
                  page={page}
                  action={`/dashboard/lessons/${encodeURIComponent(lesson.id)}/delete`}
                  label={m.remove}
                  secondary
                />
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">{m.lessons.empty}</p>
      )}
      <p>
        <a class="button secondary" href={`${offerPath(props.offer.id)}/lessons/new`}>
          {m.lessons.add}
        </a>
      </p>
    </section>
  )
}

/** The offer's time zone, or the creator's when the consultation names none: slots are shown and entered in it. */
export const slotTimeZone = (offer: Pick<OfferJson, 'time_zone'>, page: CreatorPage) =>
  offer.time_zone ?? page.creator.timeZone

function SlotsSection(props: { page: CreatorPage; offer: OfferJson; slots: SlotJson[]; m: EditorMessages }) {
  const { page, m } = props
  const { creator } = page
  const timeZone = slotTimeZone(props.offer, page)
  const slots = props.slots.filter((slot) => slot.status !== 'cancelled')
  return (
    <section id="slots" aria-labelledby="slots-title">
      <h2 id="slots-title">
        {m.slots.title} <span class="muted">({timeZone})</span>
      </h2>
      {slots.length ? (
        <ul class="lessons">
          {slots.map((slot) => (
            <li data-slot={slot.id}>
              <time datetime={slot.starts_at}>
                {formatRange(Date.parse(slot.starts_at), Date.parse(slot.ends_at), creator.locale, timeZone)}
              </time>{' '}
              <span class="badge">{m.slots.statuses[slot.status]}</span>{' '}
              {slot.status === 'free' ? (
                <ActionButton
                  page={page}
                  action={`/dashboard/slots/${encodeURIComponent(slot.id)}/delete`}
                  label={m.remove}
                  secondary
                />
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{m.slots.empty}</p>
      )}
      <p>
        <a class="button secondary" href={`${offerPath(props.offer.id)}/slots/new`}>
          {m.slots.add}
        </a>
      </p>
    </section>
  )
}

/** Courses and groups a tier may include (not archived, or already included). */
async function includableOffers(deps: Deps, creatorId: string, included: string[] = []) {
  const page = await listOffers(deps, { creatorId }, { limit: 100 })
  return page.data
    .filter(
      (offer) =>
        (offer.kind === 'course' || offer.kind === 'group') &&
        (offer.status !== 'archived' || included.includes(offer.id)),
    )
    .map((offer) => ({ value: offer.id, label: offer.title }))
}

/** `lessons`: the course's lessons when already read with the offer (`readOfferLessons`); read here otherwise. */
async function offerExtras(
  deps: Deps,
  page: CreatorPage,
  offer: OfferJson,
  lessons?: LessonJson[],
): Promise<OfferExtras> {
  const scope = { creatorId: page.creator.id }
  return {
    lessons: offer.kind === 'course' ? (lessons ?? (await listLessons(deps, scope, offer.id))) : [],
    slots: offer.kind === 'consultation' ? await listSlots(deps, scope, offer.id, {}) : [],
    includable:
      offer.kind === 'tier' ? await includableOffers(deps, page.creator.id, offer.included_offer_ids) : [],
  }
}

export function offerPages(deps: Deps) {
  return new Hono<AppEnv>()
    .get(listPath, async (c) => {
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, listPath)
      const cursor = c.req.query('cursor')?.slice(0, 64)
      const offers = await listOffers(deps, { creatorId: page.creator.id }, { limit: 50, cursor })
      return c.html(<OffersList page={page} offers={offers.data} next={offers.next_cursor} />)
    })
    .get(`${listPath}/new`, async (c) => {
      const kind = c.req.query('kind')
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, c.req.url.slice(new URL(c.req.url).origin.length))
      if (!isKind(kind)) throw notFound('offer kind', kind)
      const state = formState({
        currency: page.creator.defaultCurrency,
        time_zone: page.creator.timeZone,
        rank: '1',
        trial_days: '0',
        platform: 'wechat',
      })
      const includable = kind === 'tier' ? await includableOffers(deps, page.creator.id) : []
      return c.html(<NewOfferPage page={page} kind={kind} state={state} includable={includable} />)
    })
    .post(listPath, async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, listPath)
      const { page, form } = posted
      const kind = typeof form.kind === 'string' ? form.kind : undefined
      if (!isKind(kind)) throw notFound('offer kind', kind)
      const m = editorMessagesFor(page.creator.locale)
      const parsed = parseCreateOffer(kind, form, m)
      const rerender = async (errors: FormState['errors'], status: 409 | 422) => {
        const included = Array.isArray(form.included_offer_ids) ? form.included_offer_ids : []
        const includable = kind === 'tier' ? await includableOffers(deps, page.creator.id, included) : []
        return c.html(
          <NewOfferPage page={page} kind={kind} state={formState(form, errors)} includable={includable} />,
          status,
        )
      }
      if (!parsed.input) return rerender(parsed.errors, 422)
      try {
        const offer = await createOffer(
          deps,
          { creatorId: page.creator.id },
          parsed.input,
          creatorActor(page),
        )
        return c.redirect(`${offerPath(offer.id)}?saved=1`, 303)
      } catch (error) {
        const refused = verbErrors(error, offerFieldOf(kind, sentPrices(kind, form)), m)
        return rerender(refused.errors, refused.status)
      }
    })
    .get(`${listPath}/:id`, async (c) => {
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, c.req.path)
      // The offer and a course's lessons: one batch after the session.
      const { offer, lessons } = await readOfferLessons(
        deps,
        { creatorId: page.creator.id },
        c.req.param('id'),
      )
      const extras = await offerExtras(deps, page, offer, lessons)
      const state = formState(offerFormValues(offer))
      return c.html(
        <EditOfferPage
          page={page}
          offer={offer}
          state={state}
          extras={extras}
          saved={c.req.query('saved') === '1'}
        />,
      )
    })
    .post(`${listPath}/:id`, async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, c.req.path)
      const { page, form } = posted
      const scope = { creatorId: page.creator.id }
      // Read once: the form's fields depend on the kind, and the verb decides from this same row.
      const current = await findOwnOffer(deps, scope, c.req.param('id'))
      const offer = offerJson(current)
      const m = editorMessagesFor(page.creator.locale)
      const parsed = parseUpdateOffer(offer.kind, form, m)
      const rerender = async (errors: FormState['errors'], status: 409 | 422) =>
        c.html(
          <EditOfferPage
            page={page}
            offer={offer}
            state={formState(form, errors)}
            extras={await offerExtras(deps, page, offer)}
            saved={false}
          />,
          status,
        )
      if (!parsed.input) return rerender(parsed.errors, 422)
      try {
        await updateOffer(deps, scope, offer.id, parsed.input, creatorActor(page), current)
        return c.redirect(`${offerPath(offer.id)}?saved=1`, 303)
      } catch (error) {
        const refused = verbErrors(error, offerFieldOf(offer.kind, sentPrices(offer.kind, form)), m)
        return rerender(refused.errors, refused.status)
      }
    })
    .post(`${listPath}/:id/status`, async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, listPath)
      const { page, form } = posted
      const status = form.status === 'live' ? 'live' : 'draft'
      const offerId = c.req.param('id')
      // Publishing re-checks the whole offer through the verb; a refusal is shown as a problem page.
      await updateOffer(deps, { creatorId: page.creator.id }, offerId, { status }, creatorActor(page))
      return c.redirect(offerPath(offerId), 303)
    })
    .post(`${listPath}/:id/archive`, async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, listPath)
      const { page } = posted
      await archiveOffer(deps, { creatorId: page.creator.id }, c.req.param('id'), creatorActor(page))
      return c.redirect(listPath, 303)
    })
}

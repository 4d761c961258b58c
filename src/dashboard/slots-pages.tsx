/**
 * A consultation's slots in the dashboard: add one, remove a free one. The creator types a wall-clock time in
 * the consultation's time zone (`datetime-local` has no zone); it is converted to UTC here and then goes through
 * the same schema and verb as POST /api/v1/offers/{id}/slots, which checks overlaps and that it is in the future.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { createSlotsSchema, type OfferJson } from '../catalog/offer-schemas'
import { addSlots, readConsultation, removeSlot } from '../catalog/slots'
import type { Deps } from '../deps'
import { notFound } from '../lib/problem'
import {
  addError,
  Csrf,
  creatorActor,
  ErrorSummary,
  editorForm,
  editorPage,
  Field,
  type FieldErrors,
  type FormState,
  fieldValue,
  formState,
  ownOffer,
  schemaErrors,
  TextAreaField,
  toSignIn,
  verbErrors,
} from './editor-forms'
import { type EditorMessages, editorMessagesFor } from './editor-messages'
import { offerPath, slotTimeZone } from './offers-pages'
import { type CreatorPage, DashboardShell } from './shell'
import { zonedToUtc } from './zoned-time'

/** `slots.0.starts_at`, `slots.0` (an overlap) → the start field; meeting details keep their name. */
const slotFieldOf = (path: string) => (path.endsWith('meeting_details') ? 'meeting_details' : 'starts_at')

function NewSlotPage(props: { page: CreatorPage; offer: OfferJson; state: FormState; m: EditorMessages }) {
  const { page, offer, state, m } = props
  const timeZone = slotTimeZone(offer, page)
  const back = `${offerPath(offer.id)}#slots`
  return (
    <DashboardShell page={page} section="offers" title={`${m.slots.add} · ${offer.title}`}>
      <p>
        <a href={back}>← {m.back}</a>
      </p>
      <ErrorSummary
        state={state}
        labels={{ starts_at: m.slots.start(timeZone), meeting_details: m.slots.meetingDetails }}
        m={m}
      />
      <form method="post" action={`${offerPath(offer.id)}/slots`} class="stack" novalidate>
        <Csrf page={page} />
        <Field
          state={state}
          name="starts_at"
          label={m.slots.start(timeZone)}
          type="datetime-local"
          required
        />
        <TextAreaField state={state} name="meeting_details" label={m.slots.meetingDetails} rows={3} />
        <div class="actions">
          <button type="submit" class="button">
            {m.save}
          </button>
          <a href={back}>{m.cancel}</a>
        </div>
      </form>
    </DashboardShell>
  )
}

export function slotPages(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/dashboard/offers/:id/slots/new', async (c) => {
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, c.req.path)
      const offer = await ownOffer(deps, page, c.req.param('id'), 'consultation')
      const m = editorMessagesFor(page.creator.locale)
      return c.html(<NewSlotPage page={page} offer={offer} state={formState()} m={m} />)
    })
    .post('/dashboard/offers/:id/slots', async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, c.req.path)
      const { page, form } = posted
      const scope = { creatorId: page.creator.id }
      // The offer (its time zone reads the form) and its slots (the verb's overlap check) in one round trip.
      const offerId = c.req.param('id')
      const read = await readConsultation(deps, scope, offerId)
      const { offer } = read
      if (offer.kind !== 'consultation') throw notFound('consultation', offerId)
      const m = editorMessagesFor(page.creator.locale)
      const rerender = (errors: FieldErrors, status: 409 | 422) =>
        c.html(<NewSlotPage page={page} offer={offer} state={formState(form, errors)} m={m} />, status)
      const errors: FieldErrors = {}
      const startsAt = zonedToUtc(fieldValue(form, 'starts_at'), slotTimeZone(offer, page))
      if (startsAt === null) addError(errors, 'starts_at', m.errors.dateTime)
      const parsed = createSlotsSchema.safeParse({
        slots: [
          {
            starts_at: startsAt === null ? undefined : new Date(startsAt).toISOString(),
            meeting_details: fieldValue(form, 'meeting_details'),
          },
        ],
      })
      if (!parsed.success) return rerender(schemaErrors(parsed.error, slotFieldOf, errors, m), 422)
      if (startsAt === null) return rerender(errors, 422)
      try {
        await addSlots(deps, scope, offer.id, parsed.data, creatorActor(page), read)
      } catch (error) {
        const refused = verbErrors(error, slotFieldOf, m)
        return rerender(refused.errors, refused.status)
      }
      return c.redirect(`${offerPath(offer.id)}#slots`, 303)
    })
    .post('/dashboard/slots/:id/delete', async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, '/dashboard/offers')
      const { page } = posted
      const scope = { creatorId: page.creator.id }
      // A held or booked slot answers 409 from the verb, shown as a problem page: a booking is cancelled with
      // its refund, never by removing the slot. The slot it answers names the offer to go back to.
      const slot = await removeSlot(deps, scope, c.req.param('id'), creatorActor(page))
      return c.redirect(`${offerPath(slot.offer_id)}#slots`, 303)
    })
}

/**
 * A course's lessons in the dashboard: add, edit, move up or down, remove. The same verbs and schemas as
 * /api/v1/offers/{id}/lessons and /api/v1/lessons/{id}; moving is the API's `position` edit, one place at a time.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { addLesson, getLesson, moveLesson, removeLesson, updateLesson } from '../catalog/lessons'
import { type LessonJson, lessonInputSchema, lessonUpdateSchema } from '../catalog/offer-schemas'
import type { Deps } from '../deps'
import {
  CheckboxField,
  Csrf,
  creatorActor,
  ErrorSummary,
  editorForm,
  editorPage,
  Field,
  type FieldErrors,
  type FormState,
  type FormValues,
  fieldValue,
  formState,
  hasErrors,
  ownOffer,
  readWholeNumbers,
  schemaErrors,
  TextAreaField,
  toSignIn,
  verbErrors,
} from './editor-forms'
import { type EditorMessages, editorMessagesFor } from './editor-messages'
import { offerPath } from './offers-pages'
import { type CreatorPage, DashboardShell } from './shell'

const lessonPath = (lessonId: string) => `/dashboard/lessons/${encodeURIComponent(lessonId)}`

const lessonLabels = (m: EditorMessages): Record<string, string> => ({
  title: m.offers.fields.title,
  body: m.lessons.body,
  free_preview: m.lessons.freePreview,
  drip_days: m.lessons.dripDays,
})

/** The lesson fields as the API takes them, or the field errors (parsing and the shared schema's). */
function parseLesson(values: FormValues, m: EditorMessages) {
  const errors: FieldErrors = {}
  const { drip_days } = readWholeNumbers(values, ['drip_days'], errors, m)
  const parsed = lessonInputSchema.safeParse({
    title: fieldValue(values, 'title'),
    body: fieldValue(values, 'body'),
    free_preview: fieldValue(values, 'free_preview') === '1',
    drip_days: drip_days ?? 0,
  })
  if (!parsed.success) return { input: null, errors: schemaErrors(parsed.error, (path) => path, errors, m) }
  return hasErrors(errors) ? { input: null, errors } : { input: parsed.data, errors: null }
}

const lessonValues = (lesson: LessonJson): FormValues => ({
  title: lesson.title,
  body: lesson.body,
  free_preview: lesson.free_preview ? '1' : '',
  drip_days: String(lesson.drip_days),
})

function LessonPage(props: {
  page: CreatorPage
  title: string
  action: string
  back: string
  state: FormState
  m: EditorMessages
}) {
  const { m, state } = props
  return (
    <DashboardShell page={props.page} section="offers" title={props.title}>
      <p>
        <a href={props.back}>← {m.back}</a>
      </p>
      <ErrorSummary state={state} labels={lessonLabels(m)} m={m} />
      <form method="post" action={props.action} class="stack" novalidate>
        <Csrf page={props.page} />
        <Field state={state} name="title" label={m.offers.fields.title} required />
        <TextAreaField state={state} name="body" label={m.lessons.body} rows={12} />
        <CheckboxField state={state} name="free_preview" label={m.lessons.freePreview} />
        <Field
          state={state}
          name="drip_days"
          label={m.lessons.dripDays}
          hint={m.lessons.dripDaysHint}
          type="number"
          inputmode="numeric"
        />
        <div class="actions">
          <button type="submit" class="button">
            {m.save}
          </button>
          <a href={props.back}>{m.cancel}</a>
        </div>
      </form>
    </DashboardShell>
  )
}

export function lessonPages(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/dashboard/offers/:id/lessons/new', async (c) => {
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, c.req.path)
      const offer = await ownOffer(deps, page, c.req.param('id'), 'course')
      const m = editorMessagesFor(page.creator.locale)
      return c.html(
        <LessonPage
          page={page}
          title={`${m.lessons.add} · ${offer.title}`}
          action={`${offerPath(offer.id)}/lessons`}
          back={`${offerPath(offer.id)}#lessons`}
          state={formState({ drip_days: '0' })}
          m={m}
        />,
      )
    })
    .post('/dashboard/offers/:id/lessons', async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, c.req.path)
      const { page, form } = posted
      const offerId = c.req.param('id')
      const m = editorMessagesFor(page.creator.locale)
      const rerender = async (errors: FieldErrors, status: 409 | 422) => {
        const offer = await ownOffer(deps, page, offerId, 'course')
        return c.html(
          <LessonPage
            page={page}
            title={`${m.lessons.add} · ${offer.title}`}
            action={`${offerPath(offer.id)}/lessons`}
            back={`${offerPath(offer.id)}#lessons`}
            state={formState(form, errors)}
            m={m}
          />,
          status,
        )
      }
      const parsed = parseLesson(form, m)
      if (!parsed.input) return rerender(parsed.errors, 422)
      try {
        await addLesson(deps, { creatorId: page.creator.id }, offerId, parsed.input, creatorActor(page))
      } catch (error) {
        const refused = verbErrors(error, (path) => path, m)
        return rerender(refused.errors, refused.status)
      }
      return c.redirect(`${offerPath(offerId)}#lessons`, 303)
    })
    .get('/dashboard/lessons/:id', async (c) => {
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, c.req.path)
      const lesson = await getLesson(deps, { creatorId: page.creator.id }, c.req.param('id'))
      const m = editorMessagesFor(page.creator.locale)
      return c.html(
        <LessonPage
          page={page}
          title={m.lessons.edit}
          action={lessonPath(lesson.id)}
          back={`${offerPath(lesson.offer_id)}#lessons`}
          state={formState(lessonValues(lesson))}
          m={m}
        />,
      )
    })
    .post('/dashboard/lessons/:id', async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, c.req.path)
      const { page, form } = posted
      const scope = { creatorId: page.creator.id }
      const lessonId = c.req.param('id')
      const m = editorMessagesFor(page.creator.locale)
      // The lesson is read only to show the form again (a 404 first, as always): on success the verb's answer
      // names the course to go back to.
      const rerender = async (errors: FieldErrors, status: 409 | 422) => {
        const lesson = await getLesson(deps, scope, lessonId)
        return c.html(
          <LessonPage
            page={page}
            title={m.lessons.edit}
            action={lessonPath(lesson.id)}
            back={`${offerPath(lesson.offer_id)}#lessons`}
            state={formState(form, errors)}
            m={m}
          />,
          status,
        )
      }
      const parsed = parseLesson(form, m)
      if (!parsed.input) return rerender(parsed.errors, 422)
      let lesson: LessonJson
      try {
        lesson = await updateLesson(
          deps,
          scope,
          lessonId,
          lessonUpdateSchema.parse(parsed.input),
          creatorActor(page),
        )
      } catch (error) {
        const refused = verbErrors(error, (path) => path, m)
        return rerender(refused.errors, refused.status)
      }
      return c.redirect(`${offerPath(lesson.offer_id)}#lessons`, 303)
    })
    .post('/dashboard/lessons/:id/move', async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, '/dashboard/offers')
      const { page, form } = posted
      const scope = { creatorId: page.creator.id }
      // The API's own move: PATCH /lessons/{id} with the next position; the verb renumbers the rest in one batch.
      const direction = form.direction === 'up' ? 'up' : 'down'
      const lesson = await moveLesson(deps, scope, c.req.param('id'), direction, creatorActor(page))
      return c.redirect(`${offerPath(lesson.offer_id)}#lessons`, 303)
    })
    .post('/dashboard/lessons/:id/delete', async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, '/dashboard/offers')
      const { page } = posted
      const scope = { creatorId: page.creator.id }
      const lesson = await removeLesson(deps, scope, c.req.param('id'), creatorActor(page))
      return c.redirect(`${offerPath(lesson.offer_id)}#lessons`, 303)
    })
}

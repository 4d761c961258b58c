/**
 * The creator's settings (`/dashboard/settings`): name, bio, page language, time zone, grace days, default
 * currency. Validated by the same schema and saved by the same verb as PATCH /api/v1/creator, so a change of
 * language shows on the very next page (the dashboard and the storefront read the creator's locale).
 */
import { Hono } from 'hono'
import { creatorJson, updateCreator, updateCreatorSchema } from '../accounts/creators'
import type { AppEnv } from '../app-env'
import { locales } from '../db/schema'
import type { Deps } from '../deps'
import { currencies } from '../lib/money'
import {
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
  readWholeNumbers,
  Saved,
  SelectField,
  schemaErrors,
  TextAreaField,
  toSignIn,
} from './editor-forms'
import { editorMessagesFor } from './editor-messages'
import { type CreatorPage, DashboardShell } from './shell'

const path = '/dashboard/settings'

function SettingsPage(props: { page: CreatorPage; state: FormState; saved: boolean }) {
  const { page, state } = props
  const m = editorMessagesFor(page.creator.locale)
  const s = m.settings
  const labels = {
    name: s.name,
    bio: s.bio,
    locale: s.locale,
    time_zone: s.timeZone,
    grace_days: s.graceDays,
    default_currency: s.defaultCurrency,
  }
  return (
    <DashboardShell page={page} section="settings" title={s.title}>
      <Saved show={props.saved} m={m} />
      <ErrorSummary state={state} labels={labels} m={m} />
      <form method="post" action={path} class="stack" novalidate>
        <Csrf page={page} />
        <Field state={state} name="name" label={s.name} required autocomplete="organization" />
        <TextAreaField state={state} name="bio" label={s.bio} />
        <SelectField
          state={state}
          name="locale"
          label={s.locale}
          options={locales.map((locale) => ({ value: locale, label: s.locales[locale] }))}
        />
        <Field state={state} name="time_zone" label={s.timeZone} hint="Asia/Shanghai" required />
        <Field
          state={state}
          name="grace_days"
          label={s.graceDays}
          hint={s.graceDaysHint}
          type="number"
          inputmode="numeric"
        />
        <SelectField
          state={state}
          name="default_currency"
          label={s.defaultCurrency}
          options={currencies.map((code) => ({ value: code, label: code }))}
        />
        <p>
          <button type="submit" class="button">
            {m.save}
          </button>
        </p>
      </form>
    </DashboardShell>
  )
}

const settingsValues = (page: CreatorPage): FormValues => {
  const json = creatorJson(page.creator)
  return {
    name: json.name,
    bio: json.bio,
    // The stored setting, not the language this page happens to speak (the footer switch can differ).
    locale: page.savedLocale,
    time_zone: json.time_zone,
    grace_days: String(json.grace_days),
    default_currency: json.default_currency,
  }
}

export function settingsPage(deps: Deps) {
  return new Hono<AppEnv>()
    .get(path, async (c) => {
      const page = await editorPage(deps, c)
      if (!page) return toSignIn(c, path)
      return c.html(
        <SettingsPage
          page={page}
          state={formState(settingsValues(page))}
          saved={c.req.query('saved') === '1'}
        />,
      )
    })
    .post(path, async (c) => {
      const posted = await editorForm(deps, c)
      if (!posted) return toSignIn(c, path)
      const { page, form } = posted
      const m = editorMessagesFor(page.creator.locale)
      const errors: FieldErrors = {}
      const { grace_days } = readWholeNumbers(form, ['grace_days'], errors, m)
      const parsed = updateCreatorSchema.safeParse({
        name: fieldValue(form, 'name'),
        bio: fieldValue(form, 'bio'),
        locale: fieldValue(form, 'locale'),
        time_zone: fieldValue(form, 'time_zone').trim(),
        default_currency: fieldValue(form, 'default_currency'),
        grace_days,
      })
      if (!parsed.success || hasErrors(errors)) {
        const all = parsed.success ? errors : schemaErrors(parsed.error, (field) => field, errors, m)
        return c.html(<SettingsPage page={page} state={formState(form, all)} saved={false} />, 422)
      }
      await updateCreator(deps, page.creator, parsed.data, creatorActor(page))
      return c.redirect(`${path}?saved=1`, 303)
    })
}

/**
 * The pieces every editor form shares: reading a posted form behind the dashboard's CSRF check, labelled fields
 * that show their own error (aria-invalid + aria-describedby), the error summary (role="alert"), small inline
 * action forms, and turning the problems the verbs throw into per-field messages.
 *
 * Forms post the same names the JSON API uses where they can (`title`, `rank`, `time_zone`…), so a validation
 * path from the shared zod schemas or a verb maps onto a form field with at most a small rename.
 */
import type { Context } from 'hono'
import type { OfferJson } from '../catalog/offer-schemas'
import { getOffer } from '../catalog/offers'
import type { Deps } from '../deps'
import type { Actor } from '../lib/audit'
import { currencyExponents, isCurrency } from '../lib/money'
import { notFound, Problem } from '../lib/problem'
import type * as z from '../lib/zod'
import { type EditorMessages, refusalText } from './editor-messages'
import { type CreatorPage, creatorForm, creatorPage, signInPath } from './shell'

export type FormValues = Record<string, string | string[]>
/** Messages by form field name; '' holds messages that belong to the whole form. */
export type FieldErrors = Record<string, string[]>

export interface FormState {
  values: FormValues
  errors: FieldErrors
}

export const formState = (values: FormValues = {}, errors: FieldErrors = {}): FormState => ({
  values,
  errors,
})

export const hasErrors = (errors: FieldErrors) => Object.keys(errors).length > 0

export function addError(errors: FieldErrors, field: string, message: string): void {
  const list = errors[field] ?? []
  if (!list.includes(message)) list.push(message)
  errors[field] = list
}

export function fieldValue(values: FormValues, name: string): string {
  const value = values[name]
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
}

export function fieldValues(values: FormValues, name: string): string[] {
  const value = values[name]
  return Array.isArray(value) ? value : value === undefined ? [] : [value]
}

/** The actor every editor write is recorded under: the signed-in creator, not an API key. */
export const creatorActor = (page: CreatorPage): Actor => ({ type: 'creator', id: page.creator.id })

/** The signed-in creator for a page view, or null (the caller redirects to the sign-in). */
export const editorPage = creatorPage

/**
 * A posted form and its signed-in creator, after the CSRF token check (403 without a valid token); null when
 * no creator is signed in. Files are dropped: no editor form uploads one.
 */
export async function editorForm(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  c: Context,
): Promise<{ page: CreatorPage; form: FormValues } | null> {
  const body = await c.req.parseBody({ all: true })
  const form: FormValues = {}
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') form[name] = value
    else if (Array.isArray(value))
      form[name] = value.filter((item): item is string => typeof item === 'string')
  }
  const page = await creatorForm(deps, c, form)
  return page ? { page, form } : null
}

/** Signed out (or not a creator): to the creator sign-in, coming back to `next` afterwards. */
export const toSignIn = (c: Context, next: string) => c.redirect(signInPath(next), 303)

/**
 * `200.00` → 20000 for a two-decimal currency, `3000` → 3000 for yen. Parsed as text, not as a float, so no
 * amount is ever off by one minor unit. Null for an empty field; 'invalid' for anything else that is no amount.
 */
export function minorUnits(value: string, currency: string): number | null | 'invalid' {
  const trimmed = value.trim().replaceAll(',', '')
  if (!trimmed) return null
  const exponent = isCurrency(currency) ? currencyExponents[currency] : 2
  const match = /^(\d{1,12})(?:\.(\d*))?$/.exec(trimmed)
  if (!match?.[1]) return 'invalid'
  const fraction = match[2] ?? ''
  if (fraction.length > exponent && /[1-9]/.test(fraction.slice(exponent))) return 'invalid'
  return Number(match[1]) * 10 ** exponent + Number(fraction.slice(0, exponent).padEnd(exponent, '0') || 0)
}

/** 20000 CNY → `200.00`: what the amount field shows for a stored price. */
export function majorUnits(amount: number, currency: string): string {
  const exponent = isCurrency(currency) ? currencyExponents[currency] : 2
  return (amount / 10 ** exponent).toFixed(exponent)
}

/** A whole-number field: undefined when empty, 'invalid' when not a whole number. */
export function wholeNumber(value: string): number | undefined | 'invalid' {
  const trimmed = value.trim()
  if (!trimmed) return undefined
  return /^-?\d{1,9}$/.test(trimmed) ? Number(trimmed) : 'invalid'
}

/**
 * Reads whole-number fields into `target` under their API names; a value that is no number becomes a field
 * error (and stays out of `target`, so the schema does not report the same field twice).
 */
export function readWholeNumbers(
  values: FormValues,
  names: string[],
  errors: FieldErrors,
  m: EditorMessages,
): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {}
  for (const name of names) {
    const parsed = wholeNumber(fieldValue(values, name))
    if (parsed === 'invalid') addError(errors, name, m.errors.wholeNumber)
    else out[name] = parsed
  }
  return out
}

/** Zod issues as field errors; fields that already have an error (from parsing the form) keep only theirs. */
export function schemaErrors(
  error: z.core.$ZodError,
  fieldOf: (path: string) => string,
  errors: FieldErrors,
  m: EditorMessages,
): FieldErrors {
  const before = new Set(Object.keys(errors))
  for (const issue of error.issues) {
    const field = fieldOf(issue.path.map(String).join('.'))
    // The page's language, not the schema's English (zod issues carry the code and limits to say it with).
    if (!before.has(field)) addError(errors, field, m.issue(issue as Parameters<EditorMessages['issue']>[0]))
  }
  return errors
}

/**
 * A verb's refusal as form errors, in the page's language: each field error a 422 lists, and a 409 about a field
 * (a taken slug), beside its field; any other 409 on the whole form. Anything else is not the form's to show and
 * is rethrown.
 */
export function verbErrors(
  error: unknown,
  fieldOf: (path: string) => string,
  m: EditorMessages,
): { status: 409 | 422; errors: FieldErrors } {
  if (!(error instanceof Problem) || (error.status !== 409 && error.status !== 422)) throw error
  const errors: FieldErrors = {}
  for (const item of error.fieldErrors) addError(errors, fieldOf(item.path), refusalText(m, item))
  if (!hasErrors(errors)) addError(errors, '', error.detail)
  return { status: error.status === 409 ? 409 : 422, errors }
}

const fieldId = (name: string) => `f-${name}`

function describedBy(name: string, hint: string | undefined, invalid: boolean): string | undefined {
  const ids = [hint ? `${fieldId(name)}-hint` : '', invalid ? `${fieldId(name)}-error` : ''].filter(Boolean)
  return ids.length ? ids.join(' ') : undefined
}

function Hint(props: { name: string; hint?: string | undefined }) {
  return props.hint ? (
    <span id={`${fieldId(props.name)}-hint`} class="hint muted">
      {props.hint}
    </span>
  ) : null
}

function FieldError(props: { name: string; state: FormState }) {
  const messages = props.state.errors[props.name]
  return messages?.length ? (
    <span id={`${fieldId(props.name)}-error`} class="error">
      {messages.join(' ')}
    </span>
  ) : null
}

interface FieldProps {
  state: FormState
  name: string
  label: string
  hint?: string | undefined
  required?: boolean
}

export function Field(
  props: FieldProps & {
    type?: 'text' | 'number' | 'url' | 'datetime-local'
    inputmode?: 'decimal' | 'numeric'
    autocomplete?: string
  },
) {
  const invalid = Boolean(props.state.errors[props.name]?.length)
  return (
    <div class="field">
      <label for={fieldId(props.name)}>{props.label}</label>
      <Hint name={props.name} hint={props.hint} />
      <input
        id={fieldId(props.name)}
        name={props.name}
        type={props.type ?? 'text'}
        value={fieldValue(props.state.values, props.name)}
        inputmode={props.inputmode}
        autocomplete={props.autocomplete ?? 'off'}
        required={props.required}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint, invalid)}
      />
      <FieldError name={props.name} state={props.state} />
    </div>
  )
}

export function TextAreaField(props: FieldProps & { rows?: number }) {
  const invalid = Boolean(props.state.errors[props.name]?.length)
  return (
    <div class="field">
      <label for={fieldId(props.name)}>{props.label}</label>
      <Hint name={props.name} hint={props.hint} />
      <textarea
        id={fieldId(props.name)}
        name={props.name}
        rows={props.rows ?? 6}
        required={props.required}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint, invalid)}
      >
        {fieldValue(props.state.values, props.name)}
      </textarea>
      <FieldError name={props.name} state={props.state} />
    </div>
  )
}

export function SelectField(props: FieldProps & { options: { value: string; label: string }[] }) {
  const invalid = Boolean(props.state.errors[props.name]?.length)
  const selected = fieldValue(props.state.values, props.name)
  return (
    <div class="field">
      <label for={fieldId(props.name)}>{props.label}</label>
      <Hint name={props.name} hint={props.hint} />
      <select
        id={fieldId(props.name)}
        name={props.name}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint, invalid)}
      >
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === selected}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError name={props.name} state={props.state} />
    </div>
  )
}

/** A single checkbox posting `1` when ticked. */
export function CheckboxField(props: FieldProps) {
  const invalid = Boolean(props.state.errors[props.name]?.length)
  return (
    <div class="field check">
      <input
        id={fieldId(props.name)}
        name={props.name}
        type="checkbox"
        value="1"
        checked={fieldValue(props.state.values, props.name) === '1'}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint, invalid)}
      />
      <label for={fieldId(props.name)}>{props.label}</label>
      <Hint name={props.name} hint={props.hint} />
      <FieldError name={props.name} state={props.state} />
    </div>
  )
}

/** Several checkboxes under one name (e.g. the offers a tier includes), grouped in a fieldset. */
export function CheckboxGroup(
  props: FieldProps & { options: { value: string; label: string }[]; empty: string },
) {
  const invalid = Boolean(props.state.errors[props.name]?.length)
  const checked = new Set(fieldValues(props.state.values, props.name))
  return (
    <fieldset
      id={fieldId(props.name)}
      aria-describedby={invalid ? `${fieldId(props.name)}-error` : undefined}
    >
      <legend>{props.label}</legend>
      <FieldError name={props.name} state={props.state} />
      {props.options.length ? (
        props.options.map((option, index) => (
          <div class="check">
            <input
              id={`${fieldId(props.name)}-${index}`}
              name={props.name}
              type="checkbox"
              value={option.value}
              checked={checked.has(option.value)}
              aria-invalid={invalid ? 'true' : undefined}
            />
            <label for={`${fieldId(props.name)}-${index}`}>{option.label}</label>
          </div>
        ))
      ) : (
        <p class="muted">{props.empty}</p>
      )}
    </fieldset>
  )
}

/** The list of what is wrong, announced on render; each entry links to its field. */
export function ErrorSummary(props: { state: FormState; labels: Record<string, string>; m: EditorMessages }) {
  const entries = Object.entries(props.state.errors)
  if (!entries.length) return null
  return (
    <div class="error-summary" role="alert" tabindex={-1}>
      <p>{props.m.errorSummary}</p>
      <ul>
        {entries.map(([name, messages]) => (
          <li>
            {name ? (
              <a href={`#${fieldId(name)}`}>
                {props.labels[name] ?? name}: {messages.join(' ')}
              </a>
            ) : (
              messages.join(' ')
            )}
          </li>
        ))}
      </ul>
    </div>
  )
}

export function Csrf(props: { page: CreatorPage }) {
  return <input type="hidden" name="csrf" value={props.page.csrf} />
}

/** A one-button form (publish, move, remove…): works without JavaScript, carries the CSRF token. */
export function ActionButton(props: {
  page: CreatorPage
  action: string
  label: string
  fields?: Record<string, string>
  secondary?: boolean
}) {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf page={props.page} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.secondary ? 'button secondary' : 'button'}>
        {props.label}
      </button>
    </form>
  )
}

export function Saved(props: { show: boolean; m: EditorMessages }) {
  return props.show ? (
    <p class="notice" role="status">
      {props.m.saved}
    </p>
  ) : null
}

/** This creator's offer of one kind, or 404 (also for another kind: only a course has lessons, …). */
export async function ownOffer(
  deps: Pick<Deps, 'db'>,
  page: CreatorPage,
  offerId: string,
  kind: OfferJson['kind'],
): Promise<OfferJson> {
  const offer = await getOffer(deps, { creatorId: page.creator.id }, offerId)
  if (offer.kind !== kind) throw notFound(kind, offerId)
  return offer
}

/**
 * The offer form ↔ the offer API's input. The form speaks in major units (`200.00`) and one field per price a
 * kind can have; the API speaks in minor units and a `prices` array. Everything past that conversion (what a
 * tier needs, what a consultation may not have…) is decided by the same zod schemas and verbs as the JSON API,
 * and their error paths are mapped back onto the form's fields here.
 */
import {
  type CreateOfferInput,
  createOfferSchema,
  type OfferJson,
  type UpdateOfferInput,
  updateOfferSchema,
} from '../catalog/offer-schemas'
import type { OfferKind, PriceInterval } from '../db/schema'
import {
  addError,
  type FieldErrors,
  type FormValues,
  fieldValue,
  fieldValues,
  majorUnits,
  minorUnits,
  readWholeNumbers,
  schemaErrors,
} from './editor-forms'
import type { EditorMessages } from './editor-messages'

/** One form field per price a kind offers: which interval it sells, and where its term comes from. */
interface PriceField {
  field: string
  interval: PriceInterval
  termField?: string
}

const priceFieldsByKind: Record<OfferKind, PriceField[]> = {
  tier: [
    { field: 'price_month', interval: 'month' },
    { field: 'price_year', interval: 'year' },
    { field: 'price_pass', interval: 'once', termField: 'pass_days' },
  ],
  course: [{ field: 'price', interval: 'once', termField: 'term_days' }],
  consultation: [{ field: 'price', interval: 'once' }],
  group: [{ field: 'price', interval: 'once', termField: 'term_days' }],
}

/**
 * Where an API error path shows on the form. `prices.N.…` goes to the field the N-th sent price came from (the
 * array only holds prices the creator filled in), `group.x` to field `x`, the rest keep their API names.
 */
export function offerFieldOf(kind: OfferKind, sent: PriceField[]) {
  return (path: string): string => {
    const [head, index, leaf] = path.split('.')
    if (head === 'prices') {
      const price = index === undefined ? undefined : sent[Number(index)]
      const fallback = priceFieldsByKind[kind][0]?.field ?? 'price'
      if (!price) return fallback
      return leaf === 'term_days' && price.termField ? price.termField : price.field
    }
    if (head === 'group') return index ?? 'invite_url'
    if (head === 'included_offer_ids') return head
    return head ?? ''
  }
}

/** What an offer's form shows when editing it. */
export function offerFormValues(offer: OfferJson): FormValues {
  const values: FormValues = {
    slug: offer.slug,
    title: offer.title,
    description: offer.description,
    currency: offer.prices[0]?.currency ?? '',
    rank: offer.rank === null ? '' : String(offer.rank),
    trial_days: String(offer.trial_days),
    included_offer_ids: offer.included_offer_ids,
    duration_minutes: offer.duration_minutes === null ? '' : String(offer.duration_minutes),
    time_zone: offer.time_zone ?? '',
  }
  for (const { field, interval, termField } of priceFieldsByKind[offer.kind]) {
    const price = offer.prices.find((candidate) => candidate.interval === interval)
    if (!price) continue
    values[field] = majorUnits(price.amount, price.currency)
    if (termField) values[termField] = price.term_days === null ? '' : String(price.term_days)
  }
  if (offer.group) {
    values.platform = offer.group.platform
    values.invite_url = offer.group.invite_url ?? ''
    values.qr_image_url = offer.group.qr_image_url ?? ''
    values.instructions = offer.group.instructions
    values.capacity = offer.group.capacity === null ? '' : String(offer.group.capacity)
  }
  return values
}

/** The API-shaped fields the form describes (before zod), the prices sent, and the form's own parse errors. */
function readOfferForm(kind: OfferKind, values: FormValues, m: EditorMessages) {
  const errors: FieldErrors = {}
  const text = (name: string) => fieldValue(values, name)
  const optional = (name: string) => text(name).trim() || undefined
  const currency = text('currency')
  const numbers = readWholeNumbers(
    values,
    ['rank', 'trial_days', 'duration_minutes', 'capacity', 'pass_days', 'term_days'],
    errors,
    m,
  )
  const sent: PriceField[] = []
  const prices: { amount?: number; currency: string; interval: PriceInterval; term_days?: number }[] = []
  for (const price of priceFieldsByKind[kind]) {
    const amount = minorUnits(text(price.field), currency)
    // A tier offers only the prices filled in; every other kind has exactly one, so an empty one is an error.
    if (amount === null && kind === 'tier') continue
    if (amount === null || amount === 'invalid') addError(errors, price.field, m.errors.amount)
    sent.push(price)
    prices.push({
      ...(typeof amount === 'number' && { amount }),
      currency,
      interval: price.interval,
      ...(price.termField &&
        numbers[price.termField] !== undefined && { term_days: numbers[price.termField] }),
    })
  }
  const fields = {
    slug: text('slug').trim(),
    title: text('title'),
    description: text('description'),
    prices,
    ...(kind === 'tier' && {
      rank: numbers.rank,
      trial_days: numbers.trial_days ?? 0,
      included_offer_ids: fieldValues(values, 'included_offer_ids'),
    }),
    ...(kind === 'consultation' && {
      duration_minutes: numbers.duration_minutes,
      time_zone: optional('time_zone'),
    }),
    ...(kind === 'group' && {
      group: {
        platform: text('platform'),
        invite_url: optional('invite_url') ?? null,
        qr_image_url: optional('qr_image_url') ?? null,
        instructions: text('instructions'),
        capacity: numbers.capacity ?? null,
      },
    }),
  }
  return { fields, sent, errors }
}

/** The create input, or the field errors that stop it (parse errors and the create schema's alike). */
export function parseCreateOffer(
  kind: OfferKind,
  values: FormValues,
  m: EditorMessages,
): { input: CreateOfferInput; errors: null } | { input: null; errors: FieldErrors } {
  const { fields, sent, errors } = readOfferForm(kind, values, m)
  const parsed = createOfferSchema.safeParse({ kind, ...fields })
  if (!parsed.success)
    return { input: null, errors: schemaErrors(parsed.error, offerFieldOf(kind, sent), errors, m) }
  return Object.keys(errors).length ? { input: null, errors } : { input: parsed.data, errors: null }
}

/** The update input (the whole form replaces the offer's fields and prices), or the field errors. */
export function parseUpdateOffer(
  kind: OfferKind,
  values: FormValues,
  m: EditorMessages,
): { input: UpdateOfferInput; errors: null } | { input: null; errors: FieldErrors } {
  const { fields, sent, errors } = readOfferForm(kind, values, m)
  const parsed = updateOfferSchema.safeParse(fields)
  if (!parsed.success)
    return { input: null, errors: schemaErrors(parsed.error, offerFieldOf(kind, sent), errors, m) }
  return Object.keys(errors).length ? { input: null, errors } : { input: parsed.data, errors: null }
}

/** The prices a submitted form sent, for mapping a verb's `prices.N` errors back onto their fields. */
export function sentPrices(kind: OfferKind, values: FormValues): PriceField[] {
  return priceFieldsByKind[kind].filter((price) => kind !== 'tier' || fieldValue(values, price.field).trim())
}

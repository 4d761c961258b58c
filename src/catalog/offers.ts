/**
 * Offer verbs: create, list, read, update, archive. Every query is scoped by the creator, so another creator's
 * id behaves exactly like an unknown one (404). Each write is one atomic batch with its audit row.
 */
import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { type Db, writeThenRead } from '../db/client'
import { uniqueViolation } from '../db/errors'
import { auditLog, groups, type OfferKind, offers, prices, tierBenefits } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import { newId } from '../lib/ids'
import { type Page, toPage } from '../lib/pagination'
import { fieldConflict, notFound, validationFailed } from '../lib/problem'
import { toIso } from '../lib/time'
import {
  type FieldError,
  includableKinds,
  type OfferShape,
  offerShapeErrors,
  type PriceShape,
  ruleError,
} from './offer-rules'
import type { CreateOfferInput, OfferJson, UpdateOfferInput } from './offer-schemas'

type Scope = { creatorId: string }
type DbDeps = Pick<Deps, 'db' | 'clock'>

/** This creator's offer with its active prices, benefits and group, in one SQL statement. */
function offerQuery(db: Db, scope: Scope, offerId: string) {
  return db.query.offers.findFirst({
    where: and(eq(offers.id, offerId), eq(offers.creatorId, scope.creatorId)),
    with: offerRelations,
  })
}

/**
 * `offerQuery` as a batch item: the same statement (`findFirst` is `findMany` with limit 1), answering `[]` or
 * `[offer]`. A `findFirst` that finds nothing inside a batch throws in drizzle's D1 driver.
 */
export function offerBatchQuery(db: Db, scope: Scope, offerId: string) {
  return db.query.offers.findMany({
    where: and(eq(offers.id, offerId), eq(offers.creatorId, scope.creatorId)),
    with: offerRelations,
    limit: 1,
  })
}

const offerRelations = {
  prices: {
    where: eq(prices.active, true),
    orderBy: [asc(prices.createdAt), asc(prices.id)],
  },
  benefits: { orderBy: [asc(tierBenefits.includedOfferId)] },
  group: true as const,
}

type OfferWithRelations = NonNullable<Awaited<ReturnType<typeof offerQuery>>>
/** An offer as `findOwnOffer` reads it: the row with its active prices, benefits and group. */
export type OfferRow = OfferWithRelations

const intervalOrder = { month: 0, year: 1, once: 2 } as const

/** Canonical price order, the order buyers see: monthly, yearly, then passes from shortest term. */
function comparePrices(
  a: { interval: keyof typeof intervalOrder; termDays: number | null; amount: number },
  b: { interval: keyof typeof intervalOrder; termDays: number | null; amount: number },
): number {
  return (
    intervalOrder[a.interval] - intervalOrder[b.interval] ||
    (a.termDays ?? Number.MAX_SAFE_INTEGER) - (b.termDays ?? Number.MAX_SAFE_INTEGER) ||
    a.amount - b.amount
  )
}

export function offerJson(row: OfferWithRelations): OfferJson {
  return {
    id: row.id,
    kind: row.kind,
    slug: row.slug,
    title: row.title,
    description: row.description,
    status: row.status,
    position: row.position,
    prices: [...row.prices].sort(comparePrices).map((price) => ({
      id: price.id,
      amount: price.amount,
      currency: price.currency,
      interval: price.interval,
      term_days: price.termDays,
    })),
    rank: row.rank,
    trial_days: row.trialDays,
    included_offer_ids: row.benefits.map((benefit) => benefit.includedOfferId),
    duration_minutes: row.durationMinutes,
    time_zone: row.timeZone,
    group: row.group
      ? {
          platform: row.group.platform,
          invite_url: row.group.inviteUrl,
          instructions: row.group.instructions,
          qr_image_url: row.group.qrImageUrl,
          capacity: row.group.capacity,
          rotated_at: toIso(row.group.rotatedAt),
        }
      : null,
    published_at: toIso(row.publishedAt),
    archived_at: toIso(row.archivedAt),
    created_at: toIso(row.createdAt) ?? '',
    updated_at: toIso(row.updatedAt) ?? '',
  }
}

/** This creator's offer as stored (404 for an unknown id or another creator's), e.g. for `updateOffer`'s `read`. */
export async function findOwnOffer(
  { db }: Pick<Deps, 'db'>,
  scope: Scope,
  offerId: string,
): Promise<OfferRow> {
  const row = await offerQuery(db, scope, offerId)
  if (!row) throw notFound('offer', offerId)
  return row
}

export async function getOffer(deps: Pick<Deps, 'db'>, scope: Scope, offerId: string): Promise<OfferJson> {
  return offerJson(await findOwnOffer(deps, scope, offerId))
}

/**
 * Writes `statements` and reads the offer back in the same batch: one round trip for the change and the fresh
 * offer it answers. A write that fails with a unique violation on the slug is a 409 on `slug`.
 */
async function writeAndReadOffer(
  db: Db,
  scope: Scope,
  offerId: string,
  statements: BatchItem<'sqlite'>[],
  slug?: string,
): Promise<OfferJson> {
  let row: OfferRow | undefined
  try {
    ;[row] = await writeThenRead(db, statements, offerBatchQuery(db, scope, offerId))
  } catch (error) {
    slugConflict(error, slug)
  }
  if (!row) throw notFound('offer', offerId)
  return offerJson(row)
}

interface OffersQuery {
  limit: number
  cursor?: string | undefined
  kind?: OfferJson['kind'] | undefined
  status?: OfferJson['status'] | undefined
}

/** A page of offers as one statement (a batch item); `toPage(rows, query.limit, offerJson)` shapes its rows. */
export function offersPageQuery(db: Db, scope: Scope, query: OffersQuery) {
  // Newest first; ids are time-sortable, so the last id of a page is the cursor for the next.
  return db.query.offers.findMany({
    where: and(
      eq(offers.creatorId, scope.creatorId),
      query.kind ? eq(offers.kind, query.kind) : undefined,
      query.status ? eq(offers.status, query.status) : undefined,
      query.cursor ? lt(offers.id, query.cursor) : undefined,
    ),
    orderBy: [desc(offers.id)],
    limit: query.limit + 1,
    with: offerRelations,
  })
}

/**
 * `listOffers` as one batch item and the function that answers its page from the item's rows: a page that shows
 * the offers beside other reads sends them all in one `db.batch`.
 */
export function offersPageRead(db: Db, scope: Scope, query: OffersQuery) {
  return {
    query: offersPageQuery(db, scope, query),
    answer: (rows: OfferRow[]): Page<OfferJson> => toPage(rows, query.limit, offerJson),
  }
}

export async function listOffers(
  { db }: Pick<Deps, 'db'>,
  scope: Scope,
  query: OffersQuery,
): Promise<Page<OfferJson>> {
  const read = offersPageRead(db, scope, query)
  return read.answer(await read.query)
}

/** The id and kind of each of this creator's offers among `ids` (a batch item). */
function includedKindsQuery(db: Db, scope: Scope, ids: string[]) {
  return db
    .select({ id: offers.id, kind: offers.kind })
    .from(offers)
    .where(and(eq(offers.creatorId, scope.creatorId), inArray(offers.id, [...new Set(ids)])))
}

/** Pure: included offers must be this creator's courses or groups (`found`: what `includedKindsQuery` read). */
function includedErrors(ids: string[], found: { id: string; kind: OfferKind }[]): FieldError[] {
  const unique = [...new Set(ids)]
  const kinds = new Map(found.map((row) => [row.id, row.kind]))
  const errors: FieldError[] = []
  ids.forEach((id, index) => {
    const kind = kinds.get(id)
    if (!kind) errors.push(ruleError(`included_offer_ids.${index}`, 'included_unknown', { id }))
    else if (!includableKinds.includes(kind))
      errors.push(ruleError(`included_offer_ids.${index}`, 'included_kind', { kind }))
  })
  if (unique.length !== ids.length) errors.push(ruleError('included_offer_ids', 'included_twice', {}))
  return errors
}

/** Included offers must be this creator's courses or groups. One query; errors name the bad ids. */
async function includedOfferErrors(
  { db }: Pick<Deps, 'db'>,
  scope: Scope,
  ids: string[] | undefined,
): Promise<FieldError[]> {
  if (!ids?.length) return []
  return includedErrors(ids, await includedKindsQuery(db, scope, ids))
}

function priceRow(scope: Scope, offerId: string, price: PriceShape, now: number): typeof prices.$inferInsert {
  return {
    id: newId('price', now),
    creatorId: scope.creatorId,
    offerId,
    amount: price.amount,
    currency: price.currency,
    interval: price.interval,
    termDays: price.interval === 'once' ? (price.term_days ?? null) : null,
    active: true,
    createdAt: now,
  }
}

function slugConflict(error: unknown, slug: string | undefined): never {
  if (
    uniqueViolation(error)?.includes('offers.slug') ||
    uniqueViolation(error)?.includes('offers.creator_id')
  )
    throw fieldConflict(ruleError('slug', 'offer_slug_taken', { slug: String(slug) }))
  throw error
}

export async function createOffer(
  deps: DbDeps,
  scope: Scope,
  input: CreateOfferInput,
  actor: Actor,
): Promise<OfferJson> {
  const shapeErrors = offerShapeErrors(input)
  const errors = shapeErrors.length
    ? shapeErrors
    : await includedOfferErrors(deps, scope, input.included_offer_ids)
  if (errors.length) throw validationFailed(errors)

  const { db, clock } = deps
  const now = clock.now()
  const id = newId('offer', now)
  const status = input.status ?? 'draft'
  const statements: BatchItem<'sqlite'>[] = [
    db.insert(offers).values({
      id,
      creatorId: scope.creatorId,
      kind: input.kind,
      slug: input.slug,
      title: input.title,
      description: input.description ?? '',
      status,
      rank: input.kind === 'tier' ? (input.rank ?? null) : null,
      trialDays: input.trial_days ?? 0,
      durationMinutes: input.duration_minutes ?? null,
      timeZone: input.time_zone ?? null,
      position: input.position ?? 0,
      publishedAt: status === 'live' ? now : null,
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(prices).values(input.prices.map((price) => priceRow(scope, id, price, now))),
  ]
  if (input.included_offer_ids?.length)
    statements.push(
      db.insert(tierBenefits).values(
        input.included_offer_ids.map((includedOfferId) => ({
          creatorId: scope.creatorId,
          tierOfferId: id,
          includedOfferId,
        })),
      ),
    )
  if (input.kind === 'group' && input.group)
    statements.push(
      db.insert(groups).values({
        offerId: id,
        creatorId: scope.creatorId,
        platform: input.group.platform,
        inviteUrl: input.group.invite_url ?? null,
        instructions: input.group.instructions ?? '',
        qrImageUrl: input.group.qr_image_url ?? null,
        capacity: input.group.capacity ?? null,
        rotatedAt: now,
        updatedAt: now,
      }),
    )
  statements.push(
    db.insert(auditLog).values(
      auditRow({
        creatorId: scope.creatorId,
        actor,
        action: 'offer.create',
        subjectType: 'offer',
        subjectId: id,
        detail: { kind: input.kind, slug: input.slug, status },
        at: now,
      }),
    ),
  )
  return writeAndReadOffer(db, scope, id, statements, input.slug)
}

const samePrice = (a: PriceShape, b: PriceShape) =>
  a.amount === b.amount &&
  a.currency === b.currency &&
  a.interval === b.interval &&
  (a.interval === 'once' ? (a.term_days ?? null) : null) ===
    (b.interval === 'once' ? (b.term_days ?? null) : null)

/**
 * Applies a partial update. `prices` replaces the active set: unchanged prices keep their ids, changed ones are
 * archived and new rows created, so orders keep pointing at what was sold. `included_offer_ids` replaces the
 * benefit set. Changing a group's invite records the rotation time.
 *
 * `read`: the offer as the caller has just read it (`findOwnOffer`), so a form that read it to parse the fields
 * of its kind does not read it a second time.
 */
export async function updateOffer(
  deps: DbDeps,
  scope: Scope,
  offerId: string,
  input: UpdateOfferInput,
  actor: Actor,
  read?: OfferRow,
): Promise<OfferJson> {
  const { db, clock } = deps
  const included = input.included_offer_ids
  // New benefits are checked against this creator's offers: read in the same round trip as the offer itself.
  const [found, includedKinds] =
    read === undefined && included?.length
      ? await db.batch([offerBatchQuery(db, scope, offerId), includedKindsQuery(db, scope, included)])
      : [[read ?? (await findOwnOffer(deps, scope, offerId))], undefined]
  const current = found[0]
  if (!current) throw notFound('offer', offerId)
  const currentJson = offerJson(current)

  const mergedGroup =
    input.group !== undefined
      ? { ...(currentJson.group ?? {}), ...input.group }
      : (currentJson.group ?? undefined)
  const merged: OfferShape = {
    kind: current.kind,
    prices: input.prices ?? currentJson.prices,
    rank: input.rank !== undefined ? input.rank : current.rank,
    trial_days: input.trial_days ?? current.trialDays,
    included_offer_ids: input.included_offer_ids ?? currentJson.included_offer_ids,
    duration_minutes: input.duration_minutes ?? current.durationMinutes,
    group: mergedGroup,
  }
  const shapeErrors = offerShapeErrors(merged)
  const errors = shapeErrors.length
    ? shapeErrors
    : included && includedKinds
      ? includedErrors(included, includedKinds)
      : await includedOfferErrors(deps, scope, included)
  if (errors.length) throw validationFailed(errors)

  const now = clock.now()
  const status = input.status ?? current.status
  const statements: BatchItem<'sqlite'>[] = [
    db
      .update(offers)
      .set({
        ...(input.slug !== undefined && { slug: input.slug }),
        ...(input.title !== undefined && { title: input.title }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.position !== undefined && { position: input.position }),
        ...(input.rank !== undefined && { rank: input.rank }),
        ...(input.trial_days !== undefined && { trialDays: input.trial_days }),
        ...(input.duration_minutes !== undefined && { durationMinutes: input.duration_minutes }),
        ...(input.time_zone !== undefined && { timeZone: input.time_zone }),
        status,
        publishedAt: status === 'live' && current.publishedAt === null ? now : current.publishedAt,
        archivedAt: status === 'archived' ? current.archivedAt : null,
        updatedAt: now,
      })
      .where(and(eq(offers.id, offerId), eq(offers.creatorId, scope.creatorId))),
  ]

  if (input.prices) {
    const keep = new Set<string>()
    const added: PriceShape[] = []
    for (const price of input.prices) {
      const match = currentJson.prices.find(
        (existing) => !keep.has(existing.id) && samePrice(existing, price),
      )
      if (match) keep.add(match.id)
      else added.push(price)
    }
    const retired = currentJson.prices.filter((price) => !keep.has(price.id)).map((price) => price.id)
    if (retired.length)
      statements.push(
        db
          .update(prices)
          .set({ active: false })
          .where(and(eq(prices.creatorId, scope.creatorId), inArray(prices.id, retired))),
      )
    if (added.length)
      statements.push(db.insert(prices).values(added.map((price) => priceRow(scope, offerId, price, now))))
  }

  if (input.included_offer_ids) {
    statements.push(db.delete(tierBenefits).where(eq(tierBenefits.tierOfferId, offerId)))
    if (input.included_offer_ids.length)
      statements.push(
        db.insert(tierBenefits).values(
          input.included_offer_ids.map((includedOfferId) => ({
            creatorId: scope.creatorId,
            tierOfferId: offerId,
            includedOfferId,
          })),
        ),
      )
  }

  if (input.group && current.group) {
    const url = input.group.invite_url !== undefined ? input.group.invite_url : current.group.inviteUrl
    const qr = input.group.qr_image_url !== undefined ? input.group.qr_image_url : current.group.qrImageUrl
    const inviteChanged =
      (input.group.invite_url !== undefined && input.group.invite_url !== current.group.inviteUrl) ||
      (input.group.qr_image_url !== undefined && input.group.qr_image_url !== current.group.qrImageUrl) ||
      // A group joined by instructions alone (no link, no QR): new instructions are the new invite.
      (!url &&
        !qr &&
        input.group.instructions !== undefined &&
        input.group.instructions !== current.group.instructions)
    statements.push(
      db
        .update(groups)
        .set({
          ...(input.group.platform !== undefined && { platform: input.group.platform }),
          ...(input.group.invite_url !== undefined && { inviteUrl: input.group.invite_url }),
          ...(input.group.instructions !== undefined && { instructions: input.group.instructions }),
          ...(input.group.qr_image_url !== undefined && { qrImageUrl: input.group.qr_image_url }),
          ...(input.group.capacity !== undefined && { capacity: input.group.capacity }),
          ...(inviteChanged && { rotatedAt: now }),
          updatedAt: now,
        })
        .where(eq(groups.offerId, offerId)),
    )
  }

  statements.push(
    db.insert(auditLog).values(
      auditRow({
        creatorId: scope.creatorId,
        actor,
        action: 'offer.update',
        subjectType: 'offer',
        subjectId: offerId,
        // Field names only: group invites are member-only secrets and do not belong in the log.
        detail: { fields: Object.keys(input), status },
        at: now,
      }),
    ),
  )
  return writeAndReadOffer(db, scope, offerId, statements, input.slug)
}

/** Archives an offer: no longer sold or shown; existing buyers keep their access. Idempotent. */
export async function archiveOffer(
  deps: DbDeps,
  scope: Scope,
  offerId: string,
  actor: Actor,
): Promise<OfferJson> {
  const { db, clock } = deps
  const current = await findOwnOffer(deps, scope, offerId)
  if (current.status === 'archived') return offerJson(current)
  const now = clock.now()
  const statements = [
    db
      .update(offers)
      .set({ status: 'archived', archivedAt: now, updatedAt: now })
      .where(and(eq(offers.id, offerId), eq(offers.creatorId, scope.creatorId))),
    db.insert(auditLog).values(
      auditRow({
        creatorId: scope.creatorId,
        actor,
        action: 'offer.archive',
        subjectType: 'offer',
        subjectId: offerId,
        at: now,
      }),
    ),
  ]
  return writeAndReadOffer(db, scope, offerId, statements)
}

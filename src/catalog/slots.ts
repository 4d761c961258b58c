/**
 * Consultation slots: the creator publishes times; a buyer's checkout holds one, payment books it (issue 4).
 * Here: add (checked for overlaps), list, read, edit while free, remove while free. A held or booked slot can
 * only be released by its checkout expiring or by a cancellation with refund.
 */
import { and, asc, eq, gt, lt, ne, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { alias } from 'drizzle-orm/sqlite-core'
import { type Db, writeBatch, writeThenRead } from '../db/client'
import { auditLog, consultationSlots, offers, type SlotStatus } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditInsertWhen, auditRow } from '../lib/audit'
import { newId } from '../lib/ids'
import { conflict, notFound, validationFailed } from '../lib/problem'
import { toIso } from '../lib/time'
import { type FieldError, offerOfKind, ruleError } from './offer-rules'
import type { OfferJson, SlotJson } from './offer-schemas'
import { offerBatchQuery, offerJson } from './offers'

type Scope = { creatorId: string }
type DbDeps = Pick<Deps, 'db' | 'clock'>
type SlotRow = typeof consultationSlots.$inferSelect

export interface SlotInput {
  starts_at?: string | undefined
  ends_at?: string | undefined
  meeting_details?: string | undefined
}

export function slotJson(row: SlotRow): SlotJson {
  return {
    id: row.id,
    offer_id: row.offerId,
    starts_at: toIso(row.startsAt) ?? '',
    ends_at: toIso(row.endsAt) ?? '',
    status: row.status,
    meeting_details: row.meetingDetails,
    created_at: toIso(row.createdAt) ?? '',
  }
}

export interface Interval {
  startsAt: number
  endsAt: number
}

/** Pure: errors for new slot intervals against each other and against the existing (not cancelled) ones. */
export function slotIntervalErrors(proposed: Interval[], existing: Interval[], now: number): FieldError[] {
  const errors: FieldError[] = []
  proposed.forEach((slot, index) => {
    if (slot.endsAt <= slot.startsAt)
      errors.push(ruleError(`slots.${index}.ends_at`, 'slot_ends_before_start', {}))
    else if (slot.startsAt <= now) errors.push(ruleError(`slots.${index}.starts_at`, 'slot_in_past', {}))
    const overlaps = (other: Interval) => slot.startsAt < other.endsAt && other.startsAt < slot.endsAt
    if (existing.some(overlaps)) errors.push(ruleError(`slots.${index}`, 'slot_overlaps_existing', {}))
    if (proposed.slice(0, index).some(overlaps))
      errors.push(ruleError(`slots.${index}`, 'slot_overlaps_request', {}))
  })
  return errors
}

/** The slots of consultation `offerId` that end after `fromMs`, by start time: a batch item. */
function slotsFromQuery(db: Db, scope: Scope, offerId: string, fromMs: number) {
  return db
    .select()
    .from(consultationSlots)
    .where(
      and(
        eq(consultationSlots.offerId, offerId),
        eq(consultationSlots.creatorId, scope.creatorId),
        gt(consultationSlots.endsAt, fromMs),
      ),
    )
    .orderBy(asc(consultationSlots.startsAt))
}

async function loadConsultation({ db }: Pick<Deps, 'db'>, scope: Scope, offerId: string, fromMs: number) {
  const [found, rows] = await db.batch([
    db
      .select({ id: offers.id, kind: offers.kind, durationMinutes: offers.durationMinutes })
      .from(offers)
      .where(and(eq(offers.id, offerId), eq(offers.creatorId, scope.creatorId))),
    slotsFromQuery(db, scope, offerId, fromMs),
  ])
  return { offer: offerOfKind(found[0], offerId, 'consultation'), slots: rows }
}

/** What `addSlots` decides from: an offer (as the API shows it), its slots that end after `now`, and `now`. */
export interface ConsultationRead {
  offer: OfferJson
  slots: SlotRow[]
  now: number
}

/**
 * This creator's offer `offerId` (404 when unknown or another creator's) and, when it is a consultation, its
 * slots from now on, in one round trip: a page that needs the offer to read its form (the time zone) hands this
 * to `addSlots`, which then reads nothing more.
 */
export async function readConsultation(
  deps: DbDeps,
  scope: Scope,
  offerId: string,
): Promise<ConsultationRead> {
  const { db, clock } = deps
  const now = clock.now()
  const [found, slots] = await db.batch([
    offerBatchQuery(db, scope, offerId),
    slotsFromQuery(db, scope, offerId, now),
  ])
  const offer = found[0]
  if (!offer) throw notFound('offer', offerId)
  return { offer: offerJson(offer), slots, now }
}

export async function listSlots(
  deps: DbDeps,
  scope: Scope,
  offerId: string,
  query: { from?: string | undefined; status?: SlotStatus | undefined },
): Promise<SlotJson[]> {
  const from = query.from ? Date.parse(query.from) : deps.clock.now()
  const { slots } = await loadConsultation(deps, scope, offerId, from)
  return slots
    .filter((slot) => slot.startsAt >= from && (!query.status || slot.status === query.status))
    .map(slotJson)
}

/** `read`: the consultation as the caller has just read it (`readConsultation`), so it is not read again. */
export async function addSlots(
  deps: DbDeps,
  scope: Scope,
  offerId: string,
  input: { slots: SlotInput[] },
  actor: Actor,
  read?: ConsultationRead,
): Promise<SlotJson[]> {
  const now = read ? read.now : deps.clock.now()
  const { offer, slots } = read
    ? {
        offer: { durationMinutes: offerOfKind(read.offer, offerId, 'consultation').duration_minutes },
        slots: read.slots,
      }
    : await loadConsultation(deps, scope, offerId, now)
  const durationMs = (offer.durationMinutes ?? 60) * 60_000
  const rows: SlotRow[] = input.slots.map((slot) => {
    const startsAt = Date.parse(slot.starts_at ?? '')
    return {
      id: newId('slot', now),
      creatorId: scope.creatorId,
      offerId,
      startsAt,
      endsAt: slot.ends_at ? Date.parse(slot.ends_at) : startsAt + durationMs,
      status: 'free',
      holdExpiresAt: null,
      orderId: null,
      buyerId: null,
      meetingDetails: slot.meeting_details ?? '',
      createdAt: now,
      updatedAt: now,
    }
  })
  const live = slots.filter((slot) => slot.status !== 'cancelled')
  const errors = slotIntervalErrors(rows, live, now)
  if (errors.length) throw validationFailed(errors)
  const { db } = deps
  await writeBatch(db, [
    db.insert(consultationSlots).values(rows),
    db.insert(auditLog).values(
      auditRow({
        creatorId: scope.creatorId,
        actor,
        action: 'slot.create',
        subjectType: 'offer',
        subjectId: offerId,
        detail: { slot_ids: rows.map((row) => row.id) },
        at: now,
      }),
    ),
  ])
  return rows.map(slotJson)
}

/** This creator's slot: `[]` for an unknown id and for another creator's slot alike. A batch item. */
function slotQuery(db: Db, scope: Scope, slotId: string) {
  return db
    .select()
    .from(consultationSlots)
    .where(and(eq(consultationSlots.id, slotId), eq(consultationSlots.creatorId, scope.creatorId)))
}

async function findSlot({ db }: Pick<Deps, 'db'>, scope: Scope, slotId: string): Promise<SlotRow> {
  const [row] = await slotQuery(db, scope, slotId)
  if (!row) throw notFound('slot', slotId)
  return row
}

/**
 * The other live slots of a slot's consultation that overlap where `input` moves it: the slot's own times come
 * from a join, so this goes out in the same batch as the slot's read. The interval is the one `updateSlot`
 * computes: a new start keeps the length, a new end is taken as given.
 */
function overlappingQuery(db: Db, scope: Scope, slotId: string, input: SlotInput) {
  const moved = alias(consultationSlots, 'moved')
  const startsAt = input.starts_at ? sql`${Date.parse(input.starts_at)}` : sql`${moved.startsAt}`
  const endsAt = input.ends_at
    ? sql`${Date.parse(input.ends_at)}`
    : sql`(${startsAt} + (${moved.endsAt} - ${moved.startsAt}))`
  return db
    .select({ startsAt: consultationSlots.startsAt, endsAt: consultationSlots.endsAt })
    .from(consultationSlots)
    .innerJoin(moved, and(eq(moved.id, slotId), eq(moved.creatorId, scope.creatorId)))
    .where(
      and(
        eq(consultationSlots.offerId, moved.offerId),
        ne(consultationSlots.id, slotId),
        ne(consultationSlots.status, 'cancelled'),
        lt(consultationSlots.startsAt, endsAt),
        gt(consultationSlots.endsAt, startsAt),
      ),
    )
}

export async function getSlot(deps: Pick<Deps, 'db'>, scope: Scope, slotId: string): Promise<SlotJson> {
  return slotJson(await findSlot(deps, scope, slotId))
}

/** Meeting details may change at any time; times only while the slot is free. */
export async function updateSlot(
  deps: DbDeps,
  scope: Scope,
  slotId: string,
  input: SlotInput,
  actor: Actor,
): Promise<SlotJson> {
  const { db, clock } = deps
  const movesTime = input.starts_at !== undefined || input.ends_at !== undefined
  // A move is checked against the consultation's other slots, read in the same round trip as the slot.
  const [found, others]: [SlotRow[], Interval[]] = movesTime
    ? await db.batch([slotQuery(db, scope, slotId), overlappingQuery(db, scope, slotId, input)])
    : [await slotQuery(db, scope, slotId), []]
  const slot = found[0]
  if (!slot) throw notFound('slot', slotId)
  const now = clock.now()
  if (movesTime && slot.status !== 'free')
    throw conflict(`Slot ${slotId} is ${slot.status}; only a free slot can be moved.`)
  const startsAt = input.starts_at ? Date.parse(input.starts_at) : slot.startsAt
  const endsAt = input.ends_at ? Date.parse(input.ends_at) : startsAt + (slot.endsAt - slot.startsAt)
  if (movesTime) {
    const errors = slotIntervalErrors([{ startsAt, endsAt }], others, now).map((error) => ({
      ...error,
      path: error.path.replace(/^slots\.0\.?/, '') || 'starts_at',
    }))
    if (errors.length) throw validationFailed(errors)
  }
  const statements: BatchItem<'sqlite'>[] = [
    db
      .update(consultationSlots)
      .set({
        startsAt,
        endsAt,
        ...(input.meeting_details !== undefined && { meetingDetails: input.meeting_details }),
        updatedAt: now,
      })
      .where(eq(consultationSlots.id, slotId)),
    db.insert(auditLog).values(
      auditRow({
        creatorId: scope.creatorId,
        actor,
        action: 'slot.update',
        subjectType: 'slot',
        subjectId: slotId,
        detail: { fields: Object.keys(input) },
        at: now,
      }),
    ),
  ]
  const [row] = await writeThenRead(db, statements, slotQuery(db, scope, slotId))
  if (!row) throw notFound('slot', slotId)
  return slotJson(row)
}

/**
 * Removes a free slot from sale (kept as `cancelled` for history). The update is conditional on the slot still
 * being free, so a checkout that holds it at the same moment wins and the removal answers 409.
 */
export async function removeSlot(
  deps: DbDeps,
  scope: Scope,
  slotId: string,
  actor: Actor,
): Promise<SlotJson> {
  const slot = await findSlot(deps, scope, slotId)
  if (slot.status === 'cancelled') return slotJson(slot)
  if (slot.status !== 'free')
    throw conflict(
      `Slot ${slotId} is ${slot.status}; cancel the booking (with refund) instead of removing it.`,
    )
  const { db, clock } = deps
  const now = clock.now()
  const [updated] = await db.batch([
    db
      .update(consultationSlots)
      .set({ status: 'cancelled', updatedAt: now })
      .where(and(eq(consultationSlots.id, slotId), eq(consultationSlots.status, 'free')))
      .returning(),
    auditInsertWhen(
      db,
      auditRow({
        creatorId: scope.creatorId,
        actor,
        action: 'slot.remove',
        subjectType: 'slot',
        subjectId: slotId,
        at: now,
      }),
      sql`exists (select 1 from consultation_slots where id = ${slotId} and status = 'cancelled' and updated_at = ${now})`,
    ),
  ])
  const row = updated[0]
  if (!row) throw conflict(`Slot ${slotId} was taken while removing it; try again.`)
  return slotJson(row)
}

/**
 * Consultation slots: the creator publishes times; a buyer's checkout holds one, payment books it (issue 4).
 * Here: add (checked for overlaps), list, read, edit while free, remove while free. A held or booked slot can
 * only be released by its checkout expiring or by a cancellation with refund.
 */
import { and, asc, eq, gt, lt, ne, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { writeBatch } from '../db/client'
import { auditLog, consultationSlots, offers, type SlotStatus } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditInsertWhen, auditRow } from '../lib/audit'
import { newId } from '../lib/ids'
import { conflict, notFound, validationFailed } from '../lib/problem'
import { toIso } from '../lib/time'
import { type FieldError, ruleError } from './offer-rules'
import type { SlotJson } from './offer-schemas'

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

async function loadConsultation({ db }: Pick<Deps, 'db'>, scope: Scope, offerId: string, fromMs: number) {
  const [found, rows] = await db.batch([
    db
      .select({ id: offers.id, kind: offers.kind, durationMinutes: offers.durationMinutes })
      .from(offers)
      .where(and(eq(offers.id, offerId), eq(offers.creatorId, scope.creatorId))),
    db
      .select()
      .from(consultationSlots)
      .where(
        and(
          eq(consultationSlots.offerId, offerId),
          eq(consultationSlots.creatorId, scope.creatorId),
          gt(consultationSlots.endsAt, fromMs),
        ),
      )
      .orderBy(asc(consultationSlots.startsAt)),
  ])
  const offer = found[0]
  if (!offer) throw notFound('offer', offerId)
  if (offer.kind !== 'consultation')
    throw conflict(`Offer ${offerId} is a ${offer.kind}; only consultations have slots.`)
  return { offer, slots: rows }
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

export async function addSlots(
  deps: DbDeps,
  scope: Scope,
  offerId: string,
  input: { slots: SlotInput[] },
  actor: Actor,
): Promise<SlotJson[]> {
  const now = deps.clock.now()
  const { offer, slots } = await loadConsultation(deps, scope, offerId, now)
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

async function findSlot({ db }: Pick<Deps, 'db'>, scope: Scope, slotId: string): Promise<SlotRow> {
  const [row] = await db
    .select()
    .from(consultationSlots)
    .where(and(eq(consultationSlots.id, slotId), eq(consultationSlots.creatorId, scope.creatorId)))
  if (!row) throw notFound('slot', slotId)
  return row
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
  const slot = await findSlot(deps, scope, slotId)
  const { db, clock } = deps
  const now = clock.now()
  const movesTime = input.starts_at !== undefined || input.ends_at !== undefined
  if (movesTime && slot.status !== 'free')
    throw conflict(`Slot ${slotId} is ${slot.status}; only a free slot can be moved.`)
  const startsAt = input.starts_at ? Date.parse(input.starts_at) : slot.startsAt
  const endsAt = input.ends_at ? Date.parse(input.ends_at) : startsAt + (slot.endsAt - slot.startsAt)
  if (movesTime) {
    const others = await db
      .select({ startsAt: consultationSlots.startsAt, endsAt: consultationSlots.endsAt })
      .from(consultationSlots)
      .where(
        and(
          eq(consultationSlots.offerId, slot.offerId),
          ne(consultationSlots.id, slotId),
          ne(consultationSlots.status, 'cancelled'),
          lt(consultationSlots.startsAt, endsAt),
          gt(consultationSlots.endsAt, startsAt),
        ),
      )
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
  await writeBatch(db, statements)
  return getSlot(deps, scope, slotId)
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

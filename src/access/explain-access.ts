/**
 * The access explainer: for one member, each of the creator's offers with whether the member can use it now and
 * why, the entitlements behind that answer and their history (Stripe events, admin actions), and per course which
 * lessons are open. It answers support questions ("why can't she read lesson 4?") with the same rules and the
 * same reads as the gated pages, so it cannot disagree with them.
 */
import { and, asc, eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { auditLog, entitlementChanges, entitlements, lessons, stripeEvents } from '../db/schema'
import type { Deps } from '../deps'
import { notFound } from '../lib/problem'
import { toIso } from '../lib/time'
import {
  type AccessScope,
  accessData,
  accessFrom,
  accessQuery,
  type CatalogOffer,
  groupSeatsQuery,
  type HeldRow,
} from './access-query'
import {
  type Access,
  type Decision,
  entitlementCounts,
  type GroupSeats,
  groupDecision,
  lessonDecision,
  lessonOpensAt,
  offerDecision,
} from './access-rules'
import type {
  AccessExplanationJson,
  CauseJson,
  ExplainedEntitlementJson,
  HistoryJson,
  OfferAccessJson,
} from './access-schemas'

/** Every change to the member's entitlements with this creator, oldest first, with what caused it. */
function selectHistory(db: Db, scope: AccessScope & { buyerId: string }) {
  return (
    db
      .select({
        entitlementId: entitlementChanges.entitlementId,
        at: entitlementChanges.at,
        change: entitlementChanges.change,
        stateAfter: entitlementChanges.stateAfter,
        endsAtAfter: entitlementChanges.endsAtAfter,
        causeType: entitlementChanges.causeType,
        causeId: entitlementChanges.causeId,
        eventType: stripeEvents.type,
        eventObjectId: stripeEvents.objectId,
        auditAction: auditLog.action,
        auditActorType: auditLog.actorType,
      })
      .from(entitlementChanges)
      .innerJoin(
        entitlements,
        and(
          eq(entitlements.id, entitlementChanges.entitlementId),
          eq(entitlements.creatorId, scope.creatorId),
          eq(entitlements.buyerId, scope.buyerId),
        ),
      )
      .leftJoin(
        stripeEvents,
        and(
          eq(entitlementChanges.causeType, 'stripe_event'),
          eq(stripeEvents.id, entitlementChanges.causeId),
        ),
      )
      // Scoped by creator: an audit row is only ever shown to the creator it belongs to.
      .leftJoin(
        auditLog,
        and(
          eq(entitlementChanges.causeType, 'admin'),
          eq(auditLog.id, entitlementChanges.causeId),
          eq(auditLog.creatorId, scope.creatorId),
        ),
      )
      .where(eq(entitlementChanges.creatorId, scope.creatorId))
      .orderBy(asc(entitlementChanges.at), asc(entitlementChanges.id))
  )
}

/** The creator's lessons, without bodies, in course order. */
function selectLessons(db: Db, creatorId: string) {
  return db
    .select({
      id: lessons.id,
      offerId: lessons.offerId,
      position: lessons.position,
      title: lessons.title,
      freePreview: lessons.freePreview,
      dripDays: lessons.dripDays,
    })
    .from(lessons)
    .where(eq(lessons.creatorId, creatorId))
    .orderBy(asc(lessons.offerId), asc(lessons.position))
}

type HistoryRow = Awaited<ReturnType<typeof selectHistory>>[number]
type LessonRow = Awaited<ReturnType<typeof selectLessons>>[number]
type SeatRow = Awaited<ReturnType<typeof groupSeatsQuery>>[number]

/**
 * Explains one member's access to the creator's offers at the clock's now. One round trip: the access reads the
 * pages use, the history, the lessons and the group seats in one batch. A buyer with no entitlement ever with
 * this creator is a 404, exactly like an unknown id: buyers are shared across creators.
 */
export async function explainAccess(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: { creatorId: string },
  buyerId: string,
): Promise<AccessExplanationJson> {
  const read = explainAccessRead({ db, clock }, scope, buyerId)
  return read.answer(...(await db.batch(read.queries)))
}

/**
 * `explainAccess` as four batch items and the function that answers from their rows, for a page that shows the
 * explanation beside other reads in one `db.batch`.
 */
export function explainAccessRead(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: { creatorId: string },
  buyerId: string,
) {
  const accessScope = { buyerId, creatorId: scope.creatorId }
  return {
    queries: [
      selectHistory(db, accessScope),
      selectLessons(db, scope.creatorId),
      groupSeatsQuery(db, accessScope),
      accessQuery(db, accessScope),
    ] as const,
    answer: (
      historyRows: HistoryRow[],
      lessonRows: LessonRow[],
      seatRows: SeatRow[],
      accessRows: Awaited<ReturnType<typeof accessQuery>>,
    ): AccessExplanationJson => {
      const data = accessData(accessRows)
      if (data.held.length === 0) throw notFound('member', buyerId)
      const access = accessFrom(data, { buyerId, now: clock.now() })
      return explanationJson({
        access,
        held: data.held,
        history: historyRows,
        lessons: lessonRows,
        seats: seatRows,
      })
    },
  }
}

function causeJson(row: HistoryRow): CauseJson {
  if (row.causeType === 'stripe_event')
    return { type: 'stripe_event', id: row.causeId, event_type: row.eventType, object_id: row.eventObjectId }
  if (row.causeType === 'admin')
    return { type: 'admin', id: row.causeId, action: row.auditAction, actor_type: row.auditActorType }
  return { type: row.causeType, id: row.causeId }
}

function historyJson(row: HistoryRow): HistoryJson {
  return {
    at: toIso(row.at) ?? '',
    change: row.change,
    state_after: row.stateAfter,
    ends_at_after: toIso(row.endsAtAfter),
    cause: causeJson(row),
  }
}

/** A decision as the explainer's reason: how access is given, or why it is refused. */
function reasonOf(decision: Decision): OfferAccessJson['reason'] {
  if (!decision.allowed) return decision.reason
  return decision.via?.through ?? 'direct'
}

const noSeats: GroupSeats = { capacity: null, memberCount: 0, alreadyMember: false }

/** Pure: the explainer's answer from what `explainAccess` read. */
export function explanationJson(input: {
  access: Access<CatalogOffer>
  held: readonly HeldRow[]
  history: readonly HistoryRow[]
  lessons: readonly LessonRow[]
  seats: readonly SeatRow[]
}): AccessExplanationJson {
  const { access } = input
  const historyOf = new Map<string, HistoryJson[]>()
  for (const row of input.history) {
    const list = historyOf.get(row.entitlementId) ?? []
    list.push(historyJson(row))
    historyOf.set(row.entitlementId, list)
  }
  const entitlementJson = (e: HeldRow): ExplainedEntitlementJson => ({
    id: e.id,
    offer_id: e.offerId,
    state: e.state,
    source: e.source,
    source_id: e.sourceId,
    starts_at: toIso(e.startsAt) ?? '',
    ends_at: toIso(e.endsAt),
    grace_ends_at: toIso(e.graceEndsAt),
    counts: entitlementCounts(e, access.now),
    history: historyOf.get(e.id) ?? [],
  })

  const offers: OfferAccessJson[] = []
  for (const offer of access.offers) {
    const behind = input.held.filter(
      (e) => e.offerId === offer.id || access.ladder(e.offerId).includes(offer.id),
    )
    const granted = access.granted.get(offer.id)
    // Drafts and archived offers only matter to members who hold, held or can use them.
    if (offer.status !== 'live' && behind.length === 0 && !granted) continue
    const seatRow = input.seats.find((row) => row.offerId === offer.id)
    const seats = seatRow ?? noSeats
    const decision =
      offer.kind === 'group' ? groupDecision(offer.id, access, seats) : offerDecision(offer.id, access)
    offers.push({
      offer_id: offer.id,
      kind: offer.kind,
      title: offer.title,
      status: offer.status,
      rank: offer.rank,
      access: decision.allowed,
      reason: reasonOf(decision),
      via: granted
        ? {
            entitlement_id: granted.via.entitlementId,
            offer_id: granted.via.heldOfferId,
            through: granted.via.through,
          }
        : null,
      started_at: toIso(granted?.startedAt),
      entitlements: behind.map(entitlementJson),
      ...(offer.kind === 'course'
        ? {
            lessons: input.lessons
              .filter((lesson) => lesson.offerId === offer.id)
              .map((lesson) => {
                const lessonAccess = lessonDecision(lesson, access)
                return {
                  id: lesson.id,
                  position: lesson.position,
                  title: lesson.title,
                  free_preview: lesson.freePreview,
                  drip_days: lesson.dripDays,
                  open: lessonAccess.allowed,
                  opens_at: toIso(lessonOpensAt(lesson, access)),
                  reason: lessonAccess.allowed ? null : lessonAccess.reason,
                }
              }),
          }
        : {}),
      ...(offer.kind === 'group'
        ? {
            group: { capacity: seats.capacity, member_count: seats.memberCount, member: seats.alreadyMember },
          }
        : {}),
    })
  }
  return {
    member_id: access.buyerId ?? '',
    now: toIso(access.now) ?? '',
    top_rank: access.topRank,
    offers,
  }
}

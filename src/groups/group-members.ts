/**
 * A group's members, the creator's side: who was let in, who must now be removed from the chat, and marking
 * someone removed. "Must be removed" is decided at read time by the access rules (`offerDecision` on each
 * member's entitlements), never stored by the billing handlers, so it is right whatever order Stripe's events
 * arrived in and for passes that simply ran out. Scoped by the API key's creator: another creator's group is a
 * 404, exactly like an unknown id.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { BatchResponse } from 'drizzle-orm/batch'
import { accessData, accessFrom, accessQuery, type CatalogOffer, type HeldRow } from '../access/access-query'
import { offerDecision } from '../access/access-rules'
import type { OfferJson } from '../catalog/offer-schemas'
import { offersPageRead } from '../catalog/offers'
import type { Db } from '../db/client'
import { buyers, entitlements, groupMembers, groups } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditInsertWhen, auditRow } from '../lib/audit'
import { conflict, notFound } from '../lib/problem'
import { toIso } from '../lib/time'
import { type GroupMemberStatus, lostAccessReason, memberStatus } from './group-rules'
import type { GroupMemberJson, GroupMemberListJson, ListGroupMembersQuery } from './group-schemas'

type Scope = { creatorId: string }

/** Only group `offerId`'s rows, or (null) those of every group. */
const inGroup = (column: typeof groups.offerId | typeof groupMembers.offerId, offerId: string | null) =>
  offerId === null ? undefined : eq(column, offerId)

/**
 * The group (or, `offerId` null, every group of the creator's), only if it is this creator's, with its seats
 * taken (recorded `member` rows).
 */
function selectOwnGroup(db: Db, scope: Scope, offerId: string | null) {
  return db
    .select({
      offerId: groups.offerId,
      capacity: groups.capacity,
      seatsTaken:
        sql<number>`(select count(*) from ${groupMembers} where ${groupMembers.offerId} = ${groups.offerId}
        and ${groupMembers.status} = 'member')`.mapWith(Number),
    })
    .from(groups)
    .where(and(inGroup(groups.offerId, offerId), eq(groups.creatorId, scope.creatorId)))
}

/**
 * The recorded statuses a listed status can come from: `to_remove` is also a recorded `member` who lost access,
 * and `member` a recorded `member` who has it; `removed` is only ever recorded.
 */
function recordedStatusesFor(status: GroupMemberStatus | undefined): GroupMemberStatus[] {
  if (status === 'removed') return ['removed']
  if (status === 'member') return ['member']
  if (status === 'to_remove') return ['member', 'to_remove']
  return ['member', 'to_remove', 'removed']
}

/** The group's members (`offerId` null: every group's) in the `recorded` statuses, newest first. */
function selectMembers(
  db: Db,
  scope: Scope,
  offerId: string | null,
  filter: { recorded: GroupMemberStatus[]; buyerId?: string },
) {
  return db
    .select({
      offerId: groupMembers.offerId,
      buyerId: groupMembers.buyerId,
      email: buyers.email,
      name: buyers.name,
      status: groupMembers.status,
      firstRevealedAt: groupMembers.firstRevealedAt,
      removedAt: groupMembers.removedAt,
    })
    .from(groupMembers)
    .innerJoin(buyers, eq(buyers.id, groupMembers.buyerId))
    .where(
      and(
        inGroup(groupMembers.offerId, offerId),
        eq(groupMembers.creatorId, scope.creatorId),
        inArray(groupMembers.status, filter.recorded),
        filter.buyerId === undefined ? undefined : eq(groupMembers.buyerId, filter.buyerId),
      ),
    )
    .orderBy(desc(groupMembers.firstRevealedAt), desc(groupMembers.buyerId))
}

/**
 * Every listed member's entitlements with this creator, in the shape `accessFrom` reads for one buyer
 * (`HeldRow`, checked by the compiler) plus the buyer id to split them by: `accessQuery` reads one buyer's,
 * and a list needs them for every member in the same round trip.
 */
function selectMembersHeld(db: Db, scope: Scope, offerId: string | null, recorded: GroupMemberStatus[]) {
  const listed = db
    .select({ buyerId: groupMembers.buyerId })
    .from(groupMembers)
    .where(
      and(
        inGroup(groupMembers.offerId, offerId),
        eq(groupMembers.creatorId, scope.creatorId),
        inArray(groupMembers.status, recorded),
      ),
    )
  return db
    .select({
      buyerId: entitlements.buyerId,
      id: entitlements.id,
      offerId: entitlements.offerId,
      state: entitlements.state,
      startsAt: entitlements.startsAt,
      endsAt: entitlements.endsAt,
      graceEndsAt: entitlements.graceEndsAt,
      source: entitlements.source,
      sourceId: entitlements.sourceId,
    })
    .from(entitlements)
    .where(and(eq(entitlements.creatorId, scope.creatorId), inArray(entitlements.buyerId, listed)))
    .orderBy(asc(entitlements.startsAt), asc(entitlements.id))
}

type MemberRow = Awaited<ReturnType<typeof selectMembers>>[number]

/** Pure: one member as the API shows it, with the access rules' answer at `now`. */
function memberJson(
  row: MemberRow,
  input: { offerId: string; held: HeldRow[]; catalog: CatalogOffer[]; now: number },
): GroupMemberJson {
  const access = accessFrom(
    { held: input.held, catalog: input.catalog },
    { buyerId: row.buyerId, now: input.now },
  )
  // A member keeps their seat whatever the capacity, so entitlement alone decides (see `groupDecision`).
  const decision = offerDecision(input.offerId, access)
  return {
    buyer_id: row.buyerId,
    email: row.email,
    name: row.name,
    status: memberStatus(row.status, decision.allowed),
    recorded_status: row.status,
    has_access: decision.allowed,
    access_reason: lostAccessReason(decision),
    first_revealed_at: toIso(row.firstRevealedAt) ?? '',
    removed_at: toIso(row.removedAt),
  }
}

/**
 * The reads behind `listGroupMembers` as batch items, for one group or (`offerId` null) every group of the
 * creator's at once: the groups, their members in `query`'s status, those members' entitlements and the
 * creator's catalog. `answer(rows, now)` gives the function that answers one group's list from their rows.
 */
function groupMembersRead(db: Db, scope: Scope, offerId: string | null, query: ListGroupMembersQuery) {
  const recorded = recordedStatusesFor(query.status)
  const queries = [
    selectOwnGroup(db, scope, offerId),
    selectMembers(db, scope, offerId, { recorded }),
    selectMembersHeld(db, scope, offerId, recorded),
    // The catalog alone (signed out: no one's entitlements): the entitlement read above covers every member.
    accessQuery(db, { buyerId: null, creatorId: scope.creatorId }),
  ] as const
  const answer = (
    [groupRows, memberRows, heldRows, catalogRows]: BatchResponse<typeof queries>,
    now: number,
  ): ((offerId: string) => GroupMemberListJson) => {
    const { catalog } = accessData(catalogRows)
    const heldBy = new Map<string, HeldRow[]>()
    for (const row of heldRows) {
      const held = heldBy.get(row.buyerId)
      if (held) held.push(row)
      else heldBy.set(row.buyerId, [row])
    }
    return (offerId) => {
      const group = groupRows.find((row) => row.offerId === offerId)
      if (!group) throw notFound('group', offerId)
      const data = memberRows
        .filter((row) => row.offerId === offerId)
        .map((row) => memberJson(row, { offerId, held: heldBy.get(row.buyerId) ?? [], catalog, now }))
        .filter((member) => query.status === undefined || member.status === query.status)
      return { offer_id: offerId, capacity: group.capacity, seats_taken: group.seatsTaken, data }
    }
  }
  return { queries, answer }
}

/**
 * The group's members, newest first, each with whether they are entitled now and so what to do about them.
 * One round trip: the group, the members, their entitlements and the creator's catalog in one batch.
 */
export async function listGroupMembers(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: Scope,
  offerId: string,
  query: ListGroupMembersQuery,
): Promise<GroupMemberListJson> {
  const read = groupMembersRead(db, scope, offerId, query)
  return read.answer(await db.batch(read.queries), clock.now())(offerId)
}

/**
 * Each group among the creator's offers (the first 100, newest first, as `listOffers` pages them) with its
 * members in `query`'s status (`listGroupMembers`), in one round trip: the offers and the reads behind every
 * group's list in one batch, whatever the number of groups.
 */
export async function listEveryGroupMembers(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: Scope,
  query: ListGroupMembersQuery,
): Promise<{ offer: OfferJson; list: GroupMemberListJson }[]> {
  const offers = offersPageRead(db, scope, { limit: 100, kind: 'group' })
  const lists = groupMembersRead(db, scope, null, query)
  const [offerRows, ...rows] = await db.batch([offers.query, ...lists.queries])
  const listOf = lists.answer(rows, clock.now())
  return offers.answer(offerRows).data.map((offer) => ({ offer, list: listOf(offer.id) }))
}

/**
 * The creator removed the buyer from the chat: status `removed`, `removed_at`, and an audit row, in one batch.
 * Refused (409) while the buyer still has access: they would simply reveal the invite and rejoin. Marking a
 * removed member again changes nothing and writes nothing. One read batch (the member and the access data),
 * then one write batch.
 */
export async function markGroupMemberRemoved(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  scope: Scope,
  input: { offerId: string; buyerId: string },
  actor: Actor,
): Promise<GroupMemberJson> {
  const { offerId, buyerId } = input
  const now = clock.now()
  const recorded = recordedStatusesFor(undefined)
  const [groupRows, memberRows, accessRows] = await db.batch([
    selectOwnGroup(db, scope, offerId),
    selectMembers(db, scope, offerId, { recorded, buyerId }),
    accessQuery(db, { buyerId, creatorId: scope.creatorId }),
  ])
  if (!groupRows[0]) throw notFound('group', offerId)
  const member = memberRows[0]
  if (!member) throw notFound('group member', buyerId)
  const current = memberJson(member, { offerId, ...accessData(accessRows), now })
  if (current.has_access)
    throw conflict(
      `Buyer ${buyerId} still has access to this group, so they could reveal the invite and rejoin at once. ` +
        'Refund or revoke their access first, then mark them removed.',
    )
  if (member.status === 'removed') return current

  const stillPresent = sql`${groupMembers.offerId} = ${offerId} and ${groupMembers.buyerId} = ${buyerId}
    and ${groupMembers.status} <> 'removed'`
  // The audit row goes first, on the same condition as the update: of two concurrent marks only the first
  // batch finds the member not yet removed, so the log records the removal once.
  const [, updated] = await db.batch([
    auditInsertWhen(
      db,
      auditRow({
        creatorId: scope.creatorId,
        actor,
        action: 'group_member.remove',
        subjectType: 'group_member',
        subjectId: buyerId,
        detail: { offer_id: offerId, status_before: member.status },
        at: now,
      }),
      sql`exists (select 1 from ${groupMembers} where ${stillPresent})`,
    ),
    db
      .update(groupMembers)
      .set({ status: 'removed', removedAt: now })
      .where(stillPresent)
      .returning({ removedAt: groupMembers.removedAt }),
  ])
  return {
    ...current,
    status: 'removed',
    recorded_status: 'removed',
    removed_at: toIso(updated[0]?.removedAt ?? now),
  }
}

/**
 * Revealing a group's invite to the signed-in buyer: the verb behind `GET /me/groups/:offerId` and
 * `GET /api/v1/me/groups/{offer_id}`.
 *
 * One read batch decides (the viewer, the group, its seats and the access data, with the access rules'
 * `groupDecision`); a reveal then costs one write batch that takes a seat and logs the reveal. The seat is
 * taken by a conditional upsert whose capacity check runs inside the write itself, so two buyers racing for the
 * last seat cannot both get in, however their reads interleaved.
 */
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm'
import {
  accessData,
  accessFrom,
  accessQuery,
  type CatalogOffer,
  groupSeatsQuery,
} from '../access/access-query'
import { type Decision, groupDecision } from '../access/access-rules'
import { toViewer, viewerBuyerId, viewerQuery } from '../accounts/sessions'
import type { Db } from '../db/client'
import {
  creators,
  type GroupPlatform,
  groupMembers,
  groupReveals,
  groups,
  type Locale,
  offers,
} from '../db/schema'
import type { Deps } from '../deps'
import { newId } from '../lib/ids'
import { notFound } from '../lib/problem'

/** The group offer as the pages show it: public facts only (the invite travels separately). */
export interface GroupOffer {
  id: string
  title: string
  platform: GroupPlatform
  status: 'live' | 'archived'
  creator: { slug: string; name: string; locale: Locale; timeZone: string }
}

/** The secret part, shown only to a buyer the rules let in. */
export interface Invite {
  platform: GroupPlatform
  invite_url: string | null
  qr_image_url: string | null
  instructions: string
  rotated_at: number | null
}

export type Refusal = Extract<Decision, { allowed: false }>

export type RevealOutcome =
  | { status: 'signed_out' }
  | {
      status: 'refused'
      decision: Refusal
      offer: GroupOffer
      /** The signed-in buyer's email, so a page can say which account has no access. */
      email: string
      /** The offers of `decision.buy`, in that order, with titles and active prices for buy buttons. */
      buyOffers: CatalogOffer[]
    }
  | { status: 'revealed'; invite: Invite; offer: GroupOffer }

/**
 * The creator of a group offer, as SQL: the access reads are scoped by it without a round trip to learn it.
 * Plain names, not drizzle columns: the catalog's relational query re-aliases columns to its own table.
 */
function creatorOfGroup(offerId: string): SQL {
  return sql`(select creator_id from groups where offer_id = ${offerId})`
}

/**
 * The group and its offer, live or archived (an archived group still serves the buyers who hold it; a draft is
 * not a group anyone has been sold yet), with the creator's language for the page.
 */
function selectGroup(db: Db, offerId: string) {
  return db
    .select({
      offerId: groups.offerId,
      platform: groups.platform,
      inviteUrl: groups.inviteUrl,
      qrImageUrl: groups.qrImageUrl,
      instructions: groups.instructions,
      rotatedAt: groups.rotatedAt,
      title: offers.title,
      status: offers.status,
      offerTimeZone: offers.timeZone,
      creatorSlug: creators.slug,
      creatorName: creators.name,
      locale: creators.locale,
      creatorTimeZone: creators.timeZone,
    })
    .from(groups)
    .innerJoin(offers, and(eq(offers.id, groups.offerId), eq(offers.creatorId, groups.creatorId)))
    .innerJoin(creators, eq(creators.id, groups.creatorId))
    .where(and(eq(groups.offerId, offerId), inArray(offers.status, ['live', 'archived'])))
    .limit(1)
}

/**
 * Takes the buyer's seat: inserts a `member` row, or turns a `to_remove` / `removed` row back into `member`
 * (keeping `first_revealed_at`). Only while a seat is free — the buyer already holds one, the group is
 * unlimited, or fewer `member` rows than its capacity — checked by the statement itself, so the check and the
 * write are one atomic step. Returns the row when it took (or kept) the seat, nothing when the group was full.
 */
function takeSeat(db: Db, input: { offerId: string; buyerId: string; now: number }) {
  const { offerId, buyerId, now } = input
  const seatFree = sql`(
    exists (select 1 from ${groupMembers} where ${groupMembers.offerId} = ${offerId}
      and ${groupMembers.buyerId} = ${buyerId} and ${groupMembers.status} = 'member')
    or ${groups.capacity} is null
    or (select count(*) from ${groupMembers} where ${groupMembers.offerId} = ${offerId}
      and ${groupMembers.status} = 'member') < ${groups.capacity})`
  return db
    .insert(groupMembers)
    .select((qb) =>
      qb
        .select({
          offerId: groups.offerId,
          buyerId: sql<string>`${buyerId}`.as('buyer_id'),
          creatorId: groups.creatorId,
          status: sql<'member'>`'member'`.as('status'),
          firstRevealedAt: sql<number>`${now}`.as('first_revealed_at'),
          removedAt: sql<null>`null`.as('removed_at'),
        })
        .from(groups)
        // SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT (else it parses it as a join).
        .where(and(eq(groups.offerId, offerId), seatFree)),
    )
    .onConflictDoUpdate({
      target: [groupMembers.offerId, groupMembers.buyerId],
      set: { status: 'member', removedAt: null },
    })
    .returning({ status: groupMembers.status })
}

/** Logs the reveal, only if the seat statement before it left the buyer a member (same batch). */
function logReveal(db: Db, input: { offerId: string; buyerId: string; now: number }) {
  const { offerId, buyerId, now } = input
  return db.insert(groupReveals).select((qb) =>
    qb
      .select({
        id: sql<string>`${newId('groupReveal', now)}`.as('id'),
        offerId: groupMembers.offerId,
        buyerId: groupMembers.buyerId,
        creatorId: groupMembers.creatorId,
        at: sql<number>`${now}`.as('at'),
      })
      .from(groupMembers)
      .where(
        and(
          eq(groupMembers.offerId, offerId),
          eq(groupMembers.buyerId, buyerId),
          eq(groupMembers.status, 'member'),
        ),
      ),
  )
}

const fullRefusal: Refusal = { allowed: false, reason: 'full', buy: [] }

/**
 * Shows the group's invite to the signed-in buyer if the access rules let them in. Signed out (no session, an
 * expired one, or a creator's) is `signed_out`; an unknown or draft group is a 404 problem. One round trip to
 * decide; a reveal adds one write batch (seat + log). Without a session cookie nothing is read at all.
 */
export async function revealGroup(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  input: { sessionHash: string | null; offerId: string },
): Promise<RevealOutcome> {
  const { sessionHash, offerId } = input
  if (sessionHash === null) return { status: 'signed_out' }
  const now = clock.now()
  const scope = { buyerId: viewerBuyerId(sessionHash, now), creatorId: creatorOfGroup(offerId) }
  const [viewerRows, groupRows, seatRows, accessRows] = await db.batch([
    viewerQuery(db, sessionHash, now),
    selectGroup(db, offerId),
    groupSeatsQuery(db, { ...scope, offerId }),
    accessQuery(db, scope),
  ])
  const viewer = toViewer(viewerRows)
  if (viewer?.role !== 'buyer') return { status: 'signed_out' }
  const group = groupRows[0]
  const seats = seatRows[0]
  if (!group || !seats) throw notFound('group', offerId)

  const offer: GroupOffer = {
    id: group.offerId,
    title: group.title,
    platform: group.platform,
    status: group.status === 'archived' ? 'archived' : 'live',
    creator: {
      slug: group.creatorSlug,
      name: group.creatorName,
      locale: group.locale,
      timeZone: group.offerTimeZone ?? group.creatorTimeZone,
    },
  }
  const access = accessFrom(accessData(accessRows), { buyerId: viewer.buyerId, now })
  const refused = (decision: Refusal): RevealOutcome => ({
    status: 'refused',
    decision,
    offer,
    email: viewer.email,
    buyOffers: decision.buy.flatMap((id) => access.offers.filter((candidate) => candidate.id === id)),
  })
  const decision = groupDecision(offerId, access, seats)
  if (!decision.allowed) return refused(decision)

  const seat = { offerId, buyerId: viewer.buyerId, now }
  const [taken] = await db.batch([takeSeat(db, seat), logReveal(db, seat)])
  // Another buyer took the last seat between this read and this write.
  if (taken.length === 0) return refused(fullRefusal)
  return {
    status: 'revealed',
    offer,
    invite: {
      platform: group.platform,
      invite_url: group.inviteUrl,
      qr_image_url: group.qrImageUrl,
      instructions: group.instructions,
      rotated_at: group.rotatedAt,
    },
  }
}

/**
 * The mails a paid order sends: a receipt saying what was bought and how to open it, and for a consultation the
 * booking with an .ics invite. They are queued in the same write batch as the grant (mail/outbox.ts), with a
 * dedupe key per order, so a replayed or reconciled event never mails twice and a failed batch mails nothing.
 */
import { eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { buyers, consultationSlots, creators, offers, orders } from '../db/schema'
import type { Deps } from '../deps'
import { buildIcs } from '../mail/ics'
import { queueMail } from '../mail/outbox'
import { consultationMail, receiptMail } from '../mail/templates'

/** What the mails need about an order, read by id alongside the handler's other reads (same round trip). */
export function receiptQuery(db: Deps['db'], orderId: string) {
  return db
    .select({
      offerId: offers.id,
      offerTitle: offers.title,
      kind: offers.kind,
      offerTimeZone: offers.timeZone,
      creatorName: creators.name,
      creatorLocale: creators.locale,
      creatorTimeZone: creators.timeZone,
      slotStartsAt: consultationSlots.startsAt,
      slotEndsAt: consultationSlots.endsAt,
      meetingDetails: consultationSlots.meetingDetails,
      buyerLocale: buyers.locale,
    })
    .from(orders)
    .innerJoin(offers, eq(offers.id, orders.offerId))
    .innerJoin(creators, eq(creators.id, orders.creatorId))
    .leftJoin(consultationSlots, eq(consultationSlots.id, orders.slotId))
    .leftJoin(buyers, eq(buyers.email, orders.email))
    .where(eq(orders.id, orderId))
}

export type ReceiptFacts = Awaited<ReturnType<typeof receiptQuery>>[number]

/** Where the buyer opens what they bought. */
export function accessPath(kind: string, offerId: string): string {
  if (kind === 'course') return `/learn/${offerId}`
  if (kind === 'group') return `/me/groups/${offerId}`
  return '/me'
}

export function receiptStatements(
  db: Deps['db'],
  facts: ReceiptFacts,
  order: { id: string; amount: number; currency: string; slotId: string | null },
  input: { email: string; endsAt: number | null; publicUrl: string; now: number },
): BatchItem<'sqlite'>[] {
  const locale = facts.buyerLocale ?? facts.creatorLocale
  const base = input.publicUrl
  const statements = [
    queueMail(
      db,
      {
        to: input.email,
        dedupeKey: `receipt:${order.id}`,
        ...receiptMail({
          locale,
          creatorName: facts.creatorName,
          offerTitle: facts.offerTitle,
          kind: facts.kind,
          amount: order.amount,
          currency: order.currency,
          endsAt: input.endsAt,
          accessUrl: `${base}${accessPath(facts.kind, facts.offerId)}`,
          signInUrl: `${base}/login`,
          timeZone: facts.creatorTimeZone,
        }),
      },
      input.now,
    ),
  ]
  if (order.slotId && facts.slotStartsAt !== null && facts.slotEndsAt !== null) {
    const timeZone = facts.offerTimeZone ?? facts.creatorTimeZone
    statements.push(
      queueMail(
        db,
        {
          to: input.email,
          dedupeKey: `booking:${order.id}`,
          ...consultationMail({
            locale,
            creatorName: facts.creatorName,
            offerTitle: facts.offerTitle,
            startsAt: facts.slotStartsAt,
            endsAt: facts.slotEndsAt,
            timeZone,
            meetingDetails: facts.meetingDetails ?? '',
            ics: buildIcs({
              uid: `${order.slotId}-${order.id}@quanzi`,
              stamp: input.now,
              start: facts.slotStartsAt,
              end: facts.slotEndsAt,
              summary: `${facts.offerTitle} · ${facts.creatorName}`,
              ...(facts.meetingDetails ? { description: facts.meetingDetails } : {}),
              url: `${base}/me`,
            }),
          }),
        },
        input.now,
      ),
    )
  }
  return statements
}

/**
 * Community groups: the buyer's invite (a page and a JSON call, both by session cookie) and the creator's
 * member list (API key, applied by app.ts). Thin handlers: read the session or the key's creator, call one
 * verb, shape the answer. Mounted at `/`, so paths are written in full.
 */
import type { Context } from 'hono'
import { sessionFrom } from '../accounts/sessions'
import type { AppEnv } from '../app-env'
import type { Deps } from '../deps'
import { apiRoutes, defineRoute } from '../lib/api-route'
import { errorResponses, jsonResponse } from '../lib/openapi'
import { notFound, Problem, unauthorized } from '../lib/problem'
import { toIso } from '../lib/time'
import { pageLocale } from '../web/locale'
import { listGroupMembers, markGroupMemberRemoved } from './group-members'
import { InvitePage, RefusedPage } from './group-pages'
import { groupRefusalReason } from './group-rules'
import {
  groupIdParam,
  groupMemberListSchema,
  groupMemberParams,
  groupMemberSchema,
  groupOfferParam,
  inviteSchema,
  listGroupMembersQuery,
} from './group-schemas'
import { type Refusal, revealGroup } from './reveal-group'

const keySecurity = [{ bearerAuth: [] }]

const routes = {
  reveal: defineRoute({
    method: 'get',
    path: '/api/v1/me/groups/{offer_id}',
    tags: ['me'],
    security: [{ sessionCookie: [] }],
    summary: "The signed-in buyer's invite to a group they are entitled to (session cookie); logs the reveal",
    description:
      'Entitled directly or through a tier, and a seat is free or already theirs: the invite. Otherwise 402 ' +
      'with `reason` (`no_entitlement`, `lapsed`, `revoked`, `expired`, `full`) and `buy`, the offer ids that ' +
      'would grant it (links: `/buy/{id}`).',
    request: { params: groupOfferParam },
    responses: {
      200: jsonResponse(inviteSchema, 'The invite'),
      ...errorResponses(401, 402, 404),
    },
  }),
  listMembers: defineRoute({
    method: 'get',
    path: '/api/v1/offers/{id}/group/members',
    tags: ['groups'],
    security: keySecurity,
    summary: "A group's members, newest first, with whether each is entitled now and what to do about them",
    request: { params: groupIdParam, query: listGroupMembersQuery },
    responses: {
      200: jsonResponse(groupMemberListSchema, 'The members'),
      ...errorResponses(401, 404, 422),
    },
  }),
  markRemoved: defineRoute({
    method: 'post',
    path: '/api/v1/offers/{id}/group/members/{buyer_id}/removed',
    tags: ['groups'],
    security: keySecurity,
    summary:
      'Record that you removed a member from the chat (idempotent); refused while they still have access',
    request: { params: groupMemberParams },
    responses: {
      200: jsonResponse(groupMemberSchema, 'The member, now removed'),
      ...errorResponses(401, 404, 409),
    },
  }),
}

/** The buyer's group page path; ids are checked against this shape before anything is read. */
const offerIdPattern = /^[\w-]{1,64}$/

function refusalProblem(offerId: string, decision: Refusal): Problem {
  const reason = groupRefusalReason(decision.reason)
  const detail =
    reason === 'full'
      ? `Group ${offerId} is full; its invite is shown only to members already in it.`
      : `No access to group ${offerId} (${reason}). Buy one of the offers in \`buy\` at /buy/{id}.`
  return new Problem(402, 'payment-required', 'Payment required', detail, { reason, buy: decision.buy })
}

/** Invites are per-buyer secrets: never stored by a browser or a shared cache. */
function noStore(c: Context<AppEnv>): void {
  c.header('Cache-Control', 'private, no-store')
}

export function groupRoutes(deps: Deps) {
  const scope = (creator: { id: string }) => ({ creatorId: creator.id })
  const api = apiRoutes<AppEnv>()
    .openapi(routes.reveal, async (c) => {
      const offerId = c.req.valid('param').offer_id
      const session = await sessionFrom(c)
      const outcome = await revealGroup(deps, { sessionHash: session?.hash ?? null, offerId })
      noStore(c)
      if (outcome.status === 'signed_out')
        throw unauthorized(
          'Sign in as a buyer first: this call uses the session cookie set by /login.',
          'Cookie realm="quanzi"',
        )
      if (outcome.status === 'refused') throw refusalProblem(offerId, outcome.decision)
      const { invite, offer } = outcome
      return c.json(
        {
          offer_id: offer.id,
          title: offer.title,
          platform: invite.platform,
          invite_url: invite.invite_url,
          qr_image_url: invite.qr_image_url,
          instructions: invite.instructions,
          rotated_at: toIso(invite.rotated_at),
        },
        200,
      )
    })
    .openapi(routes.listMembers, async (c) =>
      c.json(
        await listGroupMembers(deps, scope(c.var.creator), c.req.valid('param').id, c.req.valid('query')),
        200,
      ),
    )
    .openapi(routes.markRemoved, async (c) => {
      const { id, buyer_id } = c.req.valid('param')
      return c.json(
        await markGroupMemberRemoved(
          deps,
          scope(c.var.creator),
          { offerId: id, buyerId: buyer_id },
          c.var.actor,
        ),
        200,
      )
    })
  // The buyer's page: not part of the JSON API, so not in /openapi.json.
  api.app.get('/me/groups/:offerId', async (c) => {
    const offerId = c.req.param('offerId')
    if (!offerIdPattern.test(offerId)) throw notFound('group', offerId.slice(0, 64))
    const session = await sessionFrom(c)
    const outcome = await revealGroup(deps, { sessionHash: session?.hash ?? null, offerId })
    noStore(c)
    if (outcome.status === 'signed_out') return c.redirect(`/login?next=/me/groups/${offerId}`, 303)
    // The page speaks the visitor's language (web/locale.ts); the creator's is the default.
    const offer = {
      ...outcome.offer,
      creator: { ...outcome.offer.creator, locale: pageLocale(c, outcome.offer.creator.locale) },
    }
    if (outcome.status === 'refused')
      return c.html(
        <RefusedPage
          offer={offer}
          decision={outcome.decision}
          email={outcome.email}
          buyOffers={outcome.buyOffers}
        />,
        402,
      )
    return c.html(<InvitePage offer={offer} invite={outcome.invite} />)
  })
  return api
}

export type GroupRoutes = ReturnType<typeof groupRoutes>

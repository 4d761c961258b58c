/** The groups API's shapes, validated by zod and documented by OpenAPI from the same schemas. */
import { groupMemberStatuses, groupPlatforms } from '../db/schema'
import { documented, named, pathId } from '../lib/openapi'
import * as z from '../lib/zod'

export const groupOfferParam = z.object({
  offer_id: pathId('The group offer', 'off_01m84d7bvcq981y6dza0ec'),
})

export const groupIdParam = z.object({ id: pathId('The group offer', 'off_01m84d7bvcq981y6dza0ec') })

export const groupMemberParams = z.object({
  id: pathId('The group offer', 'off_01m84d7bvcq981y6dza0ec'),
  buyer_id: pathId('The member (buyer)', 'buy_01m84d7bvcq981y6dza0ec'),
})

export const inviteSchema = named(
  z.object({
    offer_id: z.string(),
    title: z.string(),
    platform: z.enum(groupPlatforms),
    invite_url: z.nullable(z.string()),
    qr_image_url: z.nullable(z.string()),
    instructions: documented(z.string(), {
      description: 'Markdown, unescaped: escape it before showing it.',
    }),
    rotated_at: z.nullable(
      documented(z.string(), {
        description: 'When the invite link or QR code last changed (WeChat group codes expire after 7 days).',
      }),
    ),
  }),
  'GroupInvite',
)
export type InviteJson = z.infer<typeof inviteSchema>

const memberStatusDescription =
  '`member`: let in and entitled now. `to_remove`: let in, but no longer entitled now (lapsed, refunded, ' +
  'revoked or expired, decided by the access rules at read time), or explicitly marked so; remove them from ' +
  'the chat, then mark them removed. `removed`: you removed them.'

export const listGroupMembersQuery = z.object({
  status: z.optional(documented(z.enum(groupMemberStatuses), { description: memberStatusDescription })),
})
export type ListGroupMembersQuery = z.infer<typeof listGroupMembersQuery>

export const groupMemberSchema = named(
  z.object({
    buyer_id: z.string(),
    email: z.string(),
    name: z.string(),
    status: documented(z.enum(groupMemberStatuses), { description: memberStatusDescription }),
    recorded_status: documented(z.enum(groupMemberStatuses), {
      description: 'The status as stored; `status` adds what the access rules say now.',
    }),
    has_access: documented(z.boolean(), {
      description: 'Entitled to the group now, directly or through a tier.',
    }),
    access_reason: z.nullable(
      documented(z.enum(['no_entitlement', 'lapsed', 'revoked', 'expired']), {
        description: 'Why not, when `has_access` is false.',
      }),
    ),
    first_revealed_at: z.string(),
    removed_at: z.nullable(z.string()),
  }),
  'GroupMember',
)
export type GroupMemberJson = z.infer<typeof groupMemberSchema>

export const groupMemberListSchema = named(
  z.object({
    offer_id: z.string(),
    capacity: z.nullable(documented(z.int(), { description: 'Null = unlimited.' })),
    seats_taken: documented(z.int(), {
      description: 'Recorded `member` rows, the count capacity is checked against (to-remove ones included).',
    }),
    data: documented(z.array(groupMemberSchema), { description: 'Newest first.' }),
  }),
  'GroupMemberList',
)
export type GroupMemberListJson = z.infer<typeof groupMemberListSchema>

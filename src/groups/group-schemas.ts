/** The groups API's shapes, validated by zod and documented by OpenAPI from the same schemas. */
import { z } from '@hono/zod-openapi'
import { groupMemberStatuses, groupPlatforms } from '../db/schema'

const pathId = (name: string, description: string, example: string) =>
  z
    .string()
    .max(64)
    .openapi({ param: { name, in: 'path' }, example, description })

export const groupOfferParam = z.object({
  offer_id: pathId('offer_id', 'The group offer', 'off_01m84d7bvcq981y6dza0ec'),
})

export const groupIdParam = z.object({ id: pathId('id', 'The group offer', 'off_01m84d7bvcq981y6dza0ec') })

export const groupMemberParams = z.object({
  id: pathId('id', 'The group offer', 'off_01m84d7bvcq981y6dza0ec'),
  buyer_id: pathId('buyer_id', 'The member (buyer)', 'buy_01m84d7bvcq981y6dza0ec'),
})

export const inviteSchema = z
  .object({
    offer_id: z.string(),
    title: z.string(),
    platform: z.enum(groupPlatforms),
    invite_url: z.string().nullable(),
    qr_image_url: z.string().nullable(),
    instructions: z.string().openapi({ description: 'Markdown, unescaped: escape it before showing it.' }),
    rotated_at: z.string().nullable().openapi({
      description: 'When the invite link or QR code last changed (WeChat group codes expire after 7 days).',
    }),
  })
  .openapi('GroupInvite')
export type InviteJson = z.infer<typeof inviteSchema>

const memberStatusDescription =
  '`member`: let in and entitled now. `to_remove`: let in, but no longer entitled now (lapsed, refunded, ' +
  'revoked or expired, decided by the access rules at read time), or explicitly marked so; remove them from ' +
  'the chat, then mark them removed. `removed`: you removed them.'

export const listGroupMembersQuery = z.object({
  status: z.enum(groupMemberStatuses).optional().openapi({ description: memberStatusDescription }),
})
export type ListGroupMembersQuery = z.infer<typeof listGroupMembersQuery>

export const groupMemberSchema = z
  .object({
    buyer_id: z.string(),
    email: z.string(),
    name: z.string(),
    status: z.enum(groupMemberStatuses).openapi({ description: memberStatusDescription }),
    recorded_status: z.enum(groupMemberStatuses).openapi({
      description: 'The status as stored; `status` adds what the access rules say now.',
    }),
    has_access: z
      .boolean()
      .openapi({ description: 'Entitled to the group now, directly or through a tier.' }),
    access_reason: z
      .enum(['no_entitlement', 'lapsed', 'revoked', 'expired'])
      .nullable()
      .openapi({ description: 'Why not, when `has_access` is false.' }),
    first_revealed_at: z.string(),
    removed_at: z.string().nullable(),
  })
  .openapi('GroupMember')
export type GroupMemberJson = z.infer<typeof groupMemberSchema>

export const groupMemberListSchema = z
  .object({
    offer_id: z.string(),
    capacity: z.number().int().nullable().openapi({ description: 'Null = unlimited.' }),
    seats_taken: z.number().int().openapi({
      description: 'Recorded `member` rows, the count capacity is checked against (to-remove ones included).',
    }),
    data: z.array(groupMemberSchema).openapi({ description: 'Newest first.' }),
  })
  .openapi('GroupMemberList')
export type GroupMemberListJson = z.infer<typeof groupMemberListSchema>

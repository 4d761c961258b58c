/** Creators: the storefront owners. Verbs to create one (with its first API key), read and update settings. */

import { eq } from 'drizzle-orm'
import type { CreatorRow } from '../app-env'
import { uniqueViolation } from '../db/errors'
import { apiKeys, auditLog, creators, locales } from '../db/schema'
import type { Deps } from '../deps'
import { type Actor, auditRow } from '../lib/audit'
import { normaliseEmail } from '../lib/email'
import { newId } from '../lib/ids'
import { currencyCode, documented, named, slugSchema, timeZoneSchema } from '../lib/openapi'
import { conflict } from '../lib/problem'
import { toIso } from '../lib/time'
import * as z from '../lib/zod'
import { generateApiKey } from './api-keys'

/** Paths under /c/ that a creator slug may not take. */
const reservedSlugs = new Set([
  'api',
  'admin',
  'app',
  'assets',
  'c',
  'dev',
  'login',
  'logout',
  'me',
  'new',
  'www',
])

export const creatorSettingsSchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(120)),
  bio: z.optional(z.string().check(z.maxLength(5000))),
  default_currency: z.optional(currencyCode),
  locale: z.optional(z.enum(locales)),
  time_zone: z.optional(timeZoneSchema),
  grace_days: z.optional(z.int().check(z.minimum(0), z.maximum(30))),
})

export const createCreatorSchema = named(
  z.extend(creatorSettingsSchema, {
    slug: slugSchema.check(z.refine((slug) => !reservedSlugs.has(slug), 'is reserved')),
    email: z.email().check(z.maxLength(254)),
  }),
  'CreateCreator',
)

export const updateCreatorSchema = named(z.partial(creatorSettingsSchema), 'UpdateCreator')

export const creatorSchema = named(
  z.object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    email: z.string(),
    bio: z.string(),
    default_currency: z.string(),
    locale: z.enum(locales),
    time_zone: z.string(),
    grace_days: z.int(),
    created_at: z.string(),
    updated_at: z.string(),
  }),
  'Creator',
)

export type CreatorJson = z.infer<typeof creatorSchema>

export function creatorJson(row: CreatorRow): CreatorJson {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    email: row.email,
    bio: row.bio,
    default_currency: row.defaultCurrency,
    locale: row.locale,
    time_zone: row.timeZone,
    grace_days: row.graceDays,
    created_at: toIso(row.createdAt) ?? '',
    updated_at: toIso(row.updatedAt) ?? '',
  }
}

export const newApiKeySchema = named(
  z.object({
    id: z.string(),
    key: documented(z.string(), { description: 'The API key. Shown once; store it now.' }),
    prefix: z.string(),
    label: z.string(),
  }),
  'NewApiKey',
)

/**
 * Creates a creator and its first API key in one batch (with the audit row). A taken slug is a 409 and
 * writes nothing.
 */
export async function createCreator(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  input: z.infer<typeof createCreatorSchema>,
  actor: Actor,
): Promise<{ creator: CreatorJson; apiKey: z.infer<typeof newApiKeySchema> }> {
  const now = clock.now()
  const row: CreatorRow = {
    id: newId('creator', now),
    slug: input.slug,
    name: input.name,
    email: normaliseEmail(input.email),
    bio: input.bio ?? '',
    defaultCurrency: input.default_currency ?? 'CNY',
    locale: input.locale ?? 'zh-CN',
    timeZone: input.time_zone ?? 'Asia/Shanghai',
    graceDays: input.grace_days ?? 3,
    createdAt: now,
    updatedAt: now,
  }
  const key = await generateApiKey(row.id, 'first key', now)
  try {
    await db.batch([
      db.insert(creators).values(row),
      db.insert(apiKeys).values(key.row),
      db.insert(auditLog).values(
        auditRow({
          creatorId: row.id,
          actor,
          action: 'creator.create',
          subjectType: 'creator',
          subjectId: row.id,
          detail: { slug: row.slug },
          at: now,
        }),
      ),
    ])
  } catch (error) {
    if (uniqueViolation(error)?.includes('creators.slug'))
      throw conflict(`The slug "${input.slug}" is taken; choose another.`)
    throw error
  }
  return {
    creator: creatorJson(row),
    apiKey: { id: key.row.id, key: key.key, prefix: key.row.prefix, label: key.row.label ?? '' },
  }
}

/** Updates a creator's own settings (never its slug or id). */
export async function updateCreator(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  creator: CreatorRow,
  input: z.infer<typeof updateCreatorSchema>,
  actor: Actor,
): Promise<CreatorJson> {
  const now = clock.now()
  const changes = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.bio !== undefined && { bio: input.bio }),
    ...(input.default_currency !== undefined && { defaultCurrency: input.default_currency }),
    ...(input.locale !== undefined && { locale: input.locale }),
    ...(input.time_zone !== undefined && { timeZone: input.time_zone }),
    ...(input.grace_days !== undefined && { graceDays: input.grace_days }),
    updatedAt: now,
  }
  const [updated] = await db.batch([
    db.update(creators).set(changes).where(eq(creators.id, creator.id)).returning(),
    db.insert(auditLog).values(
      auditRow({
        creatorId: creator.id,
        actor,
        action: 'creator.update',
        subjectType: 'creator',
        subjectId: creator.id,
        detail: { fields: Object.keys(input) },
        at: now,
      }),
    ),
  ])
  return creatorJson(updated[0] ?? { ...creator, ...changes })
}

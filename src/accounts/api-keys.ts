/**
 * Creator API keys: `qz_` + 32 random URL-safe characters. Shown once at creation and stored only as a
 * SHA-256 hash, so a leaked database does not leak working keys. Lookup is by hash (unique index).
 */
import { and, eq, isNull } from 'drizzle-orm'
import type { CreatorRow } from '../app-env'
import { apiKeys, creators } from '../db/schema'
import type { Deps } from '../deps'
import { randomToken, sha256Hex } from '../lib/crypto'
import { newId } from '../lib/ids'

const keyPrefix = 'qz_'
/** last_used_at is refreshed at most this often, so most requests cost no extra write. */
const lastUsedRefreshMs = 15 * 60_000

export interface NewApiKey {
  /** The full key: give it to the creator now, it cannot be shown again. */
  key: string
  row: typeof apiKeys.$inferInsert
}

export async function generateApiKey(creatorId: string, label: string, now: number): Promise<NewApiKey> {
  const key = `${keyPrefix}${randomToken(24)}`
  return {
    key,
    row: {
      id: newId('apiKey', now),
      creatorId,
      hash: await sha256Hex(key),
      prefix: key.slice(0, 8),
      label,
      createdAt: now,
    },
  }
}

/** Reads `Authorization: Bearer <token>`; null when absent or not a bearer token. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? null
}

/**
 * The creator a key belongs to, or null for an unknown or revoked key. One query; a second, rare write
 * refreshes `last_used_at` at most every 15 minutes.
 */
export async function authenticateApiKey(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  key: string,
): Promise<{ creator: CreatorRow; apiKeyId: string } | null> {
  if (!key.startsWith(keyPrefix) || key.length > 128) return null
  const hash = await sha256Hex(key)
  const [found] = await db
    .select({ creator: creators, apiKeyId: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .innerJoin(creators, eq(creators.id, apiKeys.creatorId))
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
    .limit(1)
  if (!found) return null
  const now = clock.now()
  if (found.lastUsedAt === null || now - found.lastUsedAt > lastUsedRefreshMs) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, found.apiKeyId))
  }
  return { creator: found.creator, apiKeyId: found.apiKeyId }
}

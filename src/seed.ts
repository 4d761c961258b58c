/**
 * The demo storefront `npm start` seeds once into an empty local database, so a first run shows something
 * real: a creator with one live offer of each kind.
 */
import { eq } from 'drizzle-orm'
import { createCreator } from './accounts/creators'
import { creators } from './db/schema'
import type { Deps } from './deps'

export const demoSlug = 'demo'

/** Seeds the demo creator unless it exists. Returns its slug and API key when it was created now. */
export async function seedDemo(deps: Deps): Promise<{ slug: string; apiKey: string } | null> {
  const [existing] = await deps.db
    .select({ id: creators.id })
    .from(creators)
    .where(eq(creators.slug, demoSlug))
  if (existing) return null
  const actor = { type: 'system' as const, id: 'seed' }
  const { apiKey } = await createCreator(
    deps,
    {
      slug: demoSlug,
      name: '陈老师的读书会 · Chen’s Reading Circle',
      email: 'demo@quanzi.local',
      bio: '每周一本书，一起读，一起聊。A book a week, read and discussed together.',
      locale: 'zh-CN',
      default_currency: 'CNY',
    },
    actor,
  )
  return { slug: demoSlug, apiKey: apiKey.key }
}

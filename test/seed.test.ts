import { describe, expect, it } from 'vitest'
import { seedDemo } from '../src/seed'
import { api, countRows, createTestContext } from './helpers'

describe('seedDemo', () => {
  it('seeds a live demo creator with one offer of each kind, once', async () => {
    const ctx = await createTestContext()
    const seeded = await seedDemo(ctx.deps)
    expect(seeded?.slug).toBe('demo')
    expect(await seedDemo(ctx.deps)).toBeNull()
    expect(await countRows(ctx, 'creators')).toBe(1)
    const offers = await api(ctx, 'GET', '/api/v1/offers?status=live', { key: seeded?.apiKey ?? null })
    const kinds = offers.body.data.map((offer: { kind: string }) => offer.kind).sort()
    expect(kinds).toEqual(['consultation', 'course', 'group', 'tier', 'tier'])
    expect(await countRows(ctx, 'lessons')).toBe(3)
    expect(await countRows(ctx, 'consultation_slots')).toBe(3)
    expect(await countRows(ctx, 'posts')).toBe(4)
  })
})

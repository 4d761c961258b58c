/**
 * readPost reads the post statement's row by position (`postRowFrom`) instead of drizzle's `all()`: the two must
 * give the same row for every kind of viewer, by slug and by id, and the statement's columns must be the ones the
 * layout expects.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/lib/crypto'
import { postReadsOf, postRowFrom, readPost } from '../../src/library/content'
import { tierBody } from '../catalog/builders'
import { api, createTestContext, givenCreator, type TestContext } from '../helpers'
import { signIn } from '../sign-in'

let ctx: TestContext
let slug: string
let post: { id: string; slug: string }
const hashes: Record<'signedOut' | 'buyer' | 'creator' | 'unknown', string> = {
  signedOut: '',
  buyer: '',
  creator: '',
  unknown: '',
}

const hashOf = async (cookie: string) => sha256Hex(cookie.slice('qz_session='.length))

beforeEach(async () => {
  ctx = await createTestContext()
  const creator = await givenCreator(ctx, { locale: 'en' })
  slug = creator.slug
  await api(ctx, 'POST', '/api/v1/offers', { key: creator.key, body: tierBody({ status: 'live' }) })
  const created = await api(ctx, 'POST', '/api/v1/posts', {
    key: creator.key,
    body: {
      slug: 'members-only',
      title: 'Members only',
      excerpt: 'Teaser',
      body: 'The *body*.',
      audience: { type: 'tier', min_rank: 1 },
      status: 'live',
    },
  })
  post = { id: created.body.id as string, slug: 'members-only' }
  hashes.buyer = await hashOf((await signIn(ctx, 'reader@example.com')).cookie)
  hashes.creator = await hashOf((await signIn(ctx, `${slug}@example.com`, 'creator')).cookie)
  hashes.unknown = await sha256Hex('no-such-session-0123456789abcdef0123')
})

afterEach(() => ctx.sql.close())

describe('the post statement read by position', () => {
  it('gives the row drizzle maps, for every viewer, by slug and by id', async () => {
    const reads = postReadsOf(ctx.deps.db)
    const now = ctx.clock.now()
    for (const [viewer, hash] of Object.entries(hashes)) {
      const bySlug = { hash, now, post: post.slug, creator: slug }
      const byId = { hash, now, post: post.id }
      for (const [statement, values] of [
        [reads.slug, bySlug],
        [reads.id, byId],
      ] as const) {
        const [mapped] = await statement.all(values)
        const [row] = await statement.values(values)
        expect(row, viewer).toBeDefined()
        expect(postRowFrom(row ?? []), viewer).toEqual(mapped)
      }
    }
  })

  it('feeds readPost: viewer, decision and the post as the page and the API use them', async () => {
    const read = await readPost(ctx.deps, hashes.buyer, { creatorSlug: slug, postSlug: post.slug })
    expect(read.viewer).toMatchObject({ role: 'buyer', email: 'reader@example.com' })
    expect(read.decision).toMatchObject({ allowed: false, reason: 'no_entitlement' })
    expect(read.post).toEqual({
      id: post.id,
      slug: post.slug,
      title: 'Members only',
      excerpt: 'Teaser',
      body: 'The *body*.',
      audience: 'tier',
      minRank: 1,
      courseOfferId: null,
    })
    const signedOut = await readPost(ctx.deps, null, { postId: post.id })
    expect(signedOut.viewer).toBeNull()
    expect(signedOut.decision).toMatchObject({ allowed: false, reason: 'sign_in' })
    const asCreator = await readPost(ctx.deps, hashes.creator, { postId: post.id })
    expect(asCreator.viewer).toMatchObject({ role: 'creator', slug })
  })

  it('refuses a row whose columns are not the layout it was written for', () => {
    expect(() => postRowFrom(['too', 'short'])).toThrow(/columns/)
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { courseBody, groupBody } from '../catalog/builders'
import { api, createTestContext, givenCreator, type TestContext } from '../helpers'

let ctx: TestContext
let key: string
let otherKey: string

beforeEach(async () => {
  ctx = await createTestContext()
  key = (await givenCreator(ctx)).key
  otherKey = (await givenCreator(ctx)).key
})

const auditLog = (query = '', as = key) => api(ctx, 'GET', `/api/v1/audit-log${query}`, { key: as })

/** Three of the creator's actions a second apart: create a course, create a group, archive the course. */
async function threeActions() {
  const course = await api(ctx, 'POST', '/api/v1/offers', { key, body: courseBody() })
  ctx.clock.advance(1000)
  const group = await api(ctx, 'POST', '/api/v1/offers', { key, body: groupBody() })
  ctx.clock.advance(1000)
  await api(ctx, 'POST', `/api/v1/offers/${course.body.id}/archive`, { key })
  return { courseId: course.body.id as string, groupId: group.body.id as string }
}

describe('GET /api/v1/audit-log: happy', () => {
  it('lists the creator’s actions newest first, with detail as an object', async () => {
    const { courseId, groupId } = await threeActions()
    const res = await auditLog()
    expect(res.status).toBe(200)
    const own = res.body.data.filter((entry: { action: string }) => entry.action.startsWith('offer.'))
    expect(
      own.map((entry: { action: string; subject_id: string }) => [entry.action, entry.subject_id]),
    ).toEqual([
      ['offer.archive', courseId],
      ['offer.create', groupId],
      ['offer.create', courseId],
    ])
    expect(own[0]).toMatchObject({
      actor_type: 'api_key',
      subject_type: 'offer',
      at: new Date(ctx.clock.now()).toISOString(),
    })
    expect(own[0].actor_id).toMatch(/^key_/)
    expect(own[0].detail).toEqual({})
    expect(own[1].detail).toEqual({ kind: 'group', slug: 'wechat-group', status: 'draft' })
  })

  it('filters by action, subject type and subject id', async () => {
    const { courseId, groupId } = await threeActions()
    const created = await auditLog('?action=offer.create')
    expect(created.body.data.map((entry: { subject_id: string }) => entry.subject_id)).toEqual([
      groupId,
      courseId,
    ])
    const course = await auditLog(`?subject_type=offer&subject_id=${courseId}`)
    expect(course.body.data.map((entry: { action: string }) => entry.action)).toEqual([
      'offer.archive',
      'offer.create',
    ])
    expect((await auditLog('?subject_type=entitlement')).body.data).toEqual([])
    expect((await auditLog(`?action=offer.archive&subject_id=${groupId}`)).body.data).toEqual([])
  })

  it('pages with the cursor, each entry once', async () => {
    await threeActions()
    const all = (await auditLog('?limit=100')).body.data.map((entry: { id: string }) => entry.id)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { body: { data: { id: string }[]; next_cursor: string | null } } = await auditLog(
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(page.body.data.length).toBeLessThanOrEqual(2)
      seen.push(...page.body.data.map((entry) => entry.id))
      cursor = page.body.next_cursor
    } while (cursor)
    expect(seen).toEqual(all)
    expect(all.length).toBeGreaterThanOrEqual(3)
  })

  it('reads a page in one database round trip', async () => {
    await threeActions()
    ctx.roundTrips.count = 0
    await auditLog('?action=offer.create')
    expect(ctx.roundTrips.count).toBe(2)
  })

  it('returns a detail that is not a JSON object under `value`', async () => {
    const creatorId = (await api(ctx, 'GET', '/api/v1/creator', { key })).body.id
    for (const [id, detail] of [
      ['aud_zzzzzzzzzzzzzzzzzzzzzy', '[1,2]'],
      ['aud_zzzzzzzzzzzzzzzzzzzzzz', 'not json'],
    ])
      await ctx.sql.execute({
        sql: `insert into audit_log (id, creator_id, actor_type, actor_id, action, subject_type, subject_id,
          detail, at)
          values (?, ?, 'system', null, 'legacy.note', 'creator', ?, ?, ?)`,
        args: [id ?? '', creatorId, creatorId, detail ?? '', ctx.clock.now()],
      })
    const res = await auditLog('?action=legacy.note')
    expect(res.body.data.map((entry: { detail: unknown }) => entry.detail)).toEqual([
      { value: 'not json' },
      { value: [1, 2] },
    ])
  })
})

describe('GET /api/v1/audit-log: error', () => {
  it('validates limit', async () => {
    expect((await auditLog('?limit=0')).status).toBe(422)
    expect((await auditLog('?limit=101')).status).toBe(422)
  })
})

describe('GET /api/v1/audit-log: security', () => {
  it('shows another creator none of this one’s entries, whatever the filter', async () => {
    const { courseId } = await threeActions()
    const res = await auditLog(`?subject_id=${courseId}`, otherKey)
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual([])
    const everything = await auditLog('?limit=100', otherKey)
    expect(JSON.stringify(everything.body)).not.toContain(courseId)
  })

  it('requires an API key', async () => {
    expect((await api(ctx, 'GET', '/api/v1/audit-log')).status).toBe(401)
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { api, countRows, createTestContext, givenCreator, type TestContext } from '../helpers'
import { consultationBody, courseBody, tierBody } from './builders'

let ctx: TestContext
let key: string
beforeEach(async () => {
  ctx = await createTestContext()
  key = (await givenCreator(ctx)).key
})

async function givenOffer(body: Record<string, unknown>, as = key): Promise<string> {
  const res = await api(ctx, 'POST', '/api/v1/offers', { key: as, body })
  expect(res.status).toBe(201)
  return res.body.id
}

const titles = (body: { data: { title: string; position: number }[] }) =>
  body.data.map((lesson) => `${lesson.position}:${lesson.title}`)

/** An API call and its database round trips (the key's last_used_at is fresh once a test has used it). */
async function counted(method: string, path: string, body?: Record<string, unknown>) {
  ctx.roundTrips.count = 0
  const res = await api(ctx, method, path, { key, ...(body && { body }) })
  return { ...res, roundTrips: ctx.roundTrips.count }
}

describe('lessons', () => {
  it('adds lessons in order, inserts at a position and keeps positions dense', async () => {
    const course = await givenOffer(courseBody())
    const first = await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, {
      key,
      body: { title: 'Welcome', free_preview: true },
    })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ position: 1, free_preview: true, drip_days: 0, offer_id: course })
    await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, {
      key,
      body: { title: 'Third', drip_days: 7 },
    })
    await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, {
      key,
      body: { title: 'Second', position: 2 },
    })
    const list = await api(ctx, 'GET', `/api/v1/offers/${course}/lessons`, { key })
    expect(titles(list.body)).toEqual(['1:Welcome', '2:Second', '3:Third'])
  })

  it('moves, reorders and removes lessons', async () => {
    const course = await givenOffer(courseBody())
    const ids: string[] = []
    for (const title of ['A', 'B', 'C'])
      ids.push((await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, { key, body: { title } })).body.id)
    const moved = await api(ctx, 'PATCH', `/api/v1/lessons/${ids[2]}`, {
      key,
      body: { position: 1, body: '# C' },
    })
    expect(moved.body).toMatchObject({ position: 1, body: '# C' })
    expect(titles((await api(ctx, 'GET', `/api/v1/offers/${course}/lessons`, { key })).body)).toEqual([
      '1:C',
      '2:A',
      '3:B',
    ])
    const reordered = await api(ctx, 'PUT', `/api/v1/offers/${course}/lessons/order`, {
      key,
      body: { lesson_ids: [ids[1], ids[0], ids[2]] },
    })
    expect(titles(reordered.body)).toEqual(['1:B', '2:A', '3:C'])
    expect((await api(ctx, 'DELETE', `/api/v1/lessons/${ids[1]}`, { key })).status).toBe(204)
    expect(titles((await api(ctx, 'GET', `/api/v1/offers/${course}/lessons`, { key })).body)).toEqual([
      '1:A',
      '2:C',
    ])
  })

  it('refuses an incomplete reorder, changing nothing', async () => {
    const course = await givenOffer(courseBody())
    const a = (await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, { key, body: { title: 'A' } })).body
      .id
    await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, { key, body: { title: 'B' } })
    const res = await api(ctx, 'PUT', `/api/v1/offers/${course}/lessons/order`, {
      key,
      body: { lesson_ids: [a] },
    })
    expect(res.status).toBe(422)
    expect(titles((await api(ctx, 'GET', `/api/v1/offers/${course}/lessons`, { key })).body)).toEqual([
      '1:A',
      '2:B',
    ])
  })

  it('answers 409 for lessons on an offer that is not a course', async () => {
    const tier = await givenOffer(tierBody())
    const res = await api(ctx, 'POST', `/api/v1/offers/${tier}/lessons`, { key, body: { title: 'x' } })
    expect(res.status).toBe(409)
    expect(await countRows(ctx, 'lessons')).toBe(0)
  })

  it('refuses negative drip days and an empty title', async () => {
    const course = await givenOffer(courseBody())
    const res = await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, {
      key,
      body: { title: ' ', drip_days: -1 },
    })
    expect(res.status).toBe(422)
    expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'drip_days',
      'title',
    ])
  })

  it('edits, moves, reorders and removes in 3 each: the key, one read, one batch that reads back', async () => {
    const course = await givenOffer(courseBody())
    const ids: string[] = []
    for (const title of ['A', 'B', 'C'])
      ids.push((await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, { key, body: { title } })).body.id)
    const edited = await counted('PATCH', `/api/v1/lessons/${ids[0]}`, { title: 'A2' })
    expect(edited).toMatchObject({ status: 200, roundTrips: 3, body: { title: 'A2', position: 1 } })
    expect((await api(ctx, 'GET', `/api/v1/lessons/${ids[0]}`, { key })).body).toEqual(edited.body)
    // A move reads the lesson and its course's lessons together.
    const moved = await counted('PATCH', `/api/v1/lessons/${ids[2]}`, { position: 1 })
    expect(moved).toMatchObject({ status: 200, roundTrips: 3, body: { title: 'C', position: 1 } })
    const reordered = await counted('PUT', `/api/v1/offers/${course}/lessons/order`, {
      lesson_ids: [ids[1], ids[0], ids[2]],
    })
    expect(reordered).toMatchObject({ status: 200, roundTrips: 3 })
    expect(titles(reordered.body)).toEqual(['1:B', '2:A2', '3:C'])
    expect((await api(ctx, 'GET', `/api/v1/offers/${course}/lessons`, { key })).body).toEqual(reordered.body)
    const removed = await counted('DELETE', `/api/v1/lessons/${ids[1]}`)
    expect(removed).toMatchObject({ status: 204, roundTrips: 3 })
    expect(titles((await api(ctx, 'GET', `/api/v1/offers/${course}/lessons`, { key })).body)).toEqual([
      '1:A2',
      '2:C',
    ])
  })

  describe('security', () => {
    it("creator B cannot list, add to, read, edit, move or remove creator A's lessons", async () => {
      const course = await givenOffer(courseBody())
      const lesson = (
        await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, { key, body: { title: 'A' } })
      ).body
      const other = { key: (await givenCreator(ctx)).key }
      expect((await api(ctx, 'GET', `/api/v1/offers/${course}/lessons`, other)).status).toBe(404)
      expect(
        (await api(ctx, 'POST', `/api/v1/offers/${course}/lessons`, { ...other, body: { title: 'B' } }))
          .status,
      ).toBe(404)
      expect((await api(ctx, 'GET', `/api/v1/lessons/${lesson.id}`, other)).status).toBe(404)
      expect(
        (await api(ctx, 'PATCH', `/api/v1/lessons/${lesson.id}`, { ...other, body: { title: 'X' } })).status,
      ).toBe(404)
      expect(
        (
          await api(ctx, 'PUT', `/api/v1/offers/${course}/lessons/order`, {
            ...other,
            body: { lesson_ids: [lesson.id] },
          })
        ).status,
      ).toBe(404)
      expect((await api(ctx, 'DELETE', `/api/v1/lessons/${lesson.id}`, other)).status).toBe(404)
      expect((await api(ctx, 'GET', `/api/v1/lessons/${lesson.id}`, { key })).body).toEqual(lesson)
    })
  })
})

describe('consultation slots', () => {
  const hour = 3_600_000
  const at = (hoursFromNow: number) => new Date(ctx.clock.now() + hoursFromNow * hour).toISOString()

  it('adds slots with the default duration, lists them by start time', async () => {
    const offer = await givenOffer(consultationBody())
    const res = await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, {
      key,
      body: {
        slots: [{ starts_at: at(48) }, { starts_at: at(24), ends_at: at(24.5), meeting_details: 'Zoom' }],
      },
    })
    expect(res.status).toBe(201)
    expect(res.body.data[0]).toMatchObject({ starts_at: at(48), ends_at: at(49), status: 'free' })
    const list = await api(ctx, 'GET', `/api/v1/offers/${offer}/slots`, { key })
    expect(list.body.data.map((slot: { starts_at: string }) => slot.starts_at)).toEqual([at(24), at(48)])
  })

  it('refuses overlapping or past slots, writing none of the request', async () => {
    const offer = await givenOffer(consultationBody())
    await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, { key, body: { slots: [{ starts_at: at(24) }] } })
    const res = await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, {
      key,
      body: {
        slots: [
          { starts_at: at(72) },
          { starts_at: at(24.5) },
          { starts_at: at(-1) },
          { starts_at: at(72.5) },
        ],
      },
    })
    expect(res.status).toBe(422)
    expect(res.body.errors.map((error: { path: string }) => error.path)).toEqual([
      'slots.1',
      'slots.2.starts_at',
      'slots.3',
    ])
    expect(await countRows(ctx, 'consultation_slots')).toBe(1)
  })

  it('refuses a slot ending before it starts and a malformed time', async () => {
    const offer = await givenOffer(consultationBody())
    const backwards = await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, {
      key,
      body: { slots: [{ starts_at: at(5), ends_at: at(4) }] },
    })
    expect(backwards.status).toBe(422)
    const malformed = await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, {
      key,
      body: { slots: [{ starts_at: 'tomorrow' }] },
    })
    expect(malformed.status).toBe(422)
  })

  it('moves a free slot, and removes it as cancelled (idempotently)', async () => {
    const offer = await givenOffer(consultationBody())
    const slot = (
      await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, {
        key,
        body: { slots: [{ starts_at: at(5) }] },
      })
    ).body.data[0]
    const moved = await api(ctx, 'PATCH', `/api/v1/slots/${slot.id}`, { key, body: { starts_at: at(6) } })
    expect(moved.body).toMatchObject({ starts_at: at(6), ends_at: at(7) })
    const removed = await api(ctx, 'DELETE', `/api/v1/slots/${slot.id}`, { key })
    expect(removed.body.status).toBe('cancelled')
    expect((await api(ctx, 'DELETE', `/api/v1/slots/${slot.id}`, { key })).body.status).toBe('cancelled')
    const free = await api(ctx, 'GET', `/api/v1/offers/${offer}/slots?status=free`, { key })
    expect(free.body.data).toEqual([])
  })

  it('refuses to remove or move a held or booked slot, and audits nothing for it', async () => {
    const offer = await givenOffer(consultationBody())
    const slot = (
      await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, {
        key,
        body: { slots: [{ starts_at: at(5) }] },
      })
    ).body.data[0]
    await ctx.sql.execute({
      sql: "update consultation_slots set status = 'booked' where id = ?",
      args: [slot.id],
    })
    const audits = await countRows(ctx, 'audit_log')
    expect((await api(ctx, 'DELETE', `/api/v1/slots/${slot.id}`, { key })).status).toBe(409)
    expect(
      (await api(ctx, 'PATCH', `/api/v1/slots/${slot.id}`, { key, body: { starts_at: at(9) } })).status,
    ).toBe(409)
    expect(await countRows(ctx, 'audit_log')).toBe(audits)
    const details = await api(ctx, 'PATCH', `/api/v1/slots/${slot.id}`, {
      key,
      body: { meeting_details: 'Room 2' },
    })
    expect(details.body).toMatchObject({ status: 'booked', meeting_details: 'Room 2' })
  })

  it('changes meeting details in 3 and moves a slot in 3: its neighbours are read with the slot', async () => {
    const offer = await givenOffer(consultationBody())
    const [slot, next] = (
      await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, {
        key,
        body: { slots: [{ starts_at: at(5) }, { starts_at: at(7) }] },
      })
    ).body.data
    const details = await counted('PATCH', `/api/v1/slots/${slot.id}`, { meeting_details: 'Room 1' })
    expect(details).toMatchObject({ status: 200, roundTrips: 3, body: { meeting_details: 'Room 1' } })
    expect((await api(ctx, 'GET', `/api/v1/slots/${slot.id}`, { key })).body).toEqual(details.body)
    const moved = await counted('PATCH', `/api/v1/slots/${slot.id}`, { starts_at: at(9) })
    expect(moved).toMatchObject({ status: 200, roundTrips: 3, body: { starts_at: at(9), ends_at: at(10) } })
    const onto = await counted('PATCH', `/api/v1/slots/${slot.id}`, { starts_at: at(7.5) })
    expect(onto).toMatchObject({ status: 422, roundTrips: 2 })
    expect(onto.body.errors).toEqual([expect.objectContaining({ path: 'starts_at' })])
    const stretched = await counted('PATCH', `/api/v1/slots/${next.id}`, { ends_at: at(9.5) })
    expect(stretched).toMatchObject({ status: 422, roundTrips: 2 })
    expect((await api(ctx, 'GET', `/api/v1/slots/${next.id}`, { key })).body).toMatchObject({
      starts_at: at(7),
      ends_at: at(8),
    })
  })

  it('answers 409 for slots on an offer that is not a consultation', async () => {
    const course = await givenOffer(courseBody())
    const res = await api(ctx, 'POST', `/api/v1/offers/${course}/slots`, {
      key,
      body: { slots: [{ starts_at: at(5) }] },
    })
    expect(res.status).toBe(409)
  })

  describe('security', () => {
    it("creator B cannot list, add, read, move or remove creator A's slots", async () => {
      const offer = await givenOffer(consultationBody())
      const slot = (
        await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, {
          key,
          body: { slots: [{ starts_at: at(5) }] },
        })
      ).body.data[0]
      const other = { key: (await givenCreator(ctx)).key }
      expect((await api(ctx, 'GET', `/api/v1/offers/${offer}/slots`, other)).status).toBe(404)
      expect(
        (
          await api(ctx, 'POST', `/api/v1/offers/${offer}/slots`, {
            ...other,
            body: { slots: [{ starts_at: at(9) }] },
          })
        ).status,
      ).toBe(404)
      expect((await api(ctx, 'GET', `/api/v1/slots/${slot.id}`, other)).status).toBe(404)
      expect(
        (await api(ctx, 'PATCH', `/api/v1/slots/${slot.id}`, { ...other, body: { starts_at: at(9) } }))
          .status,
      ).toBe(404)
      expect((await api(ctx, 'DELETE', `/api/v1/slots/${slot.id}`, other)).status).toBe(404)
      expect((await api(ctx, 'GET', `/api/v1/slots/${slot.id}`, { key })).body).toEqual(slot)
    })
  })
})

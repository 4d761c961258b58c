import { describe, expect, it } from 'vitest'
import { countRows } from '../helpers'
import { type Editor, idIn, newEditor } from './harness'

async function givenConsultation(editor: Editor, timeZone: string): Promise<string> {
  const created = await editor.submit('/dashboard/offers/new?kind=consultation', '/dashboard/offers', {
    kind: 'consultation',
    title: 'One-on-one',
    slug: 'one-on-one',
    currency: 'CNY',
    price: '500.00',
    duration_minutes: '60',
    time_zone: timeZone,
  })
  expect(created.status).toBe(303)
  return idIn(created.location, 'off')
}

describe('consultation slots', () => {
  it("stores a slot typed as 2026-12-01T10:00 in Asia/Shanghai as 02:00Z and lists it in the offer's zone", async () => {
    const editor = await newEditor()
    const offerId = await givenConsultation(editor, 'Asia/Shanghai')
    const form = await editor.get(`/dashboard/offers/${offerId}/slots/new`)
    expect(form.html).toContain('type="datetime-local"')
    expect(form.html).toContain('Starts at (Asia/Shanghai)')
    const added = await editor.submit(
      `/dashboard/offers/${offerId}/slots/new`,
      `/dashboard/offers/${offerId}/slots`,
      {
        starts_at: '2026-12-01T10:00',
        meeting_details: 'Zoom link follows.',
      },
    )
    expect(added.status).toBe(303)
    expect(added.location).toBe(`/dashboard/offers/${offerId}#slots`)
    const rows = await editor.ctx.sql.execute(
      'select starts_at, ends_at, status, meeting_details from consultation_slots',
    )
    expect(rows.rows).toEqual([
      expect.objectContaining({
        starts_at: Date.UTC(2026, 11, 1, 2, 0),
        ends_at: Date.UTC(2026, 11, 1, 3, 0),
        status: 'free',
        meeting_details: 'Zoom link follows.',
      }),
    ])
    const page = await editor.get(`/dashboard/offers/${offerId}`)
    expect(page.html).toContain('datetime="2026-12-01T02:00:00.000Z"')
    expect(page.html).toContain('December 1, 2026, 10:00–11:00')
  })

  it('reads the time in the consultation’s own zone, not the creator’s', async () => {
    const editor = await newEditor()
    const offerId = await givenConsultation(editor, 'America/New_York')
    await editor.submit(`/dashboard/offers/${offerId}/slots/new`, `/dashboard/offers/${offerId}/slots`, {
      starts_at: '2026-12-01T10:00',
    })
    const rows = await editor.ctx.sql.execute('select starts_at from consultation_slots')
    expect(rows.rows[0]?.starts_at).toBe(Date.UTC(2026, 11, 1, 15, 0))
  })

  it('refuses a missing time, a past time and an overlap with 422, keeping what was typed', async () => {
    const editor = await newEditor()
    const offerId = await givenConsultation(editor, 'Asia/Shanghai')
    const page = `/dashboard/offers/${offerId}/slots/new`
    const action = `/dashboard/offers/${offerId}/slots`
    const empty = await editor.submit(page, action, { starts_at: '', meeting_details: 'kept' })
    expect(empty.status).toBe(422)
    expect(empty.html).toContain('id="f-starts_at-error" class="error">Choose a date and time<')
    expect(empty.html).toContain('>kept</textarea>')
    const past = await editor.submit(page, action, { starts_at: '2026-01-01T10:00' })
    expect(past.status).toBe(422)
    expect(past.html).toContain('id="f-starts_at-error" class="error">Choose a time in the future<')
    expect(past.html).toContain('value="2026-01-01T10:00"')
    expect((await editor.submit(page, action, { starts_at: '2026-12-01T10:00' })).status).toBe(303)
    const overlap = await editor.submit(page, action, { starts_at: '2026-12-01T10:30' })
    expect(overlap.status).toBe(422)
    expect(overlap.html).toContain('id="f-starts_at-error" class="error">Overlaps an existing slot<')
    expect(await countRows(editor.ctx, 'consultation_slots')).toBe(1)
  })

  it('removes a free slot', async () => {
    const editor = await newEditor()
    const offerId = await givenConsultation(editor, 'Asia/Shanghai')
    await editor.submit(`/dashboard/offers/${offerId}/slots/new`, `/dashboard/offers/${offerId}/slots`, {
      starts_at: '2026-12-01T10:00',
    })
    const page = await editor.get(`/dashboard/offers/${offerId}`)
    const slotId = /data-slot="(slt_[0-9a-z]+)"/.exec(page.html)?.[1]
    const removed = await editor.submit(
      `/dashboard/offers/${offerId}`,
      `/dashboard/slots/${slotId}/delete`,
      {},
    )
    expect(removed.status).toBe(303)
    const rows = await editor.ctx.sql.execute('select status from consultation_slots')
    expect(rows.rows[0]?.status).toBe('cancelled')
    expect((await editor.get(`/dashboard/offers/${offerId}`)).html).not.toContain('data-slot=')
  })

  it('adds and removes a slot in 3 each: the session, one read, one write', async () => {
    const editor = await newEditor()
    const offerId = await givenConsultation(editor, 'Asia/Shanghai')
    const page = `/dashboard/offers/${offerId}`
    const added = await editor.submitCounted(`${page}/slots/new`, `${page}/slots`, {
      starts_at: '2026-12-01T10:00',
      meeting_details: 'Video call.',
    })
    expect(added).toMatchObject({ status: 303, location: `${page}#slots`, roundTrips: 3 })
    const slotId = /data-slot="(slt_[0-9a-z]+)"/.exec((await editor.get(page)).html)?.[1]
    const removed = await editor.submitCounted(page, `/dashboard/slots/${slotId}/delete`, {})
    expect(removed).toMatchObject({ status: 303, location: `${page}#slots`, roundTrips: 3 })
    const rows = await editor.ctx.sql.execute('select status from consultation_slots')
    expect(rows.rows.map((row) => row.status)).toEqual(['cancelled'])
  })
})

import { describe, expect, it } from 'vitest'
import { newEditor } from './harness'

const settings = {
  name: 'The Writer',
  bio: 'I write.',
  locale: 'en',
  time_zone: 'Europe/Berlin',
  grace_days: '5',
  default_currency: 'EUR',
}

describe('settings', () => {
  it('saves the settings through the creator verb, and the language of the pages follows', async () => {
    const editor = await newEditor({ locale: 'zh-CN' })
    const before = await editor.get('/dashboard/settings')
    expect(before.html).toContain('<html lang="zh-CN">')
    expect(before.html).toContain('<h1>设置</h1>')
    const saved = await editor.submit('/dashboard/settings', '/dashboard/settings', settings)
    expect(saved.status).toBe(303)
    expect(saved.location).toBe('/dashboard/settings?saved=1')
    const after = await editor.get('/dashboard/settings?saved=1')
    expect(after.html).toContain('<html lang="en">')
    expect(after.html).toContain('<h1>Settings</h1>')
    expect(after.html).toContain('Saved.')
    const row = await editor.ctx.sql.execute({
      sql: 'select * from creators where id = ?',
      args: [editor.creator.id],
    })
    expect(row.rows[0]).toMatchObject({
      name: 'The Writer',
      bio: 'I write.',
      locale: 'en',
      time_zone: 'Europe/Berlin',
      grace_days: 5,
      default_currency: 'EUR',
    })
    // The new default currency is what a new offer's form starts with.
    expect((await editor.get('/dashboard/offers/new?kind=course')).html).toContain(
      '<option value="EUR" selected="">EUR</option>',
    )
  })

  it('refuses out-of-range grace days and an unknown time zone with 422 and changes nothing', async () => {
    const editor = await newEditor()
    const refused = await editor.submit('/dashboard/settings', '/dashboard/settings', {
      ...settings,
      grace_days: '99',
      time_zone: 'Mars/Olympus',
    })
    expect(refused.status).toBe(422)
    expect(refused.html).toMatch(/name="grace_days" type="number" value="99"[^>]*aria-invalid="true"/)
    expect(refused.html).toContain('must be an IANA time zone such as Asia/Shanghai')
    expect(refused.html).toContain('value="Mars/Olympus"')
    const row = await editor.ctx.sql.execute({ sql: 'select grace_days, name from creators', args: [] })
    expect(row.rows[0]).toMatchObject({ grace_days: 3, name: 'Creator writer' })
  })
})

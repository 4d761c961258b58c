import { describe, expect, it } from 'vitest'
import { buildIcs, escapeIcsText, foldIcsLine, icsDateTime } from '../../src/mail/ics'

const octets = (line: string) => new TextEncoder().encode(line).length

/** Undoes folding as a calendar app does: CRLF followed by one space joins the lines. */
const unfold = (text: string) => text.replaceAll('\r\n ', '')

describe('escapeIcsText', () => {
  it('escapes backslash, semicolon and comma, and turns every line break into \\n', () => {
    expect(escapeIcsText('a\\b;c,d')).toBe('a\\\\b\\;c\\,d')
    expect(escapeIcsText('one\r\ntwo\nthree\rfour')).toBe('one\\ntwo\\nthree\\nfour')
  })

  it('escapes the backslash first, so an escaped comma is not escaped twice', () => {
    expect(escapeIcsText('\\,')).toBe('\\\\\\,')
  })

  it('drops control characters that TEXT does not allow, keeping tabs', () => {
    expect(escapeIcsText('a\u0000b\u0007c\td\u007f')).toBe('abc\td')
  })
})

describe('foldIcsLine', () => {
  it('leaves a line of 75 octets alone', () => {
    const line = `SUMMARY:${'x'.repeat(67)}`
    expect(octets(line)).toBe(75)
    expect(foldIcsLine(line)).toBe(line)
  })

  it('folds ASCII at 75 octets, counting the leading space of continuation lines', () => {
    const line = `DESCRIPTION:${'a'.repeat(200)}`
    const folded = foldIcsLine(line)
    const lines = folded.split('\r\n')
    expect(lines.length).toBeGreaterThan(2)
    expect(octets(lines[0] ?? '')).toBe(75)
    for (const continuation of lines.slice(1)) {
      expect(continuation.startsWith(' ')).toBe(true)
      expect(octets(continuation)).toBeLessThanOrEqual(75)
    }
    expect(octets(lines[1] ?? '')).toBe(75)
    expect(unfold(folded)).toBe(line)
  })

  it('counts UTF-8 bytes for Chinese and never splits a character', () => {
    const line = `SUMMARY:${'读书会会员年度咨询'.repeat(6)}`
    const folded = foldIcsLine(line)
    const lines = folded.split('\r\n')
    expect(lines.length).toBeGreaterThan(2)
    for (const part of lines) {
      expect(octets(part)).toBeLessThanOrEqual(75)
      // A split character would decode to U+FFFD; each part must survive a UTF-8 round trip on its own.
      expect(
        new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(new TextEncoder().encode(part)),
      ).toBe(part)
    }
    // "SUMMARY:" is 8 octets; 22 CJK characters make 74; the 23rd would make 77.
    expect(octets(lines[0] ?? '')).toBe(74)
    expect(unfold(folded)).toBe(line)
  })

  it('keeps a 4-byte emoji whole across a fold', () => {
    // 8 + 63 + 4 = 75 octets: the first emoji just fits, the second would need 79.
    const line = `SUMMARY:${'a'.repeat(63)}🎉🎉🎉`
    const folded = foldIcsLine(line)
    expect(folded).toBe(`SUMMARY:${'a'.repeat(63)}🎉\r\n 🎉🎉`)
    expect(unfold(folded)).toBe(line)
  })
})

describe('buildIcs', () => {
  const event = {
    uid: 'slt_0123@quanzi',
    stamp: Date.UTC(2026, 10, 23, 12, 0, 0),
    start: Date.UTC(2026, 11, 1, 10, 0, 0),
    end: Date.UTC(2026, 11, 1, 11, 0, 0),
    summary: '一对一咨询：写作, 结构; 与节奏',
    description: '第一行\n第二行',
    location: 'Tencent Meeting 123-456',
    url: 'https://meeting.example.com/j/123',
  }

  it('writes a published VEVENT with UTC times and CRLF line endings', () => {
    const ics = buildIcs(event)
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true)
    expect(ics.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/)
    const lines = unfold(ics).split('\r\n')
    expect(lines).toEqual([
      'BEGIN:VCALENDAR',
      'PRODID:-//quanzi//quanzi//EN',
      'VERSION:2.0',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'BEGIN:VEVENT',
      'UID:slt_0123@quanzi',
      'DTSTAMP:20261123T120000Z',
      'DTSTART:20261201T100000Z',
      'DTEND:20261201T110000Z',
      'SUMMARY:一对一咨询：写作\\, 结构\\; 与节奏',
      'DESCRIPTION:第一行\\n第二行',
      'LOCATION:Tencent Meeting 123-456',
      'URL:https://meeting.example.com/j/123',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ])
  })

  it('leaves out optional properties and folds every long line', () => {
    const ics = buildIcs({
      ...event,
      description: '很长的说明'.repeat(40),
      location: undefined,
      url: undefined,
    })
    expect(ics).not.toContain('LOCATION')
    expect(ics).not.toContain('URL:')
    for (const line of ics.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75)
    expect(unfold(ics)).toContain(`DESCRIPTION:${'很长的说明'.repeat(40)}\r\n`)
  })

  it('cannot be given an extra line through a URL or UID', () => {
    const ics = buildIcs({ ...event, uid: 'x\r\nATTENDEE:evil', url: 'https://a.example\nX-EVIL:1' })
    expect(ics).not.toMatch(/\r\nATTENDEE|\r\nX-EVIL/)
  })

  it('formats UTC date-times without separators or milliseconds', () => {
    expect(icsDateTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('20260102T030405Z')
  })
})

/**
 * A minimal RFC 5545 calendar: one VEVENT, published (METHOD:PUBLISH — an announcement, not a meeting request
 * that asks the buyer to reply). Pure and runtime-agnostic.
 *
 * The details calendar apps are strict about: CRLF line endings, TEXT values escaped (backslash, `;`, `,`,
 * newlines), times in UTC with a `Z`, and content lines folded at 75 octets — octets, not characters, and never
 * inside a multi-byte UTF-8 character, or a Chinese title arrives as mojibake.
 */

export interface IcsEvent {
  /** Globally unique and stable for this event (e.g. `slt_…@quanzi`): a re-sent invite updates, not duplicates. */
  uid: string
  /** When this calendar object was created (DTSTAMP), ms. */
  stamp: number
  start: number
  end: number
  summary: string
  description?: string
  location?: string
  url?: string
}

const crlf = '\r\n'
const maxOctets = 75

/** `Date.UTC(2026, 11, 1, 10)` → `20261201T100000Z` (RFC 5545 DATE-TIME, UTC form). */
export function icsDateTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll('-', '')
    .replaceAll(':', '')
}

/**
 * RFC 5545 3.3.11 TEXT: backslash first, then `;` and `,`, and every line break as the two characters `\n`.
 * Other control characters (tab aside) are not allowed in TEXT and are dropped.
 */
export function escapeIcsText(value: string): string {
  return (
    value
      .replaceAll('\\', '\\\\')
      .replaceAll(';', '\\;')
      .replaceAll(',', '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  )
}

/**
 * RFC 5545 3.1: a content line longer than 75 octets is split with CRLF + one space; the space counts towards the
 * next line's 75. Splits only between code points, so a 3-byte CJK character or a 4-byte emoji stays whole.
 */
export function foldIcsLine(line: string): string {
  const parts: string[] = []
  let current = ''
  let octets = 0
  for (const char of line) {
    const size = utf8Length(char)
    const limit = parts.length ? maxOctets - 1 : maxOctets
    if (octets + size > limit) {
      parts.push(current)
      current = ''
      octets = 0
    }
    current += char
    octets += size
  }
  parts.push(current)
  return parts.join(`${crlf} `)
}

/** The whole calendar as text (CRLF line endings, ending with CRLF). */
export function buildIcs(event: IcsEvent, options: { prodId?: string } = {}): string {
  const lines = [
    'BEGIN:VCALENDAR',
    `PRODID:${uriOrId(options.prodId ?? '-//quanzi//quanzi//EN')}`,
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${uriOrId(event.uid)}`,
    `DTSTAMP:${icsDateTime(event.stamp)}`,
    `DTSTART:${icsDateTime(event.start)}`,
    `DTEND:${icsDateTime(event.end)}`,
    `SUMMARY:${escapeIcsText(event.summary)}`,
    ...(event.description ? [`DESCRIPTION:${escapeIcsText(event.description)}`] : []),
    ...(event.location ? [`LOCATION:${escapeIcsText(event.location)}`] : []),
    ...(event.url ? [`URL:${uriOrId(event.url)}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ]
  return lines.map(foldIcsLine).join(crlf) + crlf
}

/** URI and id values are not TEXT (no escaping), but a control character in one would start a forged line. */
function uriOrId(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  return value.replace(/[\u0000-\u001f\u007f]/g, '')
}

function utf8Length(char: string): number {
  const code = char.codePointAt(0) ?? 0
  if (code < 0x80) return 1
  if (code < 0x800) return 2
  if (code < 0x10000) return 3
  return 4
}

import { describe, expect, it } from 'vitest'
import { csvCell, csvRow, utf8Bom } from './csv'

describe('csvCell', () => {
  it('writes plain text, numbers and booleans as they are and empty values as nothing', () => {
    expect(csvCell('reader@example.com')).toBe('reader@example.com')
    expect(csvCell('读书会')).toBe('读书会')
    expect(csvCell(20000)).toBe('20000')
    expect(csvCell(true)).toBe('true')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell('')).toBe('')
  })

  it('quotes fields with commas, quotes or line breaks and doubles the quotes (RFC 4180)', () => {
    expect(csvCell('Zhang, San')).toBe('"Zhang, San"')
    expect(csvCell('the "inner" circle')).toBe('"the ""inner"" circle"')
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"')
    expect(csvCell('carriage\r\nreturn')).toBe('"carriage\r\nreturn"')
  })

  it('prefixes an apostrophe to text that a spreadsheet would run as a formula', () => {
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell('+86 138')).toBe("'+86 138")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\t=cmd')).toBe("'\t=cmd")
    expect(csvCell('\r=cmd')).toBe('"\'\r=cmd"')
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""click"")"',
    )
  })

  it('leaves formula characters alone when they are not first, and numbers alone even when negative', () => {
    expect(csvCell('a=b')).toBe('a=b')
    expect(csvCell('x@example.com')).toBe('x@example.com')
    expect(csvCell(-5)).toBe('-5')
  })
})

describe('csvRow', () => {
  it('joins cells with commas and ends with CRLF', () => {
    expect(csvRow(['id', 'name', 'amount'])).toBe('id,name,amount\r\n')
    expect(csvRow(['buy_1', 'Li, Lei', 20000, null])).toBe('buy_1,"Li, Lei",20000,\r\n')
  })

  it('round-trips through a reader that follows RFC 4180', () => {
    const values = ['a,b', 'say "hi"', 'two\nlines', '=cmd', 'plain']
    expect(parseRecord(csvRow(values))).toEqual(['a,b', 'say "hi"', 'two\nlines', "'=cmd", 'plain'])
  })
})

describe('utf8Bom', () => {
  it('is the byte order mark EF BB BF once encoded', () => {
    expect([...new TextEncoder().encode(utf8Bom)]).toEqual([0xef, 0xbb, 0xbf])
  })
})

/** A minimal RFC 4180 reader for one record, to check the writer against the grammar, not against itself. */
function parseRecord(text: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      fields.push(field)
      field = ''
    } else if (char === '\r' && text[i + 1] === '\n') {
      fields.push(field)
      return fields
    } else field += char
  }
  throw new Error('record did not end with CRLF')
}

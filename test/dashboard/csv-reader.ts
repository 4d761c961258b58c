/**
 * An independent RFC 4180 reader for the export tests: a document in, records out (quoted fields may hold
 * commas, doubled quotes and line breaks; records end with CRLF). Refuses a document that breaks the grammar.
 */
export function readCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
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
    } else if (char === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`)
      quoted = true
    } else if (char === ',') {
      record.push(field)
      field = ''
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else if (char === '\n' || char === '\r') throw new Error(`bare line break outside quotes at ${i}`)
    else field += char
  }
  if (quoted || field !== '' || record.length) throw new Error('the document does not end with CRLF')
  return records
}

/** Records as objects keyed by the header row. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = readCsv(text)
  if (!header) throw new Error('no header row')
  return rows.map((row) => {
    if (row.length !== header.length)
      throw new Error(`a row has ${row.length} fields, the header ${header.length}`)
    return Object.fromEntries(header.map((name, index) => [name, row[index] ?? '']))
  })
}

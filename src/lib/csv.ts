/**
 * A small CSV writer: RFC 4180 rows (CRLF line ends, fields with commas, quotes or line breaks quoted, quotes
 * doubled) with a guard against CSV formula injection, for exports that creators open in Excel or Sheets.
 *
 * ```ts
 * utf8Bom + csvRow(['email', 'name']) + csvRow(['a@example.com', '=HYPERLINK("x")'])
 * // '\uFEFFemail,name\r\na@example.com,"\'=HYPERLINK(""x"")"\r\n'
 * ```
 */

export type CsvValue = string | number | boolean | null | undefined

/**
 * Excel reads a file without a byte order mark in the system's ANSI code page, which garbles Chinese names;
 * with the BOM it reads UTF-8. Other readers skip it.
 */
export const utf8Bom = '\uFEFF'

// A spreadsheet treats a cell starting with one of these as a formula (tab and CR too, as some programs trim
// them first), so a buyer named `=HYPERLINK(…)` could run something on the creator's machine (OWASP: CSV
// injection). A leading apostrophe makes the cell plain text and is hidden by Excel.
const formulaStart = /^[=+\-@\t\r]/
const needsQuotes = /[",\r\n]/

/** One field. Strings that could start a formula get a leading `'`; numbers are written as they are. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return String(value)
  const safe = formulaStart.test(value) ? `'${value}` : value
  return needsQuotes.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** One record, ending with CRLF as RFC 4180 asks. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}

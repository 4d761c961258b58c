/**
 * Streams a whole table as CSV without holding it: a `ReadableStream` that reads one keyset page (rows after
 * the last id sent) each time the client is ready for more. On Workers a response body may be large but an
 * isolate's memory is 128 MB, so an export of every member must never be built as one string.
 *
 * The first page is read before the response starts, so a database failure is still an ordinary 500 problem;
 * a failure on a later page can only cut the download short (the status is already sent), and is logged.
 */
import type { Deps } from '../deps'
import { type CsvValue, csvRow, utf8Bom } from '../lib/csv'
import { dateOf } from './calendar-months'
import type { ExportKind } from './dashboard-schemas'

/** Rows per query: small enough to keep memory flat, large enough that round trips stay few. */
export const exportPageSize = 500

export interface CsvSource<Row extends { id: string }> {
  header: readonly string[]
  /** Up to `limit` rows with an id greater than `after` (null: from the first), in id order. */
  page(after: string | null, limit: number): Promise<Row[]>
  cells(row: Row): CsvValue[]
}

export async function csvStream<Row extends { id: string }>(
  source: CsvSource<Row>,
  options: { pageSize?: number; onError: (error: unknown) => void },
): Promise<ReadableStream<Uint8Array>> {
  const pageSize = options.pageSize ?? exportPageSize
  const encoder = new TextEncoder()
  let pending: Row[] | null = await source.page(null, pageSize)
  let after: string | null = null
  let prefix = utf8Bom + csvRow(source.header)
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const rows = pending ?? (await source.page(after, pageSize))
        pending = null
        const text = prefix + rows.map((row) => csvRow(source.cells(row))).join('')
        prefix = ''
        if (text) controller.enqueue(encoder.encode(text))
        const last = rows.at(-1)
        // A short page is the last one.
        if (rows.length < pageSize || !last) controller.close()
        else after = last.id
      } catch (error) {
        options.onError(error)
        controller.error(error)
      }
    },
  })
}

/** `quanzi-members-2026-11-23.csv`, dated in the creator's time zone. */
export function exportFileName(kind: ExportKind, now: number, timeZone: string): string {
  return `quanzi-${kind}-${dateOf(now, timeZone)}.csv`
}

/** The export as a download: CSV with a BOM, attachment disposition, never cached by a shared cache. */
export async function csvResponse<Row extends { id: string }>(
  { clock, logger }: Pick<Deps, 'clock' | 'logger'>,
  scope: { creatorId: string; timeZone: string },
  kind: ExportKind,
  source: CsvSource<Row>,
): Promise<Response> {
  const body = await csvStream(source, {
    onError: (error) =>
      logger.error('csv export failed mid-stream', { kind, creatorId: scope.creatorId, error }),
  })
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${exportFileName(kind, clock.now(), scope.timeZone)}"`,
      'cache-control': 'private, no-store',
    },
  })
}

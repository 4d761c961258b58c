/**
 * Recognises constraint violations across drivers. libSQL says `SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint
 * failed: t.c`, D1 says `D1_ERROR: UNIQUE constraint failed: t.c`, and drizzle wraps both in a
 * DrizzleQueryError whose `cause` holds the driver's error; walk the chain and match the SQLite text.
 */
export function uniqueViolation(error: unknown): string | null {
  let current: unknown = error
  for (let depth = 0; current && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : String(current)
    const match = /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)/.exec(message)
    if (match) return match[1] ?? ''
    if (/PRIMARY KEY constraint failed/.test(message)) return 'primary key'
    current = current instanceof Error ? current.cause : undefined
  }
  return null
}

/** True when a batch was aborted by a `guardStatement` (its read went stale): read again and redo. */
export function staleRead(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; current && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : String(current)
    if (/CHECK constraint failed: stale_read/.test(message)) return true
    current = current instanceof Error ? current.cause : undefined
  }
  return false
}

/** Driver codes that mean "the database could not be reached or is busy", not "this query is wrong". */
const unavailableCodes = new Set([
  // libSQL over HTTP / WebSockets (Turso): HTTP 5xx, a closed stream, a broken socket.
  'SERVER_ERROR',
  'HRANA_CLOSED_ERROR',
  'HRANA_WEBSOCKET_ERROR',
  // SQLite itself (libSQL files): locked past the busy timeout, disk or file trouble.
  'SQLITE_BUSY',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  // The network under fetch (Node's undici) when the database host does not answer.
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
])

/**
 * True when a query failed because the database is unreachable or overloaded (a Turso outage, D1's "Network
 * connection lost", a locked file), so the request can be answered 503 with Retry-After instead of a bare 500:
 * the caller (a browser, Stripe's retries) should simply try again. Walks the `cause` chain as drizzle wraps.
 */
export function databaseUnavailable(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && unavailableCodes.has(code)) return true
    const message = current instanceof Error ? current.message : String(current)
    if (current instanceof TypeError && message === 'fetch failed') return true
    if (/D1_ERROR: .*(network connection lost|overloaded|reset|timed out|exceeded timeout)/i.test(message))
      return true
    current = current instanceof Error ? current.cause : undefined
  }
  return false
}

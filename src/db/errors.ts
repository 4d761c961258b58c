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

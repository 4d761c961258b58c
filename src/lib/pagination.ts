/** Cursor pagination over time-sortable ids: fetch `limit + 1` rows, newest first, and cut the page here. */
export interface Page<T> {
  data: T[]
  /** The last id shown when another page exists, else null. */
  next_cursor: string | null
}

/** `rows` were fetched with `.limit(limit + 1)`; the extra row only says whether another page exists. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, shape: (row: R) => T): Page<T> {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return { data: page.map(shape), next_cursor: rows.length > limit && last ? last.id : null }
}

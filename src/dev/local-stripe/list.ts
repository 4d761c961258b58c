/**
 * Stripe's list semantics: newest first, `limit` 1–100 (default 10), cursors `starting_after` (older than that
 * object) and `ending_before` (newer than that object, still newest first: the SDK's auto-pagination walks those
 * pages from the end), `created` as a timestamp or a range (`created[gt]`, `gte`, `lt`, `lte`), and `has_more`.
 */
import { invalidRequest, noSuch } from './errors'
import type { FormObject } from './form'
import { optionalInteger, optionalObject, optionalString, rejectUnknown } from './params'
import { clone } from './store'

export interface ListPage<T> {
  object: 'list'
  data: T[]
  has_more: boolean
  url: string
}

const paginationParams = ['limit', 'starting_after', 'ending_before', 'expand']

/**
 * One page of `newestFirst` (already sorted) after `filter` and the `created` filter. `kind` names the objects
 * in "No such …" errors for unknown cursors.
 */
export function paginate<T extends { id: string; created?: unknown }>(
  newestFirst: T[],
  query: FormObject,
  options: { url: string; kind: string; params: readonly string[]; filter?: (item: T) => boolean },
): ListPage<T> {
  rejectUnknown(query, [...paginationParams, ...options.params])
  const limit = optionalInteger(query, 'limit', '', 1) ?? 10
  if (limit > 100) throw invalidRequest('This value must be less than or equal to 100.', 'limit')
  const startingAfter = optionalString(query, 'starting_after')
  const endingBefore = optionalString(query, 'ending_before')
  if (startingAfter && endingBefore) {
    throw invalidRequest(
      'You may only specify one of these parameters: ending_before, starting_after.',
      'ending_before',
    )
  }
  const created = createdFilter(query)
  const matches = (item: T) =>
    (options.filter ? options.filter(item) : true) &&
    created(typeof item.created === 'number' ? item.created : 0)

  const positionOf = (id: string, param: string) => {
    const position = newestFirst.findIndex((item) => item.id === id)
    if (position < 0) throw noSuch(options.kind, id, param, 400)
    return position
  }
  let data: T[]
  let hasMore: boolean
  if (endingBefore) {
    const newer = newestFirst.slice(0, positionOf(endingBefore, 'ending_before')).filter(matches)
    data = newer.slice(Math.max(0, newer.length - limit))
    hasMore = newer.length > limit
  } else {
    const from = startingAfter ? positionOf(startingAfter, 'starting_after') + 1 : 0
    const older = newestFirst.slice(from).filter(matches)
    data = older.slice(0, limit)
    hasMore = older.length > limit
  }
  return { object: 'list', data: clone(data), has_more: hasMore, url: options.url }
}

function createdFilter(query: FormObject): (created: number) => boolean {
  if (query.created === undefined) return () => true
  if (typeof query.created === 'string') {
    const exact = optionalInteger(query, 'created')
    return (created) => exact === undefined || created === exact
  }
  const range = optionalObject(query, 'created')
  if (!range) return () => true
  rejectUnknown(range, ['gt', 'gte', 'lt', 'lte'], 'created')
  const gt = optionalInteger(range, 'gt', 'created')
  const gte = optionalInteger(range, 'gte', 'created')
  const lt = optionalInteger(range, 'lt', 'created')
  const lte = optionalInteger(range, 'lte', 'created')
  return (created) =>
    (gt === undefined || created > gt) &&
    (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) &&
    (lte === undefined || created <= lte)
}

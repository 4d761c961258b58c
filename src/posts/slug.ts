/** Post slugs: given by the creator, or derived from the title. */
import { randomBase32 } from '../lib/ids'

const maxLength = 64

/**
 * `slugFromTitle('Hello, Wörld!')` → `hello-world`. Titles without Latin letters or digits (most Chinese
 * titles) get a short random slug instead, e.g. `post-3k9x2m7q`: a transliteration would need a dictionary.
 */
export function slugFromTitle(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '')
  return slug.length >= 2 ? slug : `post-${randomBase32(8)}`
}

/** A derived slug that collided with an existing one, made unique with a random suffix. */
export function withRandomSuffix(slug: string): string {
  const suffix = randomBase32(6)
  return `${slug.slice(0, maxLength - suffix.length - 1).replace(/-+$/, '')}-${suffix}`
}

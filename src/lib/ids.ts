/**
 * Ids with a kind prefix and a time-sortable body, e.g. `off_0kxq3v9t2a7bcd8e9fgh`.
 *
 * The body is 10 base32 characters of milliseconds followed by 12 random ones, so ids sort in creation order
 * (cursor pagination orders by id) and logs say what a value is. Uses Web Crypto: works on Node and Workers.
 */
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz' // Crockford base32, lower case

export const idPrefixes = {
  creator: 'cre',
  apiKey: 'key',
  offer: 'off',
  price: 'pri',
  lesson: 'les',
  post: 'pst',
  slot: 'slt',
  buyer: 'buy',
  order: 'ord',
  subscription: 'sub',
  entitlement: 'ent',
  entitlementChange: 'chg',
  loginToken: 'tok',
  groupReveal: 'rev',
  audit: 'aud',
  mail: 'mal',
} as const
export type IdKind = keyof typeof idPrefixes

function encodeTime(ms: number): string {
  let out = ''
  let rest = Math.floor(ms)
  for (let i = 0; i < 10; i++) {
    out = alphabet[rest % 32] + out
    rest = Math.floor(rest / 32)
  }
  return out
}

/**
 * Random bytes are drawn from the CSPRNG a pool at a time: one `getRandomValues` call costs about as much as
 * building a whole id, and a webhook makes several. Each byte is used once.
 */
const pool = new Uint8Array(4096)
let poolOffset = pool.length

/** Random base32 string of `length` characters (at most the pool's size). */
export function randomBase32(length: number): string {
  if (poolOffset + length > pool.length) {
    crypto.getRandomValues(pool)
    poolOffset = 0
  }
  let out = ''
  for (let i = poolOffset; i < poolOffset + length; i++) out += alphabet[(pool[i] ?? 0) % 32]
  poolOffset += length
  return out
}

/** A new id of the given kind, created at `now` (ms). */
export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${idPrefixes[kind]}_${encodeTime(now)}${randomBase32(12)}`
}

/** True when `value` looks like an id of `kind`: cheap guard before a query. */
export function isId(kind: IdKind, value: string): boolean {
  return value.length === idPrefixes[kind].length + 23 && value.startsWith(`${idPrefixes[kind]}_`)
}

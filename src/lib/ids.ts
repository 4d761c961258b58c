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

/** Random base32 string of `length` characters. */
export function randomBase32(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let out = ''
  for (const byte of bytes) out += alphabet[byte % 32]
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

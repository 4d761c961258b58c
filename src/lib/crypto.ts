const utf8 = new TextEncoder()
/** Each byte value as two lower-case hex digits, built once. */
const hexOf = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/** SHA-256 of a UTF-8 string as lower-case hex. Web Crypto: same result on Node and Workers. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(value)))
  let hex = ''
  for (const byte of digest) hex += hexOf[byte]
  return hex
}

/**
 * The imported HMAC key per secret: importing costs about as much as signing, and a process signs with one or two
 * secrets (the webhook secret, the session secret). Bounded, for an operator who rolls a secret now and then.
 */
const hmacKeys = new Map<string, Promise<CryptoKey>>()
const maxCachedKeys = 4

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret)
  if (!key) {
    if (hmacKeys.size >= maxCachedKeys) hmacKeys.clear()
    key = crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
    // A failed import is not kept: the next call tries again.
    key.catch(() => hmacKeys.delete(secret))
    hmacKeys.set(secret, key)
  }
  return key
}

/** HMAC-SHA256 of a UTF-8 message under a UTF-8 secret. Web Crypto: same result on Node and Workers. */
export async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), utf8.encode(message)))
}

/** HMAC-SHA256 as lower-case hex. */
export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  let hex = ''
  for (const byte of await hmacSha256(secret, message)) hex += hexOf[byte]
  return hex
}

/** URL-safe base64 without padding. */
export function base64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** URL-safe random token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)))
}

/**
 * Compares two strings in time that depends only on their length, so a wrong admin token
 * does not leak how many leading characters were right.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a)
  const right = new TextEncoder().encode(b)
  let diff = left.length ^ right.length
  const length = Math.max(left.length, right.length)
  for (let i = 0; i < length; i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0)
  return diff === 0
}

/**
 * Stripe's v1 request encoding: `application/x-www-form-urlencoded` with bracket notation for nesting,
 * `line_items[0][price_data][unit_amount]=20000`, `metadata[order_id]=…`, `expand[0]=line_items`. The SDK
 * (23.x) writes indexed arrays and leaves brackets unescaped; `a[]=x` (append) is accepted too, as Stripe does.
 * Every leaf stays a string: Stripe's own coercion ("Invalid integer: abc") happens per parameter.
 */

export type FormValue = string | FormValue[] | FormObject
export interface FormObject {
  [key: string]: FormValue
}

/** A malformed key or a key used both as a value and as a container; answered as a 400 by the server. */
export class FormError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message)
  }
}

// Keys that would reach Object.prototype through a plain object; Stripe has no such parameters.
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype'])
const keyPattern = /^([^[\]]+)((?:\[[^[\]]*\])*)$/

/** Parses a form body or a query string (without the leading `?`) into nested objects and arrays. */
export function parseForm(encoded: string): FormObject {
  const root: FormObject = {}
  for (const [key, value] of new URLSearchParams(encoded)) {
    const match = keyPattern.exec(key)
    if (!match) throw new FormError(`Invalid parameter name: ${key}`, key)
    const segments = [
      match[1] as string,
      ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? ''),
    ]
    for (const segment of segments) {
      if (forbiddenKeys.has(segment)) throw new FormError(`Invalid parameter name: ${key}`, key)
    }
    assign(root, segments, value, key)
  }
  assertDense(root, '')
  return root
}

function isIndex(segment: string): boolean {
  return segment === '' || /^\d+$/.test(segment)
}

function assign(root: FormObject, segments: string[], value: string, key: string): void {
  let container: FormObject | FormValue[] = root
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string
    const last = i === segments.length - 1
    const next = segments[i + 1]
    if (Array.isArray(container)) {
      if (!isIndex(segment)) throw new FormError(`Invalid array: ${key} mixes indices and names`, key)
      const index = segment === '' ? container.length : Number(segment)
      if (index > 10_000) throw new FormError(`Invalid array index: ${key}`, key)
      if (last) {
        container[index] = value
        return
      }
      container[index] = child(container[index], next as string, key)
      container = container[index] as FormObject | FormValue[]
    } else {
      if (segment === '') throw new FormError(`Invalid parameter name: ${key}`, key)
      if (last) {
        if (segment in container && typeof container[segment] !== 'string') {
          throw new FormError(`Invalid hash: ${key} is used both as a value and as a hash`, key)
        }
        container[segment] = value
        return
      }
      container[segment] = child(container[segment], next as string, key)
      container = container[segment] as FormObject | FormValue[]
    }
  }
}

function child(existing: FormValue | undefined, nextSegment: string, key: string): FormObject | FormValue[] {
  const wantArray = isIndex(nextSegment)
  if (existing === undefined) return wantArray ? [] : {}
  if (typeof existing === 'string') {
    throw new FormError(`Invalid hash: ${key} is used both as a value and as a hash`, key)
  }
  if (Array.isArray(existing) !== wantArray) throw new FormError(`Invalid array: ${key}`, key)
  return existing
}

function assertDense(value: FormValue, path: string): void {
  if (typeof value === 'string') return
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i]
      if (item === undefined) throw new FormError(`Invalid array: ${path}[${i}] is missing`, `${path}[${i}]`)
      assertDense(item, `${path}[${i}]`)
    }
    return
  }
  for (const [key, item] of Object.entries(value)) assertDense(item, path ? `${path}[${key}]` : key)
}

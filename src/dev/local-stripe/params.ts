/**
 * Readers for form-decoded parameters with Stripe's messages and `param` paths (`line_items[0][quantity]`).
 * Every leaf arrives as a string; these coerce it the way Stripe does and name the exact parameter on failure.
 */
import { invalidRequest, missingParam, unknownParam } from './errors'
import type { FormObject, FormValue } from './form'

export function paramPath(prefix: string, key: string | number): string {
  return prefix ? `${prefix}[${key}]` : String(key)
}

/** Stripe refuses parameters it does not know; the lists below are the SDK's own `…Params` fields. */
export function rejectUnknown(params: FormObject, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) throw unknownParam(paramPath(prefix, key))
  }
}

export function optionalString(params: FormObject, key: string, prefix = ''): string | undefined {
  const value = params[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string')
    throw invalidRequest(`Invalid string: ${paramPath(prefix, key)}`, paramPath(prefix, key))
  return value
}

export function requiredString(params: FormObject, key: string, prefix = ''): string {
  const value = optionalString(params, key, prefix)
  if (value === undefined || value === '') throw missingParam(paramPath(prefix, key))
  return value
}

export function optionalInteger(params: FormObject, key: string, prefix = '', min = 0): number | undefined {
  const raw = optionalString(params, key, prefix)
  if (raw === undefined || raw === '') return undefined
  const path = paramPath(prefix, key)
  if (!/^-?\d+$/.test(raw)) throw invalidRequest(`Invalid integer: ${raw}`, path, 'parameter_invalid_integer')
  const value = Number(raw)
  if (value < min) throw invalidRequest(`This value must be greater than or equal to ${min}.`, path)
  return value
}

export function requiredInteger(params: FormObject, key: string, prefix = '', min = 0): number {
  const value = optionalInteger(params, key, prefix, min)
  if (value === undefined) throw missingParam(paramPath(prefix, key))
  return value
}

export function optionalBoolean(params: FormObject, key: string, prefix = ''): boolean | undefined {
  const raw = optionalString(params, key, prefix)
  if (raw === undefined) return undefined
  if (raw === 'true') return true
  if (raw === 'false') return false
  throw invalidRequest(`Invalid boolean: ${raw}`, paramPath(prefix, key))
}

export function optionalObject(params: FormObject, key: string, prefix = ''): FormObject | undefined {
  const value = params[key]
  if (value === undefined || value === '') return undefined
  if (typeof value === 'string' || Array.isArray(value)) {
    throw invalidRequest(`Invalid hash`, paramPath(prefix, key), 'parameter_invalid_hash')
  }
  return value
}

export function optionalArray(params: FormObject, key: string, prefix = ''): FormValue[] | undefined {
  const value = params[key]
  if (value === undefined || value === '') return undefined
  if (!Array.isArray(value))
    throw invalidRequest(`Invalid array`, paramPath(prefix, key), 'parameter_invalid_array')
  return value
}

export function optionalStringArray(params: FormObject, key: string, prefix = ''): string[] | undefined {
  const list = optionalArray(params, key, prefix)
  if (!list) return undefined
  return list.map((item, index) => {
    if (typeof item !== 'string')
      throw invalidRequest('Invalid string', paramPath(paramPath(prefix, key), index))
    return item
  })
}

export function objectAt(list: FormValue[], index: number, prefix: string): FormObject {
  const value = list[index]
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) {
    throw invalidRequest('Invalid hash', paramPath(prefix, index), 'parameter_invalid_hash')
  }
  return value
}

/** Metadata: string values; on update an empty string removes the key (Stripe's rule). */
export function optionalMetadata(params: FormObject, key = 'metadata'): Record<string, string> | undefined {
  const raw = optionalObject(params, key)
  if (!raw) return params[key] === '' ? {} : undefined
  const metadata: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string') throw invalidRequest('Invalid metadata value', paramPath(key, name))
    if (name.length > 40)
      throw invalidRequest('Metadata keys are limited to 40 characters.', paramPath(key, name))
    if (value.length > 500)
      throw invalidRequest('Metadata values are limited to 500 characters.', paramPath(key, name))
    metadata[name] = value
  }
  return metadata
}

export function mergeMetadata(
  current: Record<string, string>,
  update: Record<string, string>,
): Record<string, string> {
  const merged = { ...current }
  for (const [name, value] of Object.entries(update)) {
    if (value === '') delete merged[name]
    else merged[name] = value
  }
  return merged
}

export function expandOf(params: FormObject): string[] {
  return optionalStringArray(params, 'expand') ?? []
}

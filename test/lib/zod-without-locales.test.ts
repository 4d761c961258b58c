/**
 * The Worker's zod (src/lib/zod-without-locales.ts, aliased in wrangler.toml) against zod itself: the same
 * values under the same names, minus a fixed list. A zod upgrade that adds, renames or moves an export fails
 * here, before a Worker build quietly lacks it.
 */

import { describe, expect, it } from 'vitest'
import * as zod from 'zod'
import * as slim from '../../src/lib/zod-without-locales'

/** What the Worker leaves out: translations, the core namespace that re-exports them, converters, compiler. */
const omitted = [
  'core',
  'locales',
  'toJSONSchema',
  'fromJSONSchema',
  'deepPartial',
  'compile',
  'withParser',
  'ZodCompileAsyncError',
  'ZodCompileUnsupportedError',
]

describe('zod without locales', () => {
  it('exports every member of zod but the omitted ones, as the very same values', () => {
    const own = Object.keys(zod).filter((name) => name !== 'z' && name !== 'default')
    for (const name of omitted) expect(own, `zod no longer exports ${name}`).toContain(name)
    const kept = own.filter((name) => !omitted.includes(name))
    expect(Object.keys(slim).sort()).toEqual([...kept, 'default', 'z'].sort())
    const members = slim as unknown as Record<string, unknown>
    const original = zod as unknown as Record<string, unknown>
    for (const name of kept) {
      // Namespaces (iso, coerce, util, regexes) are fresh objects per re-export: compare their members.
      if (typeof original[name] === 'object' && original[name] !== null && !('_zod' in original[name]))
        expect(Object.keys(members[name] as object).sort(), name).toEqual(Object.keys(original[name]).sort())
      else expect(members[name], name).toBe(original[name])
    }
  })

  it('offers the namespace as z and default, and validates with the English messages', () => {
    expect(slim.z).toBe(slim.default)
    expect(Object.keys(slim.z).sort()).toEqual(
      Object.keys(slim)
        .filter((k) => k !== 'z' && k !== 'default')
        .sort(),
    )
    const result = slim.z.object({ title: slim.z.string().min(1) }).safeParse({ title: '' })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toBe('Too small: expected string to have >=1 characters')
  })
})

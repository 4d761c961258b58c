/**
 * The members of zod's classic namespace that the Worker keeps; see zod-without-locales.ts for why. The order
 * and the explicit lists follow node_modules/zod/v4/classic/external.js.
 */

export * from '../../node_modules/zod/v4/classic/checks.js'
export * as coerce from '../../node_modules/zod/v4/classic/coerce.js'
export * from '../../node_modules/zod/v4/classic/compat.js'
export * from '../../node_modules/zod/v4/classic/errors.js'
export { input, output } from '../../node_modules/zod/v4/classic/in-out.js'
export * as iso from '../../node_modules/zod/v4/classic/iso.js'
export {
  ZodISODate,
  ZodISODateTime,
  ZodISODuration,
  ZodISOTime,
} from '../../node_modules/zod/v4/classic/iso.js'
export * from '../../node_modules/zod/v4/classic/parse.js'
export * from '../../node_modules/zod/v4/classic/schemas.js'
export {
  $brand,
  $input,
  $output,
  clone,
  config,
  flattenError,
  formatError,
  getDiscriminatedOption,
  globalRegistry,
  INVALID,
  memoizer,
  NEVER,
  prettifyError,
  regexes,
  registry,
  TimePrecision,
  toZod,
  treeifyError,
  util,
} from '../../node_modules/zod/v4/core/index.js'

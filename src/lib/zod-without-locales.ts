/**
 * zod as the Worker bundle sees it: wrangler.toml aliases `zod` to this module (`[alias]`), for our code and for
 * @hono/zod-openapi alike. It is zod 4's classic entry (`zod/v4/classic/external`) minus what a Worker never
 * uses: the 40-odd translations (`locales`, about 250 KiB minified), the `core` namespace that re-exports them,
 * and the JSON Schema converters, the compiler and deepPartial.
 *
 * Why an alias rather than a better import: @hono/zod-openapi passes the whole `z` namespace to
 * `extendZodWithOpenApi(z)`, and a namespace used as a value keeps every member in an esbuild bundle, locales
 * included. Error texts are unaffected: zod registers its English messages from `classic/schemas` itself, and
 * quanzi writes its own texts for forms (src/dashboard/editor-messages.ts).
 *
 * The paths point into the pinned zod package (its `exports` map has no subpath for the classic files).
 * test/lib/zod-without-locales.test.ts fails when a zod upgrade adds, moves or removes an export, so this list
 * is checked against zod's own on every run. Node keeps importing zod itself.
 */
import * as z from './zod-without-locales-members'

export * from './zod-without-locales-members'
export { z, z as default }

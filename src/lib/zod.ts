/**
 * zod as quanzi uses it: `zod/mini` (functions rather than methods, so a bundle keeps only the checks it uses),
 * with English error messages, which `zod/mini` leaves out unless asked. Import it as
 * `import * as z from '../lib/zod'`; importing this module is what configures the messages, for the app, the
 * Worker and the CLI alike.
 */
import { config } from 'zod/mini'
import en from 'zod/v4/locales/en.js'

config(en())

export * from 'zod/mini'

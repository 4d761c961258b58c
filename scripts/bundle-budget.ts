/**
 * The Worker bundle's size limits, gzip KiB, read by `npm run deploy:check` and `npm run bench`:
 * - `budgetKiB` is what CI enforces today: a ratchet just above the current size. Lower it whenever the bundle
 *   shrinks; never raise it without saying why in the commit.
 * - `targetKiB` is the goal set by issue 7, which the bundle does not meet yet.
 */
export const budgetKiB = 212
export const targetKiB = 120

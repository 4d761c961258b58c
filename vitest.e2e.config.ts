import { defineConfig } from 'vitest/config'

// Browser journeys (`npm run test:e2e`): the Node entry in a child process with a fresh database, driven by
// Debian's Chromium through playwright-core. One file at a time: each starts its own server and browser.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
})

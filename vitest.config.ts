import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Only acts under QUANZI_TEST_DB=d1 (`npm run test:d1`): stops each file's D1 runtimes.
    setupFiles: ['test/d1-setup.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})

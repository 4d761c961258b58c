import { defineConfig } from 'vitest/config'

// Fault tests (`npm run test:faults`): servers killed mid-storm, database and Stripe outages, contention. One
// file at a time: they start processes and load the machine.
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    include: ['test/faults/**/*.faults.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})

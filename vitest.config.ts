import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Child processes isolate native state and tolerate large typed arrays; two workers suit a 2-core runner.
    pool: 'forks',
    maxWorkers: 2,
  },
});

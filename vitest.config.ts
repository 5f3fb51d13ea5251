import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/{unit,integration,faults,backends,security,cli,glue}/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests share one real keychain; each uses its own connection ids, so files may run in parallel.
    fileParallelism: true,
  },
});

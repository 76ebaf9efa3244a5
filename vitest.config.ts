import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Backends (moto, loopback servers) and real kpt/kubectl runs are heavy on a 2-core machine.
    maxWorkers: 2,
  },
});

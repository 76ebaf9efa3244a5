import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Installs Go and the Debian Go packages when missing and fails the run when a tool is absent
    // (test/setup/tools.ts lists them): no test is skipped for a missing tool.
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/template-funcs.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Backends (moto, loopback servers) and real kpt/kubectl runs are heavy on a 2-core machine.
    maxWorkers: 2,
  },
});

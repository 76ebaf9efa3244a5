// A whole vitest run with the real global setup and one trivial test (test/setup/preflight.test.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname + '/../..',
    include: [process.env.ESO_PROBE ?? 'test/setup/probe/ok.probe.ts'],
    globalSetup: ['test/setup/global.ts'],
    hookTimeout: 900_000,
  },
});

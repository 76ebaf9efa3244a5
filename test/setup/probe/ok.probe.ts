// Run only by test/setup/preflight.test.ts (through probe.vitest.config.ts), to see what a whole run does.
import { it } from 'vitest';

it('the run got past the global setup', () => {});

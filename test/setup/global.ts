// vitest globalSetup: runs once, before any test file, in the main process. It installs what can be
// installed (Go and the Debian Go packages, so no two test files race for apt) and fails the whole run
// when a tool is missing: a test that needs a tool never finds it absent, so nothing is skipped for it.
import { preflight, updateExpectedRefusal } from './tools.js';

export default function setup(): void {
  const refused = updateExpectedRefusal();
  if (refused) throw new Error(refused);
  const problems = preflight({ log: (l) => console.log(l) });
  if (problems.length > 0) {
    throw new Error(`preflight failed: the suite needs these tools, and skips nothing for want of them:\n  - ${problems.join('\n  - ')}`);
  }
}

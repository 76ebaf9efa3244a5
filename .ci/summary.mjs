// The last line of a CI run, from vitest's JSON report: `N passed, N failed, N skipped[: each skip [reason]]`.
// A skipped test counts as a failure unless ALLOWED below names it with its reason. Exit 1 on any failure.
// Usage: node .ci/summary.mjs report.json
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Skips allowed, each with its reason; `match` is a RegExp on "<file> > <full test name>". */
const ALLOWED = [
  {
    match: /^test\/cmp\/generate\.contract\.test\.ts > .*helm app: /,
    reason: 'helm: no registry reachable from CI ships a helm binary (not in Debian bookworm, not on npm)',
  },
];

const SKIPPED = new Set(['skipped', 'pending', 'todo', 'disabled']);

let r;
try {
  r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
} catch {
  r = undefined;
}
if (!r) {
  console.log('0 passed, 1 failed, 0 skipped (the build or the runner failed before any test)');
  process.exit(1);
}
let failed = r.numFailedTests ?? 0;
// A test file that cannot even load (or a global setup that fails) counts as a failure of its own.
if (failed === 0 && r.success === false) failed = Math.max(1, r.numFailedTestSuites ?? 0);
const skips = [];
for (const file of r.testResults ?? []) {
  const rel = relative(process.cwd(), file.name);
  for (const t of file.assertionResults ?? []) {
    if (!SKIPPED.has(t.status)) continue;
    const id = `${rel} > ${t.fullName ?? t.title}`;
    skips.push({ id, reason: ALLOWED.find((a) => a.match.test(id))?.reason });
  }
}
const unallowed = skips.filter((s) => !s.reason);
if (unallowed.length > 0) {
  console.log(`${unallowed.length} skipped test(s) not allowed by .ci/summary.mjs (a skip is a failure):`);
  for (const s of unallowed) console.log(`  - ${s.id}`);
}
failed += unallowed.length;
const list = skips.map((s) => `${s.id} [${s.reason ?? 'NOT ALLOWED'}]`).join('; ');
console.log(`${r.numPassedTests ?? 0} passed, ${failed} failed, ${skips.length} skipped${skips.length ? `: ${list}` : ''}`);
process.exit(failed > 0 ? 1 : 0);

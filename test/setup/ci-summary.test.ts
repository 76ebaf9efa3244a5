// .ci/summary.mjs, the last line of .ci/run: a skipped test fails the run unless the allowlist names it,
// and every skip is listed with its reason. Fed vitest's real JSON report of a probe run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'ci-summary-'));
const report = join(tmp, 'report.json');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function summary(file: string) {
  const r = spawnSync(process.execPath, ['.ci/summary.mjs', file], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, lines: r.stdout.trimEnd().split('\n') };
}

beforeAll(() => {
  const vitest = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
  const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/setup/probe.vitest.config.ts', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: repoRoot,
    env: { ...process.env, ESO_PROBE: 'test/setup/probe/skip.probe.ts', CI: '', UPDATE_EXPECTED: '' },
    encoding: 'utf8',
  });
  // vitest itself passes a run with a skipped test: that is what the summary is for.
  expect(r.status).toBe(0);
}, 600_000);

describe('.ci/summary.mjs', () => {
  it('a skip the allowlist does not name fails the run and is named on the last line', () => {
    const s = summary(report);
    expect(s.code).toBe(1);
    expect(s.lines).toEqual([
      '1 skipped test(s) not allowed by .ci/summary.mjs (a skip is a failure):',
      '  - test/setup/probe/skip.probe.ts > helm app: a skip outside the allowed file',
      '1 passed, 1 failed, 1 skipped: test/setup/probe/skip.probe.ts > helm app: a skip outside the allowed file [NOT ALLOWED]',
    ]);
  });

  it('the allowed helm skip passes, with its reason on the last line', () => {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    r.testResults[0].name = join(repoRoot, 'test/cmp/generate.contract.test.ts');
    const t = r.testResults[0].assertionResults.find((a: any) => a.status !== 'passed');
    t.fullName = t.title = 'generate (the CMP contract) helm app: helm template with the app name';
    const f = join(tmp, 'allowed.json');
    writeFileSync(f, JSON.stringify(r));
    const s = summary(f);
    expect(s.lines).toEqual([
      '1 passed, 0 failed, 1 skipped: test/cmp/generate.contract.test.ts > generate (the CMP contract) helm app: helm template with the app name [helm: no registry reachable from CI ships a helm binary (not in Debian bookworm, not on npm)]',
    ]);
    expect(s.code).toBe(0);
  });

  it('no report (the build failed) is a failure', () => {
    const s = summary(join(tmp, 'absent.json'));
    expect(s.code).toBe(1);
    expect(s.lines.at(-1)).toBe('0 passed, 1 failed, 0 skipped (the build or the runner failed before any test)');
  });
});

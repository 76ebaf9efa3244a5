// `eso-render validate` as a kpt validator: the real kpt runs it with --exec; items come back unchanged,
// findings come back as results, and a broken package fails the pipeline.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, docs, examplesDir, onPath, run, type Cli } from './support.js';

const pkgRoot = join(examplesDir, 'kpt-package');
let cli: Cli;
let work: string;
beforeAll(async () => {
  cli = await buildCli();
  work = mkdtempSync(join(tmpdir(), 'eso-validate-'));
  cpSync(pkgRoot, work, { recursive: true });
});
afterAll(() => {
  cli?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('validate as a kpt validator', () => {
  it('passes a sound package and returns its items unchanged, ExternalSecrets included', () => {
    const r = run('kpt', ['fn', 'eval', 'app', '--exec', 'eso-render validate', '-o', 'stdout', '--', 'storeFiles=platform/fake-store.yaml'], { cwd: work, env: cli.env });
    expect(r.stderr).toContain('[PASS] "eso-render validate"');
    expect(r.code).toBe(0);
    const [rl] = docs(r.stdout);
    expect(rl!.items.filter((o: any) => o.kind === 'ExternalSecret')).toHaveLength(2);
    expect(rl!.items.filter((o: any) => o.kind === 'Secret')).toHaveLength(0);
  });

  it('fails a package whose template reads a key no data entry provides, naming resource and field', () => {
    const file = join(work, 'app', 'external-secrets.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original.trimEnd()}\n---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: broken, namespace: payments}\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: fake}\n  data: [{secretKey: user, remoteRef: {key: x}}]\n  target:\n    template:\n      data: {dsn: "{{ .user }}:{{ .pasword }}"}\n`);
    try {
      const r = run('kpt', ['fn', 'eval', 'app', '--exec', 'eso-render validate', '-o', 'stdout', '--', 'storeFiles=platform/fake-store.yaml'], { cwd: work, env: cli.env });
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('[FAIL] "eso-render validate"');
      expect(r.stderr).toMatch(/ExternalSecret\/payments\/broken.*reads \.pasword, which no spec\.data entry provides/);
      // A validator never changes the package.
      expect(readFileSync(file, 'utf8')).toContain('name: broken');
    } finally {
      writeFileSync(file, original);
    }
  });
});

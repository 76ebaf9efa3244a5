// What the CLI is pointed at (issue 16): --stores with a file that is not a store is a configuration
// error (exit 2) saying what the file holds; bad --namespace and --controller-class values are usage errors.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'eso-cli-input-'));

describe('CLI input checks', () => {
  for (const command of ['render', 'validate']) {
    it(`${command} --stores with a Deployment: exit 2, names what the file holds`, async () => {
      const f = path.join(dir, 'not-a-store.yaml');
      writeFileSync(f, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n');
      const r = await runCli([command, '--stores', f], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`--stores: ${f} holds apps/v1 Deployment; --stores takes only SecretStore and ClusterSecretStore manifests`);
    });
  }

  it('--stores with an ExternalSecret says so', async () => {
    const f = path.join(dir, 'es.yaml');
    writeFileSync(f, 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: web}\nspec: {}\n');
    const r = await runCli(['render', '--stores', f], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds external-secrets.io/v1 ExternalSecret');
  });

  it('--namespace and --controller-class are checked', async () => {
    const a = await runCli(['render', '--namespace', 'Team_A'], '');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--namespace must be a namespace name/);
    const b = await runCli(['render', '--controller-class', 'bad class'], '');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--controller-class must be a controller class name/);
  });
});

// The ESO guide's manifests as users paste them (../shared/reference/guide-manifests/, see its README):
// every finding names the field and says what to write instead; nothing is reported once per data entry.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';

const guide = path.resolve(repoRoot, '../shared/reference/guide-manifests');
const read = (f: string) => readFileSync(path.join(guide, f), 'utf8');
const findings = (stderr: string) => stderr.split('\n').filter((l) => /^\[(error|warning)\]/.test(l));

describe("the guide's manifests", () => {
  for (const command of ['render', 'validate']) {
    it(`vault.yaml (${command}): the misplaced serviceAccountRef and the dynamic path read as KV, each by field and fix`, async () => {
      const r = await runCli([command, '-f', path.join(guide, 'vault.yaml')]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      const f = findings(r.stderr);
      expect(f).toContainEqual(expect.stringMatching(
        /^\[error\] .*SecretStore\/production\/vault-backend spec\.provider\.vault\.auth\.jwt\.serviceAccountRef: unknown field "serviceAccountRef": ESO's schema has it one level down, at spec\.provider\.vault\.auth\.jwt\.kubernetesServiceAccountToken\.serviceAccountRef$/));
      const dynamic = f.filter((l) => l.includes('database/creds/readonly'));
      // Two data entries read the same path: one warning, on the first.
      expect(dynamic).toHaveLength(1);
      expect(dynamic[0]).toMatch(/^\[warning\] .*ExternalSecret\/production\/dynamic-db-credentials spec\.data\[0\]\.remoteRef\.key: .*KV v2 store: ESO reads it as the KV entry secret\/data\/database\/creds\/readonly.*VaultDynamicSecret generator/);
      // Every finding names a field.
      for (const l of f) expect(l).toMatch(/ spec\.[^ ]+: /);
    });
  }

  it('vault.yaml with the field moved where ESO has it: told that offline rendering needs jwt.secretRef', async () => {
    const fixed = read('vault.yaml').replace(/serviceAccountRef:\n(\s+)name: vault-auth-sa/, 'kubernetesServiceAccountToken:\n$1serviceAccountRef:\n$1  name: vault-auth-sa');
    expect(fixed).toContain('kubernetesServiceAccountToken');
    const r = await runCli(['validate'], fixed);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/spec\.provider\.vault\.auth\.jwt\.kubernetesServiceAccountToken: needs the Kubernetes TokenRequest API, which an offline render cannot call; use auth\.jwt\.secretRef/);
    expect(r.stderr).not.toMatch(/unknown field/);
  });

  it('aws.yaml: valid ESO; validate passes, and render without a web identity token says so once for the store', async () => {
    const v = await runCli(['validate', '-f', path.join(guide, 'aws.yaml')]);
    expect(v.code, v.stderr).toBe(0);
    const env = { ...process.env };
    delete env['AWS_WEB_IDENTITY_TOKEN_FILE'];
    const r = await runCli(['render', '-f', path.join(guide, 'aws.yaml')], '', { env });
    expect(r.code, r.stderr).toBe(1);
    const errors = findings(r.stderr).filter((l) => l.startsWith('[error]'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/AWS_WEB_IDENTITY_TOKEN_FILE is not set; 8 more reads failed the same way$/);
    expect(r.stderr).toMatch(/ 1 errors, 0 warnings/);
  });

  it('aws.yaml without its ServiceAccount: validate names the missing ServiceAccount and where it must come from', async () => {
    const withoutSa = read('aws.yaml').split(/^---$/m).filter((d) => !/kind: ServiceAccount/.test(d)).join('---');
    const r = await runCli(['validate'], withoutSa);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/SecretStore\/production\/aws-secrets-manager spec\.provider\.aws\.auth\.jwt\.serviceAccountRef: ServiceAccount production\/external-secrets-sa .*is not in the stream or the platform configuration/);
  });

  it('networkpolicy.yaml passes through untouched', async () => {
    const r = await runCli(['render', '-f', path.join(guide, 'networkpolicy.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('kind: NetworkPolicy');
  });
});

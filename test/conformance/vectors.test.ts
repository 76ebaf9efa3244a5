// ESO's end-to-end behaviour (shared/conformance/eso-vectors.yaml, copied here as a fixture), run through
// the real CLI (`eso-render render`) and mapped to offline outcomes as design.md's table says.
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';

interface Vector {
  name: string;
  storeData: unknown[];
  configMaps?: unknown[];
  secrets?: unknown[];
  externalSecret?: Record<string, any>;
  /** eso-vectors-extra.yaml: several ExternalSecrets, in stream order. */
  externalSecrets?: Record<string, any>[];
  expect: { secret?: Record<string, any>; decodedData?: Record<string, string>; error?: string; errorOn?: string; secretWritten?: boolean; noSecret?: string };
}

const here = path.dirname(new URL(import.meta.url).pathname);
const fixture = path.join(here, 'eso-vectors.yaml');
const doc = parse(readFileSync(fixture, 'utf8')) as { vectors: Vector[] };
// Ours, beside ESO's: several writers on one Secret (one Secret per identity, Merge and CreateOrMerge).
const extra = parse(readFileSync(path.join(here, 'eso-vectors-extra.yaml'), 'utf8')) as { vectors: Vector[] };

const externalSecretsOf = (v: Vector) => v.externalSecrets ?? [v.externalSecret!];

function streamFor(v: Vector): string {
  const store = { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'fake' }, spec: { provider: { fake: { data: v.storeData } } } };
  return [store, ...(v.configMaps ?? []), ...(v.secrets ?? []), ...externalSecretsOf(v)].map((o) => stringify(o)).join('---\n');
}

function decoded(data: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, b64] of Object.entries(data)) {
    const bytes = Buffer.from(b64, 'base64');
    const text = bytes.toString('utf8');
    out[k] = Buffer.from(text, 'utf8').equals(bytes) ? text : `hex:${bytes.toString('hex')}`;
  }
  return out;
}

describe('ESO conformance vectors through eso-render render', () => {
  it('the fixture is the shared conformance file, unchanged, and every vector says what to expect', () => {
    // The shared file sits beside the repository (../shared); its absence is a failure, not a pass.
    const shared = path.resolve(here, '../../../shared/conformance/eso-vectors.yaml');
    expect(existsSync(shared), shared).toBe(true);
    expect(readFileSync(fixture, 'utf8')).toBe(readFileSync(shared, 'utf8'));
    expect(doc.vectors.length).toBeGreaterThan(0);
    for (const v of doc.vectors) expect(Object.keys(v.expect ?? {}), v.name).not.toEqual([]);
  });

  for (const v of [...doc.vectors, ...extra.vectors]) {
    it(v.name, async () => {
      // A vector whose expectation no branch below handles must fail, not pass with no assertion.
      expect.hasAssertions();
      const r = await runCli(['render'], streamFor(v));
      const out = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
      const esNames = externalSecretsOf(v).map((es) => es['metadata'].name as string);
      const esName = v.expect.errorOn ?? esNames[0]!;
      const merging = externalSecretsOf(v).some((es) => ['Merge', 'CreateOrMerge'].includes(es['spec']?.target?.creationPolicy));
      if (v.expect.secret) {
        expect(r.stderr).not.toMatch(/\[error\]/);
        expect(r.code).toBe(0);
        const name = v.expect.secret['metadata'].name;
        const secrets = out.filter((o: any) => o.kind === 'Secret' && o.metadata?.name === name);
        expect(secrets).toHaveLength(1);
        const got = structuredClone(secrets[0]);
        // Offline: no ownerReferences (no UID exists); our own provenance annotation is added.
        expect(got.metadata.annotations['eso-render.dev/external-secret']).toBe(esNames.map((n) => `default/${n}`).join(','));
        delete got.metadata.annotations['eso-render.dev/external-secret'];
        if (merging && !(v.secrets ?? []).some((s: any) => s.metadata?.name === name)) {
          // A merge target that is not in the stream: only the rendered keys, applied server-side and never
          // pruned; no type, so the API server gives a new Secret Opaque, as it does for ESO's.
          expect(got.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,ServerSideApply=true');
          delete got.metadata.annotations['argocd.argoproj.io/sync-options'];
          expect(got.type).toBeUndefined();
          got.type = 'Opaque';
        }
        const want = structuredClone(v.expect.secret);
        delete want['metadata'].ownerReferences;
        expect(got).toEqual(want);
        if (v.expect.decodedData) expect(decoded(got.data)).toEqual(v.expect.decodedData);
        expect(out.some((o: any) => o.kind === 'ExternalSecret')).toBe(false);
      } else if (v.expect.error) {
        // ESO reports the error and writes nothing: the run fails with nothing on stdout.
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(v.expect.error);
        expect(r.stderr).toContain(`ExternalSecret/default/${esName}`);
      } else if (v.expect.noSecret?.startsWith('CreationPolicy=Merge')) {
        // ESO waits for someone else to create the Secret. Offline: the rendered keys, applied server-side
        // (which creates the Secret when missing: the documented difference), never pruned, no type.
        expect(r.code).toBe(0);
        const secrets = out.filter((o: any) => o.kind === 'Secret');
        expect(secrets).toHaveLength(1);
        expect(secrets[0].metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,ServerSideApply=true');
        expect(secrets[0].type).toBeUndefined();
        expect(secrets[0].metadata.labels['reconcile.external-secrets.io/created-by']).toBeUndefined();
        if (v.expect.decodedData) expect(decoded(secrets[0].data)).toEqual(v.expect.decodedData);
      } else if (v.expect.noSecret?.startsWith('creationPolicy=None')) {
        expect(r.code).toBe(0);
        expect(out.filter((o: any) => o.kind === 'Secret')).toHaveLength(0);
        expect(out.filter((o: any) => o.kind === 'ExternalSecret')).toHaveLength(0);
      } else if (v.expect.noSecret?.startsWith('DeletionPolicy=Retain')) {
        // design.md: the live Secret cannot be kept offline, so the run fails and Argo CD keeps the last good state.
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain('deletionPolicy=Retain');
      } else {
        throw new Error(`vector ${v.name} has an outcome this test does not map`);
      }
    });
  }
});

// The generated schema table (src/eso/schema-table.generated.ts) against ESO v2.9.0's CRDs
// (../shared/reference/eso-crds/ from the repository root): every field path of the table exists in the
// CRDs with the same type, enum, pattern and required list, and every field path of the CRDs is in the table.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { NODES, ROOTS } from '../../src/eso/schema-table.generated.js';
import type { SchemaNode } from '../../src/eso/schema-types.js';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const crdDir = path.resolve(repo, '../shared/reference/eso-crds');

type Fields = Map<string, string>;

/** path → what strict validation checks there, read straight from a CRD's OpenAPI schema. */
function fromCrd(s: any, p: string, out: Fields): void {
  const type = s['x-kubernetes-int-or-string'] ? 'int-or-string' : (s.type ?? 'any');
  out.set(p, JSON.stringify([type, s.enum ?? null, s.pattern ?? null, [...(s.required ?? [])].sort(), s.minLength ?? null, s.maxLength ?? null, s.format ?? null]));
  for (const [k, v] of Object.entries(s.properties ?? {})) fromCrd(v, `${p}.${k}`, out);
  if (s.items) fromCrd(s.items, `${p}[]`, out);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') fromCrd(s.additionalProperties, `${p}{}`, out);
}

function fromTable(n: SchemaNode, p: string, out: Fields): void {
  const format = n.f === 'duration' ? null : (n.f ?? null);
  out.set(p, JSON.stringify([n.t, n.e ?? null, n.pat ?? null, [...(n.r ?? [])], n.mnl ?? null, n.mxl ?? null, format]));
  for (const [k, i] of Object.entries(n.p ?? {})) fromTable(NODES[i]!, `${p}.${k}`, out);
  if (n.i !== undefined) fromTable(NODES[n.i]!, `${p}[]`, out);
  if (typeof n.ap === 'number') fromTable(NODES[n.ap]!, `${p}{}`, out);
}

const crds = readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(path.join(crdDir, f), 'utf8')));

describe('generated ESO schema table', () => {
  it('holds every kind and version of the CRDs, and nothing else', () => {
    const expected = crds.flatMap((c) => c.spec.versions.map((v: any) => `${c.spec.group}/${v.name}/${c.spec.names.kind}`)).sort();
    expect(Object.keys(ROOTS).sort()).toEqual(expected);
    expect(expected).toContain('external-secrets.io/v1beta1/SecretStore');
  });

  for (const crd of crds) {
    for (const v of crd.spec.versions) {
      const id = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
      it(`${id}: same field paths both ways, same types, enums, patterns and required fields`, () => {
        const want: Fields = new Map();
        fromCrd(v.schema.openAPIV3Schema, '', want);
        const got: Fields = new Map();
        fromTable(NODES[ROOTS[id]!.node]!, '', got);
        const missing = [...want.keys()].filter((k) => !got.has(k));
        const extra = [...got.keys()].filter((k) => !want.has(k));
        expect(missing, 'CRD fields missing from the table').toEqual([]);
        expect(extra, 'table fields not in the CRD').toEqual([]);
        const differing = [...want].filter(([k, d]) => got.get(k) !== d).map(([k, d]) => `${k}: CRD ${d}, table ${got.get(k)}`);
        expect(differing).toEqual([]);
        expect(want.size).toBeGreaterThan(3);
      });
    }
  }

  it('is what scripts/gen-eso-schema.mjs writes from the CRDs today', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'eso-schema-')), 'table.ts');
    execFileSync(process.execPath, [path.join(repo, 'scripts/gen-eso-schema.mjs'), crdDir, out]);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(path.join(repo, 'src/eso/schema-table.generated.ts'), 'utf8'));
  });

  it('is compact: each repeated subtree once', () => {
    expect(readFileSync(path.join(repo, 'src/eso/schema-table.generated.ts')).length).toBeLessThan(64 * 1024);
  });
});

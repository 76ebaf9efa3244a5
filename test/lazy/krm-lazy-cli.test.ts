// The KRM function (`node dist/cli.js` with a ResourceList on stdin, as kustomize and kpt run it) reads
// the ResourceList's items lazily (issue 19): untouched items come back byte for byte, an item the engine
// never reads is not parsed, and one it reads that does not parse fails the run as unreadable stdin does.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { asItem, fakeStoreYaml } from '../helpers/fake-store.js';

const store = asItem(fakeStoreYaml);
const es = `- # the database login
  apiVersion: external-secrets.io/v1
  kind: ExternalSecret
  metadata:
    name: db
    namespace: apps
    annotations:
      config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/path: 'es.yaml'
      config.kubernetes.io/path: 'es.yaml'
  spec:
    secretStoreRef: { kind: ClusterSecretStore, name: fake }
    target: { name: db }
    data:
    - secretKey: password
      remoteRef: { key: /db/password }
`;
const cm = `- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings # inline
    namespace: apps
  data:
    mode: 0755
    greeting: |
      hello
`;
// Nested content that is not valid YAML, in a kind the engine never reads.
const brokenService = `- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: apps
  spec:
    ports:
    - port: 80
       targetPort: 8080
`;
const brokenNamespace = `- apiVersion: v1
  kind: Namespace
  metadata:
    name: apps
    labels:
      team: a
     other: b
`;
const list = (items: string, indent = 0) =>
  `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items.replace(/^(?=.)/gm, ' '.repeat(indent))}functionConfig:\n  apiVersion: eso-render.dev/v1alpha1\n  kind: RenderConfig\n  metadata:\n    name: r\n`;

describe('the KRM function reads the ResourceList lazily', () => {
  it.each([0, 2])('renders the ExternalSecret and keeps the other items byte for byte (entries at column %i)', async (indent) => {
    const r = await runCli([], list(cm + store + es, indent));
    expect(r.code).toBe(0);
    const [doc] = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(doc.items.map((i: { kind: string }) => i.kind)).toEqual(['ConfigMap', 'Secret']);
    expect(Buffer.from(doc.items[1].data.password, 'base64').toString()).toBe('s3cr3t-value');
    expect(doc.items[1].metadata.annotations['config.kubernetes.io/path']).toBe('es.yaml');
    // Written back at column 0, as every ResourceList the function writes.
    expect(r.stdout.startsWith(`apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${cm}- # the database login\n`)).toBe(true);
  });

  it('passes an item it never reads through as it came, even one whose nested content does not parse', async () => {
    const r = await runCli([], list(cm + brokenService + store + es));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`items:\n${cm}${brokenService}`);
  });

  it('fails with exit 2 and no output when an item the engine reads does not parse, as for unreadable stdin', async () => {
    const r = await runCli([], list(cm + brokenNamespace + store + es));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^eso-render: stdin is not valid YAML/);
    expect(r.stderr).not.toContain('other');
  });
});

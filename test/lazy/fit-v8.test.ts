// V8's optimizing compiler stays off for a run with a small input (ADR 11, src/cli-start.ts): every front
// end shows the process each manifest stream it reads, before it parses it, and the process counts the
// ESO apiVersions in it. A front end that did not would leave TurboFan off for a large run (twice as slow
// at 10,000 ExternalSecrets), so each way a command reads its input is checked here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli-main.js';
import { countEsoMentions, OPTIMIZE_FROM } from '../../src/cli-start.js';
import type { CommandIO } from '../../src/frontends/render-cmd.js';
import { asItem, fakeStoreYaml } from '../helpers/fake-store.js';
import { cmpEnvironment, generateArgsFromPluginYaml } from '../cmp/support.js';

const externalSecret = (name: string) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: ${name}
  namespace: default
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: fake}
  target: {name: ${name}}
  data:
    - {secretKey: token, remoteRef: {key: /db/password}}
`;
const stream = `${fakeStoreYaml}---\n${externalSecret('one')}---\n${externalSecret('two')}`;

const work = mkdtempSync(path.join(tmpdir(), 'fit-v8-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A CommandIO over `stdin` that records what the command showed noteInput, and its output. */
function io(stdin: string, cwd = work, env: NodeJS.ProcessEnv = {}) {
  const noted: number[] = [];
  let out = '';
  let err = '';
  const it: CommandIO = {
    stdin: async () => stdin,
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    noteInput: (input) => void noted.push(countEsoMentions(input, Infinity)),
    env,
    cwd,
  };
  return { it, noted, out: () => out, err: () => err };
}

describe('countEsoMentions', () => {
  it('counts ESO apiVersions in a string, a Buffer and a view into a larger buffer, up to the bound', () => {
    expect(countEsoMentions(stream, Infinity)).toBe(3);
    expect(countEsoMentions(Buffer.from(stream), Infinity)).toBe(3);
    const bytes = Buffer.from(`external-secrets.io/ ${stream} external-secrets.io/`);
    expect(countEsoMentions(bytes.subarray(21, 21 + Buffer.byteLength(stream)), Infinity)).toBe(3);
    expect(countEsoMentions(new Uint8Array(bytes.buffer, bytes.byteOffset + 21, Buffer.byteLength(stream)), Infinity)).toBe(3);
    expect(countEsoMentions(stream, 2)).toBe(2);
    expect(countEsoMentions('apiVersion: generators.external-secrets.io/v1alpha1', Infinity)).toBe(1);
    expect(countEsoMentions('apiVersion: v1\nkind: ConfigMap\n', Infinity)).toBe(0);
    expect(OPTIMIZE_FROM).toBeGreaterThan(100);
  });
});

describe('each front end shows its input before it renders', () => {
  it('render, stdin', async () => {
    const r = io(stream);
    expect(await main(['render', '-q'], r.it)).toBe(0);
    expect(r.out()).toContain('kind: Secret');
    expect(r.noted).toEqual([3]);
  });

  it('render -f, a file and each file of a folder', async () => {
    const dir = path.join(work, 'manifests');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a-store.yaml'), fakeStoreYaml);
    writeFileSync(path.join(dir, 'b-es.yaml'), externalSecret('one'));
    writeFileSync(path.join(work, 'two.yaml'), externalSecret('two'));
    const r = io('');
    expect(await main(['render', '-q', '-f', 'manifests', '-f', 'two.yaml'], r.it)).toBe(0);
    expect(r.out().split('kind: Secret\n').length - 1).toBe(2);
    expect(r.noted).toEqual([1, 1, 1]);
  });

  it('the KRM function, a ResourceList on stdin', async () => {
    const items = stream.split(/^---\n/m).map(asItem).join('');
    const r = io(`apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}`);
    expect(await main(['krm'], r.it)).toBe(0);
    expect(r.out()).toContain('kind: Secret');
    expect(r.noted).toEqual([3]);
  });

  it('generate, the app folder built as plain files', async () => {
    const app = path.join(work, 'repo', 'apps', 'shop');
    mkdirSync(app, { recursive: true });
    writeFileSync(path.join(app, 'all.yaml'), stream.replace(/namespace: default/g, 'namespace: shop'));
    const env = cmpEnvironment('apps/shop', { parameters: [{ name: 'build-mode', string: 'plain' }] });
    const r = io('', app, env);
    const code = await main(generateArgsFromPluginYaml(), r.it);
    expect(code, r.err()).toBe(0);
    expect(r.out()).toContain('kind: Secret');
    expect(r.noted).toEqual([3]);
  });
});

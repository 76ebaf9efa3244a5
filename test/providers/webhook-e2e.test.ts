// The webhook provider and the Webhook generator through the built CLI against the loopback JSON service:
// every read form (body as is, data with result.jsonPath one value / many, extract of the body or of a
// jsonPath object), templated url/headers/body with remoteRef and secrets, request counts (identical
// reads made once), the per-store concurrency bound, ESO's error wording, fail-closed runs, TLS with
// caBundle, and the platform's URL allowlist (RenderConfig spec.webhook.allowedURLs).

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';
import { FakeWebhook } from '../servers/webhook/server.js';
import { makeTestTls, type TestTls } from '../servers/tls-ca.js';

let wh: FakeWebhook;
let tlsWh: FakeWebhook;
let tls: TestTls;
let dir: string;
let config: string;

beforeAll(async () => {
  tls = makeTestTls();
  wh = await FakeWebhook.start();
  tlsWh = await FakeWebhook.start(tls);
  dir = mkdtempSync(path.join(tmpdir(), 'webhook-e2e-'));
  const put = (ns: string, name: string, key: string, value: string) => {
    mkdirSync(path.join(dir, 'creds', ns, name), { recursive: true });
    writeFileSync(path.join(dir, 'creds', ns, name, key), value);
  };
  put('apps', 'api-auth', 'token', 'tok-Qw3rty');
  put('apps', 'api-auth', 'user', 'svc-shop');
  config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    `apiVersion: eso-render.dev/v1alpha1
kind: RenderConfig
metadata: {name: test}
spec:
  webhook:
    allowedURLs: ["${wh.url}/api/", "${tlsWh.url}/api/"]
`,
  );
});
afterAll(async () => {
  await wh.close();
  await tlsWh.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  wh.reset();
  tlsWh.reset();
});

const store = (name: string, spec: Record<string, unknown>) => `
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: ${name}, namespace: apps}
spec:
  provider:
    webhook: ${JSON.stringify(spec)}
`;

const es = (name: string, storeName: string, spec: string) => `
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ${name}, namespace: apps}
spec:
  secretStoreRef: {name: ${storeName}, kind: SecretStore}
${spec}`;

const env = () => ({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' });
const render = (stream: string, args: string[] = ['--config', config]) =>
  runCli(['render', '--credentials-dir', path.join(dir, 'creds'), '--deadline', '20s', ...args], stream, { env: env() });

function secrets(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const i of parseManifests(stdout)) {
    if (i.object.kind !== 'Secret') continue;
    out[i.object.metadata!.name!] = Object.fromEntries(Object.entries((i.object.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
  return out;
}

describe('webhook provider through the CLI', () => {
  it('templated url, headers and body; the body as is, jsonPath one value and many; identical reads once', async () => {
    wh.route('POST', '/api/secrets/db', (q) => ({
      body: JSON.stringify({ value: `pw-for-${q.query['v'] ?? ''}`, n: 2.5, ok: true, list: ['first', 'second'], obj: { b: 1, a: '<x>' } }),
    }));
    wh.route('POST', '/api/secrets/a+b', { body: 'plain text body' });
    const spec = {
      url: `${wh.url}/api/secrets/{{ .remoteRef.key }}?v={{ .remoteRef.version }}`,
      method: 'POST',
      headers: { Authorization: 'Bearer {{ .auth.token }}', 'X-Prop': '{{ .remoteRef.property | upper }}' },
      body: '{"user":"{{ .auth.user }}","key":"{{ .remoteRef.key }}"}',
      result: { jsonPath: '$.value' },
      secrets: [{ name: 'auth', secretRef: { name: 'api-auth' } }],
    };
    const r = await render(
      store('wh', spec) +
        store('raw', { ...spec, result: {} }) +
        store('num', { ...spec, result: { jsonPath: '$.n' } }) +
        store('many', { ...spec, result: { jsonPath: '$.list[*]' } }) +
        store('obj', { ...spec, result: { jsonPath: '$.obj' } }) +
        es('one', 'wh', `  data:
  - {secretKey: pw, remoteRef: {key: db, version: "7", property: p}}
  - {secretKey: again, remoteRef: {key: db, version: "7", property: p}}`) +
        es('two', 'wh', `  data:\n  - {secretKey: pw, remoteRef: {key: db, version: "7", property: p}}`) +
        es('forms', 'raw', `  data:\n  - {secretKey: text, remoteRef: {key: a b}}`) +
        es('num', 'num', `  data:\n  - {secretKey: n, remoteRef: {key: db}}`) +
        es('many', 'many', `  data:\n  - {secretKey: first, remoteRef: {key: db}}`) +
        es('obj', 'obj', `  data:\n  - {secretKey: obj, remoteRef: {key: db}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    const s = secrets(r.stdout);
    expect(s['one']).toEqual({ pw: 'pw-for-7', again: 'pw-for-7' });
    expect(s['two']).toEqual({ pw: 'pw-for-7' });
    expect(s['forms']).toEqual({ text: 'plain text body' });
    // extractSecretData: FormatFloat(v, 'f', 0) rounds half to even; a list gives its first element;
    // an object is json.Marshal'd (sorted keys, HTML escaped).
    expect(s['num']).toEqual({ n: '2' });
    expect(s['many']).toEqual({ first: 'first' });
    expect(s['obj']).toEqual({ obj: '{"a":"\\u003cx\\u003e","b":1}' });
    // One request per distinct read: the two ExternalSecrets' three identical reads of db made once per store.
    expect(wh.count('POST', '/api/secrets/db')).toBe(4);
    expect(wh.count()).toBe(5);
    const q = wh.requests.find((x) => x.path === '/api/secrets/db' && x.query['v'] === '7')!;
    expect(q.headers['authorization']).toBe('Bearer tok-Qw3rty');
    expect(q.headers['x-prop']).toBe('P');
    expect(JSON.parse(q.body)).toEqual({ user: 'svc-shop', key: 'db' });
    // The key is QueryEscape'd in the URL (a space is +), raw in the body.
    expect(wh.requests.find((x) => x.path === '/api/secrets/a+b')!.target).toBe('/api/secrets/a+b?v=');
  });

  it('dataFrom.extract: the JSON object (or the jsonPath object, or a JSON string) with GetByteValue values', async () => {
    wh.route('GET', '/api/all', { s: 'str', n: 1.5, big: 12345678901, t: true, nul: null, o: { z: 1 }, l: [1, 'a'], nested: { data: '{"k":"v"}' } });
    const r = await render(
      store('all', { url: `${wh.url}/api/all`, result: {} }) +
        store('sub', { url: `${wh.url}/api/all`, result: { jsonPath: '$.o' } }) +
        store('str', { url: `${wh.url}/api/all`, result: { jsonPath: '$.nested.data' } }) +
        es('all', 'all', `  dataFrom:\n  - extract: {key: x}`) +
        es('sub', 'sub', `  dataFrom:\n  - extract: {key: x}`) +
        es('str', 'str', `  dataFrom:\n  - extract: {key: x}`),
    );
    expect(r.code, r.stderr).toBe(0);
    const s = secrets(r.stdout);
    expect(s['all']).toEqual({ s: 'str', n: '1.5', big: '12345678901', t: 'true', nul: '', o: '{"z":1}', l: '[1,"a"]', nested: '{"data":"{\\"k\\":\\"v\\"}"}' });
    expect(s['sub']).toEqual({ z: '1' });
    expect(s['str']).toEqual({ k: 'v' });
    expect(wh.count()).toBe(3);
  });

  it('the per-store concurrency bound holds', async () => {
    for (let i = 0; i < 12; i++) wh.route('GET', `/api/k${i}`, { body: `v${i}`, delayMs: 60 });
    const data = Array.from({ length: 12 }, (_, i) => `  - {secretKey: k${i}, remoteRef: {key: k${i}}}`).join('\n');
    const r = await render(store('wh', { url: `${wh.url}/api/{{ .remoteRef.key }}`, result: {} }) + es('many', 'wh', `  data:\n${data}`), ['--config', config, '--concurrency', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(secrets(r.stdout)['many']!)).toHaveLength(12);
    expect(wh.count()).toBe(12);
    expect(wh.maxInFlight).toBeLessThanOrEqual(3);
  });

  it('fail closed with ESO wording: 404, 500, bad JSON, unknown key, empty list, find; no value quoted', async () => {
    wh.route('GET', '/api/boom', { status: 500, body: '{"leak":"srv-secret-Zx9"}', headers: {} });
    wh.route('GET', '/api/notjson', { body: 'srv-secret-Zx9 not json' });
    wh.route('GET', '/api/obj', { a: 'srv-secret-Zx9', l: [] });
    const st = (n: string, url: string, jsonPath = '') => store(n, { url: `${wh.url}${url}`, result: jsonPath ? { jsonPath } : {} });
    const r = await render(
      st('missing', '/api/none') +
        st('boom', '/api/boom') +
        st('notjson', '/api/notjson', '$.a') +
        st('nokey', '/api/obj', '$.b') +
        st('empty', '/api/obj', '$.l') +
        st('find', '/api/obj') +
        es('a', 'missing', `  data:\n  - {secretKey: x, remoteRef: {key: k}}`) +
        es('b', 'boom', `  data:\n  - {secretKey: x, remoteRef: {key: k}}`) +
        es('c', 'notjson', `  data:\n  - {secretKey: x, remoteRef: {key: k}}`) +
        es('d', 'nokey', `  data:\n  - {secretKey: x, remoteRef: {key: k}}`) +
        es('e', 'empty', `  data:\n  - {secretKey: x, remoteRef: {key: k}}`) +
        es('f', 'find', `  dataFrom:\n  - find: {name: {regexp: ".*"}}`),
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Secret does not exist/);
    expect(r.stderr).toContain('endpoint gave error 500 Internal Server Error');
    expect(r.stderr).toMatch(/failed to parse response json: invalid JSON/);
    expect(r.stderr).toContain('failed to get response path $.b: unknown key b');
    expect(r.stderr).toContain("filter worked but didn't get any result");
    expect(r.stderr).toContain('dataFrom.find: not implemented');
    expect(r.stderr).not.toContain('srv-secret-Zx9');
  });

  it('redirects are not followed; TLS with caBundle; auth.ntlm and caProvider refused before any request', async () => {
    wh.route('GET', '/api/moved', { status: 302, body: '', headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    tlsWh.route('GET', '/api/tls', { v: 'over-tls' });
    const ca = Buffer.from(tls.caPem).toString('base64');
    // The scheme itself may come from the template: the client picks TLS from the rendered URL.
    const templatedScheme = tlsWh.url.replace(/^https/, '{{ "https" }}');
    const ok = await render(store('tls', { url: `${templatedScheme}/api/tls`, caBundle: ca, result: { jsonPath: '$.v' } }) + es('t', 'tls', `  data:\n  - {secretKey: v, remoteRef: {key: k}}`));
    expect(ok.code, ok.stderr).toBe(0);
    expect(secrets(ok.stdout)['t']).toEqual({ v: 'over-tls' });
    expect(tlsWh.requests[0]!.headers['user-agent']).toBe('Go-http-client/1.1');
    const untrusted = await render(store('tls', { url: `${tlsWh.url}/api/tls`, result: {} }) + es('t', 'tls', `  data:\n  - {secretKey: v, remoteRef: {key: k}}`));
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/failed to call endpoint: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    tlsWh.reset();
    const r = await render(
      store('moved', { url: `${wh.url}/api/moved`, result: {} }) +
        store('ntlm', { url: `${wh.url}/api/x`, result: {}, auth: { ntlm: { usernameSecret: { name: 'a', key: 'u' }, passwordSecret: { name: 'a', key: 'p' } } } }) +
        store('cap', { url: `${tlsWh.url}/api/x`, result: {}, caProvider: { type: 'Secret', name: 'ca', key: 'ca.crt' } }) +
        es('m', 'moved', `  data:\n  - {secretKey: v, remoteRef: {key: k}}`) +
        es('n', 'ntlm', `  data:\n  - {secretKey: v, remoteRef: {key: k}}`) +
        es('c', 'cap', `  data:\n  - {secretKey: v, remoteRef: {key: k}}`),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('endpoint gave error 302 Found: eso-render does not follow redirects');
    expect(r.stderr).toContain('spec.provider.webhook.auth.ntlm');
    expect(r.stderr).toContain('spec.provider.webhook.caProvider');
    expect(wh.count()).toBe(1);
    expect(wh.count('GET', '/api/moved')).toBe(1);
    expect(tlsWh.count()).toBe(0);
  });

  it('URL policy: without allowedURLs a stream webhook is refused; outside them (metadata IP, other hosts) zero requests', async () => {
    wh.route('GET', '/api/ok', { body: 'v' });
    const use = es('x', 'wh', `  data:\n  - {secretKey: v, remoteRef: {key: k}}`);
    const none = await render(store('wh', { url: `${wh.url}/api/ok`, result: {} }) + use, []);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('names no webhook destinations (RenderConfig spec.webhook.allowedURLs)');
    for (const url of [
      'http://169.254.169.254/latest/meta-data/iam/',
      `${wh.url}/other/`,
      `${wh.url}/api/../admin`,
      `${wh.url.replace('127.0.0.1', 'localhost')}/api/ok`,
      // A templated key cannot climb out of the prefix: it is QueryEscape'd into the URL.
      `${wh.url}/{{ .remoteRef.key }}`,
    ]) {
      const r = await render(store('wh', { url, result: {} }) + use.replace('key: k', 'key: "api/ok"'));
      expect(r.code, url).not.toBe(0);
      // A `..` is refused as written (before the parser would resolve it), the others by the allowlist.
      expect(r.stderr, url).toMatch(url.includes('..') ? /webhook\.url: the rendered URL has a \. or \.\. path segment/ : /policy: webhook URL .* is not under any of the platform's allowed webhook URLs/);
    }
    // A credential templated into a refused URL is not shown in the refusal.
    const leaky = await render(store('wh', { url: 'http://169.254.169.254/{{ .auth.token }}/x', result: {}, secrets: [{ name: 'auth', secretRef: { name: 'api-auth' } }] }) + use);
    expect(leaky.code).not.toBe(0);
    expect(leaky.stderr).toContain('policy: webhook URL http://169.254.169.254/REDACTED/x is not under');
    expect(leaky.stderr).not.toContain('tok-Qw3rty');
    expect(wh.count()).toBe(0);
  });

  it('a header value is sent as its UTF-8 bytes (as Go does); a control character in it is refused before any request', async () => {
    wh.route('GET', '/api/h', (q) => ({ body: Buffer.from(String(q.headers['x-name']), 'latin1').toString('utf8') }));
    const ok = await render(store('wh', { url: `${wh.url}/api/h`, headers: { 'X-Name': 'caf\u00e9 \u2713' }, result: {} }) + es('h', 'wh', `  data:\n  - {secretKey: v, remoteRef: {key: k}}`));
    expect(ok.code, ok.stderr).toBe(0);
    expect(secrets(ok.stdout)['h']).toEqual({ v: 'caf\u00e9 \u2713' });
    wh.reset();
    const bad = await render(store('wh', { url: `${wh.url}/api/h`, headers: { 'X-Name': 'a{{ "\\n" }}Injected: 1' }, result: {} }) + es('h', 'wh', `  data:\n  - {secretKey: v, remoteRef: {key: k}}`));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.provider.webhook.headers.X-Name: the header name or its rendered value is not a valid HTTP header');
    expect(wh.count()).toBe(0);
  });
});

describe('webhook stores in validate (no request)', () => {
  it('a template that does not parse is reported by field, with Go\'s parse error', async () => {
    const r = await runCli(
      ['validate'],
      store('wh', { url: `${wh.url}/api/{{ .remoteRef.key }`, headers: { A: '{{ if }}' }, result: { jsonPath: '$.{{ .remoteRef.property }}' } }) + es('x', 'wh', `  data:\n  - {secretKey: v, remoteRef: {key: k}}`),
      { env: env() },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.provider.webhook.url: template: webhooktemplate:1: unexpected "}" in operand');
    expect(r.stderr).toContain('spec.provider.webhook.headers.A: template: webhooktemplate:1: missing value for if');
    expect(r.stderr).not.toContain('result.jsonPath');
    expect(wh.count()).toBe(0);
  });
});

describe('Webhook generator through the CLI', () => {
  it('POSTs with the secrets, returns the JSON object; a generator defined in the stream needs the allowlist', async () => {
    wh.route('POST', '/api/issue', (q) => ({ body: JSON.stringify({ creds: { username: 'gen-user', password: `gen-${JSON.parse(q.body).who}` } }) }));
    const gen = `
---
apiVersion: generators.external-secrets.io/v1alpha1
kind: Webhook
metadata: {name: issuer, namespace: apps}
spec:
  url: "${wh.url}/api/issue"
  method: POST
  headers: {Authorization: "Bearer {{ .auth.token }}"}
  body: '{"who":"{{ .auth.user }}"}'
  result: {jsonPath: "$.creds"}
  secrets: [{name: auth, secretRef: {name: api-auth}}]
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: issued, namespace: apps}
spec:
  dataFrom:
  - sourceRef: {generatorRef: {apiVersion: generators.external-secrets.io/v1alpha1, kind: Webhook, name: issuer}}
`;
    const r = await render(gen);
    expect(r.code, r.stderr).toBe(0);
    expect(secrets(r.stdout)['issued']).toEqual({ username: 'gen-user', password: 'gen-svc-shop' });
    expect(r.stderr).toContain('a Webhook generator calls its endpoint on every render');
    expect(wh.count('POST', '/api/issue')).toBe(1);
    expect(wh.requests[0]!.headers['authorization']).toBe('Bearer tok-Qw3rty');
    const refused = await render(gen, []);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('names no webhook destinations');
    expect(wh.count()).toBe(1);
  });
});

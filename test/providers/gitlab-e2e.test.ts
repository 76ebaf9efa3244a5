// GitLab CI/CD variables through the built CLI against the loopback GitLab server: project variables with
// the store's environment and ESO's '*' fallback, group variables (groupIDs, and inheritFromGroups with the
// closest group first), a namespace path as projectID, property and extract, find by name and by the
// environment_scope tag over every page, ESO's error wording, fail-closed runs, request counts (each
// variable, listing and group discovery once per run), the per-store bound, TLS with caBundle and
// caProvider, and the ESO_RENDER_GITLAB_URL override of ESO's default https://gitlab.com/.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';
import { FakeGitLab } from '../servers/gitlab/server.js';
import { makeTestTls, type TestTls } from '../servers/tls-ca.js';

const TOKEN = 'glpat-Xw3rT9qLm2vB7cD1eF5g';
let gl: FakeGitLab;
let creds: string;
let acme: number;
let backend: number;
let shop: number;
let other: number;

const pages = Array.from({ length: 120 }, (_, i) => ({ key: `PAGE_${String(i).padStart(3, '0')}`, value: `page-value-${i}` }));

beforeAll(async () => {
  gl = await FakeGitLab.start();
  acme = gl.addGroup('acme', [
    { key: 'SHARED', value: 'acme-shared' },
    { key: 'GROUP_ONLY', value: 'acme-only' },
    { key: 'ACME_ONLY', value: 'acme-only-Vb4' },
    { key: 'SCOPED', value: 'acme-prod', environment_scope: 'production' },
  ]);
  backend = gl.addGroup('acme/backend', [{ key: 'GROUP_ONLY', value: 'backend-only-Ty8' }], acme);
  shop = gl.addProject(
    'acme/backend/shop',
    [
      { key: 'DB_PASSWORD', value: 'proj-pw-Hk2x9' },
      { key: 'API_KEY', value: 'prod-key-Qm4', environment_scope: 'production' },
      { key: 'API_KEY', value: 'staging-key-Rz1', environment_scope: 'staging' },
      { key: 'API_KEY', value: 'default-key-Pc6' },
      { key: 'CONFIG', value: '{"db":{"user":"shop","pass":"cfg-pw-Jn3"},"port":"5432"}' },
      { key: 'FLAT', value: '{"user":"shop","port":"5432","none":null}' },
      { key: 'EMPTY', value: '' },
      { key: 'my_var', value: 'hyphen-value' },
      ...pages,
    ],
    backend,
  );
  other = gl.addProject('other/app', [{ key: 'DB_PASSWORD', value: 'other-pw' }]);
  gl.addToken(TOKEN);
  gl.addToken('glpat-only-other', [other]);
  creds = mkdtempSync(path.join(tmpdir(), 'gl-e2e-'));
  const put = (ns: string, name: string, key: string, value: string) => {
    mkdirSync(path.join(creds, ns, name), { recursive: true });
    writeFileSync(path.join(creds, ns, name, key), value);
  };
  put('apps', 'gitlab-token', 'token', TOKEN);
  put('apps', 'gitlab-wrong', 'token', 'glpat-not-a-token');
  put('apps', 'gitlab-other', 'token', 'glpat-only-other');
});
afterAll(async () => {
  await gl.close();
  rmSync(creds, { recursive: true, force: true });
});
beforeEach(() => gl.resetLog());

const store = (name: string, fields: string, tokenSecret = 'gitlab-token', url: string | null = gl.url) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: ${name}, namespace: apps}
spec:
  provider:
    gitlab:
${url !== null ? `      url: ${url}\n` : ''}      auth:
        SecretRef:
          accessToken: {name: ${tokenSecret}, key: token}
${fields
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => `      ${l}`)
  .join('\n')}
`;

const es = (name: string, storeName: string, spec: string) => `
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ${name}, namespace: apps}
spec:
  secretStoreRef: {name: ${storeName}, kind: SecretStore}
${spec}`;

const render = (stream: string, extra: string[] = [], env?: NodeJS.ProcessEnv) =>
  runCli(['render', '--credentials-dir', creds, '--deadline', '20s', ...extra], stream, env ? { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env } } : {});

function secrets(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const i of parseManifests(stdout)) {
    if (i.object.kind !== 'Secret') continue;
    out[i.object.metadata!.name!] = Object.fromEntries(Object.entries((i.object.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
  return out;
}

const seen = () => gl.requests.map((q) => `${q.path}${q.rawQuery ? `?${q.rawQuery}` : ''}`);

describe('gitlab through the CLI', () => {
  it('every data form with an environment and inherited groups; each variable requested once', async () => {
    const r = await render(
      store('gl', `projectID: "${shop}"\nenvironment: production\ninheritFromGroups: true`) +
        es('data', 'gl', `  data:
  - {secretKey: pw, remoteRef: {key: DB_PASSWORD}}
  - {secretKey: api, remoteRef: {key: API_KEY}}
  - {secretKey: user, remoteRef: {key: CONFIG, property: db.user}}
  - {secretKey: port, remoteRef: {key: CONFIG, property: port}}
  - {secretKey: group, remoteRef: {key: GROUP_ONLY}}
  - {secretKey: top, remoteRef: {key: ACME_ONLY}}
  - {secretKey: hyphen, remoteRef: {key: my-var}}
  - {secretKey: fetched, remoteRef: {key: API_KEY, metadataPolicy: Fetch, version: "7"}}`) +
        es('extract', 'gl', `  dataFrom:
  - extract: {key: FLAT}`),
    );
    expect(r.code, r.stderr).toBe(0);
    const s = secrets(r.stdout);
    // The project's production API_KEY; DB_PASSWORD, CONFIG and FLAT through the '*' retry; GROUP_ONLY from
    // acme/backend (the closest group, checked first), ACME_ONLY from acme; my-var is read as my_var.
    // ESO's GitLab provider ignores metadataPolicy and version: the value is read as for any other ref.
    expect(s['data']).toEqual({ pw: 'proj-pw-Hk2x9', api: 'prod-key-Qm4', user: 'shop', port: '5432', group: 'backend-only-Ty8', top: 'acme-only-Vb4', hyphen: 'hyphen-value', fetched: 'prod-key-Qm4' });
    expect(s['extract']).toEqual({ user: 'shop', port: '5432', none: '' });
    const q = seen();
    const v = (id: number | string, key: string, env?: string) => `/api/v4/projects/${id}/variables/${key}${env ? `?filter%5Benvironment_scope%5D=${env === '*' ? '%2A' : env}` : ''}`;
    expect(q).toContain(v(shop, 'DB_PASSWORD', 'production'));
    expect(q).toContain(v(shop, 'DB_PASSWORD', '*'));
    expect(q).toContain(v(shop, 'my_var', '*'));
    expect(q).toContain(`/api/v4/projects/${shop}/groups`);
    expect(q).toContain(`/api/v4/groups/${backend}/variables/GROUP_ONLY?filter%5Benvironment_scope%5D=production`);
    // Go's url.Values.Encode escapes '[', ']' and '*'.
    expect(q).toContain(`/api/v4/groups/${backend}/variables/GROUP_ONLY?filter%5Benvironment_scope%5D=%2A`);
    // Unique reads: DB_PASSWORD 2, API_KEY 1, CONFIG 2, FLAT 2, my_var 2, GROUP_ONLY 2 + 2 in acme/backend,
    // ACME_ONLY 2 + 2 in acme/backend + 1 in acme ('*' only: ESO's shared filter), the group discovery 1.
    expect(new Set(q).size).toBe(q.length);
    expect(r.stderr).toContain('19 requests (SecretStore/apps/gl=19), 0 retries, 0 errors');
    expect(gl.requests.every((x) => x.token === TOKEN)).toBe(true);
  });

  it('a namespace path as projectID, groupIDs, no environment: one request per variable', async () => {
    const r = await render(
      store('gl', `projectID: acme/backend/shop\ngroupIDs: ["${acme}"]`) +
        es('data', 'gl', `  data:
  - {secretKey: pw, remoteRef: {key: DB_PASSWORD}}
  - {secretKey: shared, remoteRef: {key: SHARED}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(secrets(r.stdout)['data']).toEqual({ pw: 'proj-pw-Hk2x9', shared: 'acme-shared' });
    // client-go escapes the path into one segment (PathEscape: '/' and '.' encoded).
    expect(seen()).toEqual(['/api/v4/projects/acme%2Fbackend%2Fshop/variables/DB_PASSWORD', '/api/v4/projects/acme%2Fbackend%2Fshop/variables/SHARED', `/api/v4/groups/${acme}/variables/SHARED`]);
    expect(r.stderr).toContain('3 requests (SecretStore/apps/gl=3)');
  });

  it('groupIDs only: the project lookup is skipped and the groups are checked from the last to the first', async () => {
    const r = await render(store('gl', `groupIDs: ["${acme}", "${backend}"]`) + es('data', 'gl', `  data:\n  - {secretKey: g, remoteRef: {key: GROUP_ONLY}}\n  - {secretKey: s, remoteRef: {key: SHARED}}`));
    expect(r.code, r.stderr).toBe(0);
    expect(secrets(r.stdout)['data']).toEqual({ g: 'backend-only-Ty8', s: 'acme-shared' });
    expect(seen()).toEqual([`/api/v4/groups/${backend}/variables/GROUP_ONLY`, `/api/v4/groups/${backend}/variables/SHARED`, `/api/v4/groups/${acme}/variables/SHARED`]);
  });

  it('find by name over every page, and by the environment_scope tag, with ESO\'s precedence', async () => {
    const r = await render(
      store('gl', `projectID: "${shop}"\ninheritFromGroups: true`) +
        es('pages', 'gl', `  dataFrom:\n  - find: {name: {regexp: "^PAGE_"}}`) +
        es('staging', 'gl', `  dataFrom:\n  - find: {name: {regexp: "^(API_KEY|SHARED|GROUP_ONLY|SCOPED)$"}, tags: {environment_scope: staging}}`) +
        es('prod', 'gl', `  dataFrom:\n  - find: {name: {regexp: "^(API_KEY|SCOPED)$"}, tags: {environment_scope: production}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    const s = secrets(r.stdout);
    expect(Object.keys(s['pages']!).length).toBe(120);
    expect(s['pages']!['PAGE_119']).toBe('page-value-119');
    // Project scoped over project '*' over groups. Unlike a data read (closest group first), ESO's find keeps
    // the '*' value of the first group listed (setGroupValues): acme's GROUP_ONLY, not acme/backend's.
    expect(s['staging']).toEqual({ API_KEY: 'staging-key-Rz1', SHARED: 'acme-shared', GROUP_ONLY: 'acme-only' });
    expect(s['prod']).toEqual({ API_KEY: 'prod-key-Qm4', SCOPED: 'acme-prod' });
    const q = seen();
    // The discovery once, each group's listing once (one page each), the project's two pages of 100: shared by the three finds.
    expect(q.filter((p) => p.endsWith('/groups'))).toEqual([`/api/v4/projects/${shop}/groups`]);
    expect(q.filter((p) => p.startsWith(`/api/v4/projects/${shop}/variables`))).toEqual([`/api/v4/projects/${shop}/variables?page=1&per_page=100`, `/api/v4/projects/${shop}/variables?page=2&per_page=100`]);
    expect(r.stderr).toContain('5 requests (SecretStore/apps/gl=5), 0 retries, 0 errors');
  });

  it('the per-store concurrency bound holds', async () => {
    gl.delayMs = 40;
    try {
      const data = pages.slice(0, 12).map((p, i) => `  - {secretKey: k${i}, remoteRef: {key: ${p.key}}}`).join('\n');
      const r = await render(store('gl', `projectID: "${shop}"`) + es('many', 'gl', `  data:\n${data}`), ['--concurrency', '2']);
      expect(r.code, r.stderr).toBe(0);
      expect(Object.keys(secrets(r.stdout)['many']!).length).toBe(12);
      expect(gl.maxInFlight).toBeLessThanOrEqual(2);
      expect(gl.maxInFlight).toBeGreaterThanOrEqual(1);
    } finally {
      gl.delayMs = 0;
    }
  });

  it("ESO's errors, and a failing read fails the whole run", async () => {
    const cases: [string, string, string][] = [
      [`environment: production\ninheritFromGroups: true`, `  data:\n  - {secretKey: x, remoteRef: {key: NOWHERE}}`, 'error getting variable NOWHERE from GitLab (including wildcard retry): 404 Not Found'],
      ['', `  data:\n  - {secretKey: x, remoteRef: {key: NOWHERE}}`, ': 404 Not Found'],
      // ESO's getGroupVariables leaves the shared filter at '*' after its first fallback: acme's production SCOPED is not found.
      [`environment: production\ninheritFromGroups: true`, `  data:\n  - {secretKey: x, remoteRef: {key: SCOPED}}`, 'error getting variable SCOPED from GitLab (including wildcard retry): 404 Not Found'],
      ['', `  data:\n  - {secretKey: x, remoteRef: {key: API_KEY}}`, "409 {message: There are multiple variables with provided parameters. Please use 'filter[environment_scope]'}"],
      ['', `  data:\n  - {secretKey: x, remoteRef: {key: EMPTY}}`, 'invalid secret received. no secret string for key: EMPTY'],
      ['', `  data:\n  - {secretKey: x, remoteRef: {key: CONFIG, property: nope}}`, 'key nope does not exist in secret CONFIG'],
      ['', `  dataFrom:\n  - extract: {key: CONFIG}`, 'unable to unmarshal secret from JSON: json: cannot unmarshal object into Go value of type string'],
      ['', `  dataFrom:\n  - extract: {key: my-nothing}`, 'error getting secret my-nothing: 404 Not Found'],
      ['', `  dataFrom:\n  - find: {path: x, name: {regexp: "."}}`, "'find.path' is not implemented in the GitLab provider"],
      ['', `  dataFrom:\n  - find: {tags: {environment_scope: staging}}`, "'find.name' is mandatory"],
      ['', `  dataFrom:\n  - find: {name: {regexp: "."}, tags: {team: a}}`, "'find.tags' only supports 'environment_scope'"],
      [`environment: production`, `  dataFrom:\n  - find: {name: {regexp: "."}, tags: {environment_scope: staging}}`, "'find.tags' is constrained by 'environment_scope' of the store"],
      ['', `  dataFrom:\n  - find: {name: {regexp: "(["}}`, 'could not compile find.name.regexp [([]: error parsing regexp'],
    ];
    for (const [fields, spec, message] of cases) {
      const r = await render(store('gl', `projectID: "${shop}"\n${fields}`) + es('ok', 'gl', `  data:\n  - {secretKey: p, remoteRef: {key: DB_PASSWORD}}`) + es('bad', 'gl', spec));
      expect(r.code, message).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('SecretStore/apps/gl');
      for (const secret of ['proj-pw-Hk2x9', 'cfg-pw-Jn3', 'prod-key-Qm4', 'staging-key-Rz1', 'default-key-Pc6']) expect(r.stderr).not.toContain(secret);
    }
  });

  it('token failures name the store and status, never a body', async () => {
    let r = await render(store('gl', `projectID: "${shop}"`, 'gitlab-wrong') + es('x', 'gl', `  data:\n  - {secretKey: p, remoteRef: {key: DB_PASSWORD}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`GET ${gl.url}/api/v4/projects/${shop}/variables/DB_PASSWORD: 401 {message: 401 Unauthorized}`);
    // A token without access to the project: GitLab answers 404 for it, then the groups are tried.
    r = await render(store('gl', `projectID: "${shop}"`, 'gitlab-other') + es('x', 'gl', `  data:\n  - {secretKey: p, remoteRef: {key: DB_PASSWORD}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SecretStore/apps/gl: 404 Not Found');
    expect(r.stderr).not.toContain('Project Not Found');
  });

  it('store checks and key rules refuse before any request', async () => {
    const bad: [string, string, string?][] = [
      ['inheritFromGroups: true', 'projectID and groupIDs must not both be empty'],
      [`projectID: "${shop}"\ninheritFromGroups: true\ngroupIDs: ["${acme}"]`, 'defining groupIDs and inheritFromGroups = true is not allowed'],
      ['projectID: acme/../other/app', "projectID \"acme/../other/app\" has a '..' segment"],
      ['projectID: "acme%2Fx"', 'projectID "acme%2Fx" has characters a GitLab id'],
      [`groupIDs: ["${acme}", "a?b"]`, 'groupIDs[1] "a?b" has characters'],
      [`projectID: "${shop}"`, 'spec.provider.gitlab.url: an http(s) URL', 'ftp://gitlab.example.com'],
    ];
    for (const [fields, message, url] of bad) {
      const r = await render(store('gl', fields, 'gitlab-token', url ?? gl.url) + es('x', 'gl', `  data:\n  - {secretKey: p, remoteRef: {key: DB_PASSWORD}}`));
      expect(r.code, message).not.toBe(0);
      expect(r.stderr).toContain(message);
    }
    for (const key of ['a/b', '../x', 'A.B', 'X%2FY', 'K\\u0000', '']) {
      const r = await render(store('gl', `projectID: "${shop}"`) + es('x', 'gl', `  data:\n  - {secretKey: p, remoteRef: {key: "${key}"}}`));
      expect(r.code, key).not.toBe(0);
      expect(r.stderr, key).toMatch(/not a GitLab variable key|key/);
    }
    expect(gl.requests).toEqual([]);
  });

  it('ESO_RENDER_GITLAB_URL stands in for the default https://gitlab.com/ when the store sets no url', async () => {
    const stream = store('gl', `projectID: "${shop}"`, 'gitlab-token', null) + es('x', 'gl', `  data:\n  - {secretKey: p, remoteRef: {key: DB_PASSWORD}}`);
    const r = await render(stream, [], { ESO_RENDER_GITLAB_URL: gl.url });
    expect(r.code, r.stderr).toBe(0);
    expect(secrets(r.stdout)['x']).toEqual({ p: 'proj-pw-Hk2x9' });
    // The store's own url wins over the variable.
    const r2 = await render(store('gl', `projectID: "${shop}"`) + es('x', 'gl', `  data:\n  - {secretKey: p, remoteRef: {key: DB_PASSWORD}}`), [], { ESO_RENDER_GITLAB_URL: 'http://127.0.0.1:9' });
    expect(r2.code, r2.stderr).toBe(0);
    const r3 = await render(stream, [], { ESO_RENDER_GITLAB_URL: 'not a url' });
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('ESO_RENDER_GITLAB_URL="not a url"');
  });
});

describe('gitlab over TLS', () => {
  let tls: TestTls;
  let secure: FakeGitLab;
  let project: number;
  beforeAll(async () => {
    tls = makeTestTls();
    secure = await FakeGitLab.start(tls);
    project = secure.addProject('secure/app', [{ key: 'TLS_PW', value: 'tls-pw-Wq2' }]);
    secure.addToken(TOKEN);
    mkdirSync(path.join(creds, 'apps', 'gitlab-ca'), { recursive: true });
    writeFileSync(path.join(creds, 'apps', 'gitlab-ca', 'ca.crt'), tls.caPem);
  });
  afterAll(async () => {
    await secure.close();
  });

  it('caBundle and caProvider make the test CA trusted; without them the run fails', async () => {
    const data = es('x', 'gl', `  data:\n  - {secretKey: p, remoteRef: {key: TLS_PW}}`);
    let r = await render(store('gl', `projectID: "${project}"\ncaBundle: ${Buffer.from(tls.caPem).toString('base64')}`, 'gitlab-token', secure.url) + data);
    expect(r.code, r.stderr).toBe(0);
    expect(secrets(r.stdout)['x']).toEqual({ p: 'tls-pw-Wq2' });
    r = await render(store('gl', `projectID: "${project}"\ncaProvider: {type: Secret, name: gitlab-ca, key: ca.crt}`, 'gitlab-token', secure.url) + data);
    expect(r.code, r.stderr).toBe(0);
    expect(secrets(r.stdout)['x']).toEqual({ p: 'tls-pw-Wq2' });
    r = await render(store('gl', `projectID: "${project}"`, 'gitlab-token', secure.url) + data);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    r = await render(store('gl', `projectID: "${project}"\ncaBundle: ${Buffer.from('not a certificate').toString('base64')}`, 'gitlab-token', secure.url) + data);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.provider.gitlab.caBundle: failed to read ca bundle');
  });
});

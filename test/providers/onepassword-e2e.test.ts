// 1Password Connect through the built CLI against the loopback Connect server: every read form ESO's
// provider has (a field by label, the default `password` field, `field/` and `file/` prefixes, a DOCUMENT
// item's file, an item by native id, extract of fields and of files, find by name, by path and by tags),
// vault priority, ESO's error wording, fail-closed runs, and request counts (each vault, item and file
// once per run, however many refs share it).

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';
import { FakeConnect } from '../servers/onepassword/server.js';

const TOKEN = 'connect-token-Qw7e2';
let op: FakeConnect;
let creds: string;
let staging: string;

beforeAll(async () => {
  op = await FakeConnect.start();
  op.addVault('production', [
    { title: 'db', fields: [{ label: 'username', value: 'shop' }, { label: 'password', value: 'prod-pw-Hk2x9' }, { label: 'host', value: 'db.internal' }] },
    { title: 'tls', category: 'DOCUMENT', files: [{ name: 'tls.crt', content: 'CERT-BYTES' }, { name: 'tls.key', content: Buffer.from([0x00, 0xff, 0x10]) }] },
    { title: 'mixed', fields: [{ label: 'token', value: 'mixed-token-Zr5' }], files: [{ name: 'config.json', content: '{"a":1}' }] },
    { title: 'twice', fields: [{ label: 'v', value: 'one' }] },
    { title: 'twice', fields: [{ label: 'v', value: 'two' }] },
    { title: 'app-a', tags: ['team-a'], fields: [{ label: 'API_KEY', value: 'key-a' }, { label: 'SHARED', value: 'from-a' }] },
    { title: 'app-b', tags: ['team-b'], fields: [{ label: 'DB_URL', value: 'url-b' }, { label: 'SHARED', value: 'from-b' }] },
  ]);
  staging = op.addVault('staging', [
    { title: 'db', fields: [{ label: 'password', value: 'staging-pw' }] },
    { title: 'only-in-staging', fields: [{ label: 'password', value: 'staging-only-Lp3' }] },
  ]);
  // ESO fails a find over a vault with an item whose labels repeat, so that item has a vault of its own.
  op.addVault('quirks', [{ title: 'dup-label', fields: [{ label: 'x', value: '1' }, { label: 'x', value: '2' }, { label: 'y', value: '3' }] }]);
  op.addToken(TOKEN, ['production', 'staging', 'quirks']);
  op.addToken('staging-only-token', ['staging']);
  creds = mkdtempSync(path.join(tmpdir(), 'op-e2e-'));
  const put = (ns: string, name: string, key: string, value: string) => {
    mkdirSync(path.join(creds, ns, name), { recursive: true });
    writeFileSync(path.join(creds, ns, name, key), value);
  };
  put('apps', 'op-connect', 'token', TOKEN);
  put('apps', 'op-wrong', 'token', 'not-a-token');
  put('apps', 'op-staging', 'token', 'staging-only-token');
});
afterAll(async () => {
  await op.close();
  rmSync(creds, { recursive: true, force: true });
});
beforeEach(() => op.resetLog());

const store = (name: string, vaults: Record<string, number>, tokenSecret = 'op-connect', host = () => op.url) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: ${name}, namespace: apps}
spec:
  provider:
    onepassword:
      connectHost: ${host()}
      vaults: ${JSON.stringify(vaults)}
      auth:
        secretRef:
          connectTokenSecretRef: {name: ${tokenSecret}, key: token}
`;

const es = (name: string, storeName: string, spec: string) => `
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ${name}, namespace: apps}
spec:
  secretStoreRef: {name: ${storeName}, kind: SecretStore}
${spec}`;

const render = (stream: string) => runCli(['render', '--credentials-dir', creds, '--deadline', '20s'], stream);

function secrets(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const i of parseManifests(stdout)) {
    if (i.object.kind !== 'Secret') continue;
    out[i.object.metadata!.name!] = Object.fromEntries(Object.entries((i.object.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('latin1')]));
  }
  return out;
}

describe('onepassword through the CLI', () => {
  it('every read form, vault priority, and each object requested once', async () => {
    const r = await render(
      store('op', { production: 1, staging: 2 }) +
        es('db', 'op', `  data:
  - {secretKey: user, remoteRef: {key: db, property: username}}
  - {secretKey: pass, remoteRef: {key: db}}
  - {secretKey: host, remoteRef: {key: db, property: field/host}}
  - {secretKey: staging, remoteRef: {key: only-in-staging}}`) +
        es('tls', 'op', `  data:
  - {secretKey: crt, remoteRef: {key: tls, property: tls.crt}}
  - {secretKey: first, remoteRef: {key: tls}}
  - {secretKey: cfg, remoteRef: {key: mixed, property: file/config.json}}
  - {secretKey: tok, remoteRef: {key: mixed, property: token}}`) +
        es('extract', 'op', `  dataFrom:
  - extract: {key: db}
  - extract: {key: tls}`) +
        es('byid', 'op', `  data:
  - {secretKey: pass, remoteRef: {key: ${op.itemId('production', 'db')}}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    // Unique reads: 2 vault lookups, 4 title filters in production + 1 in staging, 4 whole items, 3 file contents.
    expect(r.stderr).toContain('14 requests (SecretStore/apps/op=14), 0 retries, 0 errors');
    const s = secrets(r.stdout);
    // production (order 1) wins over staging for `db`; `only-in-staging` is found in the second vault.
    expect(s['db']).toEqual({ user: 'shop', pass: 'prod-pw-Hk2x9', host: 'db.internal', staging: 'staging-only-Lp3' });
    expect(s['tls']).toEqual({ crt: 'CERT-BYTES', first: 'CERT-BYTES', cfg: '{"a":1}', tok: 'mixed-token-Zr5' });
    expect(s['extract']).toEqual({ username: 'shop', password: 'prod-pw-Hk2x9', host: 'db.internal', 'tls.crt': 'CERT-BYTES', 'tls.key': '\u0000\u00ff\u0010' });
    expect(s['byid']).toEqual({ pass: 'prod-pw-Hk2x9' });
    const seen = op.requests.map((q) => `${q.path}${q.filter ? ` ?${q.filter}` : ''}`);
    expect(seen.filter((p) => p.startsWith('/v1/vaults ?'))).toEqual(['/v1/vaults ?title eq "production"', '/v1/vaults ?title eq "staging"']);
    expect(seen.filter((p) => p.includes('?title eq') && p.includes('/items')).length).toBe(5);
    expect(seen.filter((p) => p.endsWith('/content')).length).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(op.requests.every((q) => q.token === TOKEN)).toBe(true);
  });

  it('find by name, by path and by tags (first vault only, as ESO); the first label wins', async () => {
    const r = await render(
      store('op', { production: 1, staging: 2 }) +
        es('byname', 'op', `  dataFrom:
  - find: {name: {regexp: "^(API_KEY|DB_URL|SHARED)$"}}`) +
        es('bypath', 'op', `  dataFrom:
  - find: {path: app-b}`) +
        es('bytags', 'op', `  dataFrom:
  - find: {tags: {team-b: "ignored-value"}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    // 2 vault lookups, 2 listings, 9 whole items (7 in production, 2 in staging), shared by the three finds.
    expect(r.stderr).toContain('13 requests (SecretStore/apps/op=13), 0 retries, 0 errors');
    const s = secrets(r.stdout);
    expect(s['byname']).toEqual({ API_KEY: 'key-a', DB_URL: 'url-b', SHARED: 'from-a' });
    expect(s['bypath']).toEqual({ DB_URL: 'url-b', SHARED: 'from-b' });
    expect(s['bytags']).toEqual({ DB_URL: 'url-b', SHARED: 'from-b' });
    // One listing per vault, one whole item per item, shared by the three finds.
    const lists = op.requests.filter((q) => q.path.endsWith('/items') && !q.filter);
    expect(lists.length).toBe(2);
    const itemPaths = op.requests.filter((q) => /\/items\/[a-z0-9]{26}$/.test(q.path)).map((q) => q.path);
    expect(new Set(itemPaths).size).toBe(itemPaths.length);
  });

  it('the per-store concurrency bound holds for a find that reads every item', async () => {
    // Answers are held briefly so that requests overlap; only the count in flight is asserted.
    op.delayMs = 50;
    try {
      const r = await runCli(['render', '--credentials-dir', creds, '--deadline', '20s', '--concurrency', '2'], store('op', { production: 1, staging: 2 }) + es('all', 'op', `  dataFrom:\n  - find: {name: {regexp: "^(API_KEY|DB_URL)$"}}`));
      expect(r.code, r.stderr).toBe(0);
      expect(secrets(r.stdout)['all']).toEqual({ API_KEY: 'key-a', DB_URL: 'url-b' });
      expect(op.maxInFlight).toBeLessThanOrEqual(2);
      expect(op.maxInFlight).toBeGreaterThanOrEqual(1);
    } finally {
      op.delayMs = 0;
    }
  });

  it('ESO\'s errors, and a failing read fails the whole run', async () => {
    const cases: [string, string][] = [
      [`  data:\n  - {secretKey: x, remoteRef: {key: nowhere}}`, 'key not found in 1Password Vaults: nowhere in: map[production:1 staging:2]'],
      [`  data:\n  - {secretKey: x, remoteRef: {key: twice}}`, "expected one 1Password Item matching: 'twice', got 2"],
      [`  data:\n  - {secretKey: x, remoteRef: {key: db, property: missing}}`, "expected one 1Password ItemField matching: 'missing' in 'db', got 0"],
      [`  data:\n  - {secretKey: x, remoteRef: {key: dup-label, property: x}}`, "expected one 1Password ItemField matching: 'x' in 'dup-label', got 2"],
      [`  data:\n  - {secretKey: x, remoteRef: {key: tls, property: nope.pem}}`, "error finding 1Password Document: 'tls', 'nope.pem'"],
      [`  data:\n  - {secretKey: x, remoteRef: {key: db, version: "2"}}`, "'remoteRef.version' is not implemented in the 1Password provider"],
      [`  dataFrom:\n  - extract: {key: dup-label}`, 'expected one 1Password ItemField matching: 2 fields of'],
    ];
    for (const [spec, message] of cases) {
      const vaults = spec.includes('dup-label') ? { production: 1, staging: 2, quirks: 3 } : { production: 1, staging: 2 };
      const r = await render(store('op', vaults) + es('ok', 'op', `  data:\n  - {secretKey: p, remoteRef: {key: db}}`) + es('bad', 'op', spec));
      expect(r.code, message).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('SecretStore/apps/op');
      expect(r.stderr).not.toContain('prod-pw-Hk2x9');
    }
  });

  it('vault and token failures name the store, never a body', async () => {
    let r = await render(store('op', { nosuchvault: 1 }) + es('x', 'op', `  data:\n  - {secretKey: p, remoteRef: {key: db}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error finding 1Password Vault: Found 0 vaults with title "nosuchvault"');
    r = await render(store('op', { production: 1 }, 'op-wrong') + es('x', 'op', `  data:\n  - {secretKey: p, remoteRef: {key: db}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error finding 1Password Vault: status 401: invalid or missing Connect token');
    expect(r.stderr).not.toContain('Invalid token signature');
    // A vault by id the token may not read: Connect's 403 "Authorization" is retried three times, as ESO does.
    op.resetLog();
    r = await render(store('op', { [op.itemId('production', 'db').replace(/./g, 'a')]: 1, [staging]: 2 }, 'op-staging') + es('x', 'op', `  data:\n  - {secretKey: p, remoteRef: {key: db}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error finding 1Password Vault: status 404: not found on the Connect server');
    const prodId = (await (await fetch(`${op.url}/v1/vaults?filter=${encodeURIComponent('title eq "production"')}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { id: string }[];
    op.resetLog();
    r = await render(store('op', { [prodId[0]!.id]: 1 }, 'op-staging') + es('x', 'op', `  data:\n  - {secretKey: p, remoteRef: {key: db}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error finding 1Password Vault: status 403: the Connect token has no access');
    expect(r.stderr).not.toContain('Authorization: token');
    expect(op.requests.length).toBe(3);
  });

  it('store checks and key rules refuse before any request', async () => {
    const bad = [
      [store('op', { production: 1, staging: 1 }), 'vault order numbers must be unique'],
      [store('op', {}), 'must be at least one vault: spec.provider.onepassword.vaults'],
      [store('op', { production: 1 }, 'op-connect', () => 'ftp://x'), 'spec.provider.onepassword.connectHost'],
    ];
    for (const [s, msg] of bad) {
      const r = await render(s + es('x', 'op', `  data:\n  - {secretKey: p, remoteRef: {key: db}}`));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(msg);
    }
    const r = await render(store('op', { production: 1 }) + es('x', 'op', `  data:\n  - {secretKey: p, remoteRef: {key: 'db" or title pr "'}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('becomes part of a Connect filter');
    expect(op.requests).toEqual([]);
  });
});

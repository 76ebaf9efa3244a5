// Canaries: unique values stored in every backend (fake store, moto Secrets Manager and Parameter Store,
// loopback Vault and OpenBao, Google Secret Manager, Azure Key Vault, the Kubernetes API, 1Password Connect and GitLab) and in store credentials (credential files,
// stream Secrets). Every failure mode we can trigger is triggered: missing keys and properties, bad
// decoding, invalid keys, template errors that would print values, policy refusals, backend faults, the
// deadline. Then stderr (text and JSON), KRM results and the engine's results are scanned: no canary,
// in any case, base64-encoded, or as its random tail. On success a canary may appear only inside the
// data of the Secret emitted for it.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { render } from '../../src/engine/render.js';
import { defaultRenderOptions, type KubeObject, type RenderOptions } from '../../src/engine/types.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { always, faults, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { FakeVault } from '../servers/vault/server.js';
import { FakeKubeApi } from '../servers/kubernetes/server.js';
import { startGsmServer, type GsmServer } from '../servers/gcpsm/server.js';
import { makeTestTls } from '../servers/tls-ca.js';
import { startTokenServer, type TokenServer } from '../servers/azurekv/token-server.js';
import { startVaultServer, type VaultServer } from '../servers/azurekv/vault-server.js';
import { FakeConnect } from '../servers/onepassword/server.js';
import { FakeGitLab } from '../servers/gitlab/server.js';
import { FakeDoppler } from '../servers/doppler/server.js';
import { FakeInfisical } from '../servers/infisical/server.js';
import { FakeBitwardenSdkServer, bwId } from '../servers/bitwarden/server.js';
import { FakeWebhook } from '../servers/webhook/server.js';
import { runCli, semaphore, type Run } from '../faults/harness.js';
import { controllerKeys, unseal, type ControllerKeys } from '../helpers/sealing.js';
import { ALL, RAND, canary, leaks } from '../helpers/canary.js';

// ---- canaries: test/helpers/canary.ts ------------------------------------------------------------------

/** The values a backend holds, by key. Key names suit every backend (GCP and Azure allow no '/'). */
function backendValues(bk: string): Record<string, string> {
  return {
    'canary-plain': canary(`${bk}-plain`),
    'canary-json': JSON.stringify({ username: 'app', password: canary(`${bk}-json-pw`), nested: { token: canary(`${bk}-json-nested`) } }),
    'canary-badkeys': JSON.stringify({ 'bad key!': canary(`${bk}-badkey`), ok: 'x' }),
    'canary-notjson': `{${canary(`${bk}-notjson`)}`,
    'canary-yaml': `a: [${canary(`${bk}-yaml`)}\nb: {`,
    'canary-url': `http://[${canary(`${bk}-url`)}/%zz`,
  };
}

// ---- the ExternalSecrets that fail, one failure mode each -------------------------------------------------

interface StoreRef {
  kind: 'SecretStore' | 'ClusterSecretStore';
  name: string;
  /** Prefix of every key (Parameter Store names need a leading '/'). */
  prefix?: string;
}

/** Template failures, each with the values it would print if errors were not scrubbed. */
const TEMPLATES: Record<string, string> = {
  'tpl-fail': '{{ .plain | fail }}',
  'tpl-fail-printf': '{{ printf "value was %s!" .plain | fail }}',
  'tpl-fail-lower': '{{ .plain | lower | fail }}',
  'tpl-fail-json-member': '{{ (.json | fromJson).password | fail }}',
  'tpl-fail-json-nested': '{{ (.json | fromJson).nested.token | fail }}',
  'tpl-fail-toyaml': '{{ .json | fromJson | toYaml | fail }}',
  'tpl-fail-tail': '{{ splitList "-" .plain | last | fail }}',
  'tpl-printf-d': '{{ printf "%d" .plain | fail }}',
  'tpl-index': '{{ index .plain 99 }}',
  'tpl-must-from-json': '{{ .notjson | mustFromJson }}',
  'tpl-from-yaml': '{{ .yaml | fromYaml | toJson | fail }}',
  'tpl-must-to-date': '{{ .plain | mustToDate "2006-01-02" }}',
  'tpl-url-parse': '{{ (.url | urlParse).host | fail }}',
  'tpl-b64dec': '{{ .plain | b64dec | fail }}',
  'tpl-semver': '{{ (.plain | semver).Major }}',
  'tpl-bad-field': '{{ .plain.field }}',
  'tpl-pkcs12': '{{ .plain | pkcs12key }}',
  'tpl-filter-pem': '{{ .plain | filterPEM "CERTIFICATE" }}',
};

function es(name: string, store: StoreRef, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'apps' },
    spec: { secretStoreRef: { kind: store.kind, name: store.name }, target: { name }, ...spec },
  };
}

/** ExternalSecrets that fail reading or decoding (`reads`), or in their templates (`templates`). */
function failing(store: StoreRef, tag: string, which: 'reads' | 'templates'): KubeObject[] {
  const k = (key: string) => `${store.prefix ?? ''}${key}`;
  const all = (key: string) => ({ secretKey: key.replace('canary-', ''), remoteRef: { key: k(key) } });
  const inputs = ['canary-plain', 'canary-json', 'canary-notjson', 'canary-yaml', 'canary-url'].map(all);
  const list: KubeObject[] = [
    es(`${tag}-missing-key`, store, { data: [{ secretKey: 'x', remoteRef: { key: k('canary-does-not-exist') } }] }),
    es(`${tag}-missing-property`, store, { data: [{ secretKey: 'x', remoteRef: { key: k('canary-json'), property: 'nope' } }] }),
    es(`${tag}-property-of-non-json`, store, { data: [{ secretKey: 'x', remoteRef: { key: k('canary-notjson'), property: 'x' } }] }),
    es(`${tag}-extract-non-json`, store, { dataFrom: [{ extract: { key: k('canary-notjson') } }] }),
    // Keys are converted by default; a rewrite skips conversion, so the invalid key reaches validation.
    es(`${tag}-extract-invalid-keys`, store, { dataFrom: [{ extract: { key: k('canary-badkeys') }, rewrite: [{ regexp: { source: '^ok$', target: 'fine' } }] }] }),
    es(`${tag}-bad-decoding`, store, { data: [{ secretKey: 'x', remoteRef: { key: k('canary-plain'), decodingStrategy: 'Base64' } }] }),
    es(`${tag}-bad-decoding-extract`, store, { dataFrom: [{ extract: { key: k('canary-json'), decodingStrategy: 'Base64' } }] }),
  ];
  if (which === 'reads') return list;
  return Object.entries(TEMPLATES).map(([name, text]) => es(`${tag}-${name}`, store, { data: inputs, target: { name: `${tag}-${name}`, template: { data: { out: text } } } }));
}

/** One ExternalSecret that renders: every canary of the backend lands in its data, some via templates. */
function succeeding(store: StoreRef, tag: string): KubeObject {
  const k = (key: string) => `${store.prefix ?? ''}${key}`;
  return es(`${tag}-ok`, store, {
    target: {
      name: `${tag}-ok`,
      template: {
        mergePolicy: 'Merge',
        data: { combined: '{{ .plain }}/{{ printf "%d" .plain }}/{{ (.json | fromJson).nested.token | upper }}' },
      },
    },
    data: [
      { secretKey: 'plain', remoteRef: { key: k('canary-plain') } },
      { secretKey: 'json', remoteRef: { key: k('canary-json') } },
      { secretKey: 'password', remoteRef: { key: k('canary-json'), property: 'password' } },
      { secretKey: 'notjson', remoteRef: { key: k('canary-notjson') } },
      { secretKey: 'yaml', remoteRef: { key: k('canary-yaml') } },
      { secretKey: 'url', remoteRef: { key: k('canary-url') } },
    ],
    dataFrom: [{ extract: { key: k('canary-json') }, rewrite: [{ regexp: { source: '(.*)', target: 'x-$1' } }] }],
  });
}

const yamlStream = (objs: KubeObject[]) => objs.map((o) => JSON.stringify(o)).join('\n---\n') + '\n';

// ---- checks ---------------------------------------------------------------------------------------------

const STACK_FRAME = /\n\s+at .+:\d+:\d+/;

/** A failing run: exit 1, nothing on stdout, every failing ExternalSecret reported, no canary anywhere. */
function expectFailedWithoutLeaks(r: Run, failingNames: string[]): void {
  expect(leaks(r.stderr), r.stderr).toEqual([]);
  expect(leaks(r.stdout)).toEqual([]);
  expect(r.stdout).toBe('');
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  const unreported = failingNames.filter((n) => !r.stderr.includes(`/${n}`) && !r.stderr.includes(`"name":"${n}"`));
  expect(unreported, r.stderr).toEqual([]);
}

/**
 * A successful run: canaries only inside the data of emitted Secrets (decoded there), nowhere else on
 * stdout or stderr. `expected` canaries must be found in that data (so the scan could have found them).
 */
function expectOnlyInSecretData(r: Run, expected: string[]): void {
  expect(r.code, r.stderr).toBe(0);
  expect(leaks(r.stderr), r.stderr).toEqual([]);
  const items = parseManifests(r.stdout).map((i) => i.object);
  const decoded: string[] = [];
  const rest = items.map((o) => {
    if (o.kind !== 'Secret') return o;
    for (const v of Object.values((o.data ?? {}) as Record<string, string>)) decoded.push(Buffer.from(v, 'base64').toString('utf8'));
    const { data: _data, ...without } = o;
    return without;
  });
  expect(leaks(JSON.stringify(rest))).toEqual([]);
  const all = decoded.join('\n');
  for (const c of expected) expect(all.toLowerCase()).toContain(c.toLowerCase());
  // Store credentials never end up in a Secret either.
  const credentials = [...Object.values(CRED)];
  expect(credentials.filter((c) => all.toLowerCase().includes(c.toLowerCase()))).toEqual([]);
}

// ---- backends -----------------------------------------------------------------------------------------------

let dir: string;
let moto: Moto;
let vault: FakeVault;
let kube: FakeKubeApi;
let gsm: GsmServer;
let token: TokenServer;
let akv: VaultServer;
const proxies: FaultProxy[] = [];
const limit = semaphore(3);
const AZ = { tenant: '0c4a1e2b-0000-4000-8000-ca0a4e000001', host: 'canary-kv.vault.azure.net' };
const azTls = makeTestTls([AZ.host]);

const FAKE = backendValues('fake');
const SM = backendValues('aws-sm');
const SSM = backendValues('aws-ssm');
const VAULT = backendValues('vault');
const BAO = backendValues('openbao');
const KUBE = backendValues('kube');
const GCP = backendValues('gcp');
const AZURE = backendValues('azure');
const OP = backendValues('onepassword');
const GL = backendValues('gitlab');
const DP = backendValues('doppler');
const BW = backendValues('bitwarden');
const CRED = {
  awsAccessKeyId: `AKIA${RAND.toUpperCase()}XX`,
  awsSecretKey: canary('cred-aws-secret-key'),
  vaultToken: canary('cred-vault-token'),
  vaultBadToken: canary('cred-vault-bad-token'),
  vaultStreamToken: canary('cred-vault-stream-token'),
  baoToken: canary('cred-bao-token'),
  baoBadToken: canary('cred-bao-bad-token'),
  kubeToken: canary('cred-kube-token'),
  kubeBadToken: canary('cred-kube-bad-token'),
  azureSecret: canary('cred-azure-client-secret'),
  azureWrongSecret: canary('cred-azure-wrong-secret'),
  gcpKey: canary('cred-gcp-sa-key'),
  opToken: canary('cred-op-connect-token'),
  opBadToken: canary('cred-op-bad-token'),
  glToken: canary('cred-gl-access-token'),
  glBadToken: canary('cred-gl-bad-token'),
  dpToken: canary('cred-doppler-token'),
  dpBadToken: canary('cred-doppler-bad-token'),
  // Bitwarden access tokens have a shape (0.<client id>.<secret>:<key>); the canary is the secret part.
  bwToken: `0.${bwId('canary-client')}.${canary('cred-bw-token')}:a2V5`,
  bwBadToken: `0.${bwId('canary-client')}.${canary('cred-bw-bad-token')}:a2V5`,
};
ALL.push(CRED.awsAccessKeyId);

function credential(ns: string, name: string, key: string, value: string): void {
  mkdirSync(path.join(dir, 'creds', ns, name), { recursive: true });
  writeFileSync(path.join(dir, 'creds', ns, name, key), value);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'canary-'));
  const seed = { accessKeyId: 'seed', secretAccessKey: 'seed' };
  [moto, vault, gsm, token] = await Promise.all([
    startMoto(),
    FakeVault.start(),
    startGsmServer({ projectId: 'canary-project', projectNumber: '99887766', secrets: Object.entries(GCP).map(([id, v]) => ({ id, versions: [{ data: v }] })) }),
    startTokenServer({ tls: azTls, tenantId: AZ.tenant, clientSecrets: { 'canary-app': CRED.azureSecret } }),
  ]);
  akv = await startVaultServer({
    tls: azTls,
    vaultHost: AZ.host,
    tenantId: AZ.tenant,
    validTokens: token.issued,
    contents: { secrets: Object.fromEntries(Object.entries(AZURE).map(([k, v]) => [k, [{ version: 'v1', value: v }]])), certificates: {}, keys: {} },
  });
  const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: seed });
  for (const [k, v] of Object.entries(SM)) await sm.send(new CreateSecretCommand({ Name: k, SecretString: v }));
  sm.destroy();
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: moto.url, credentials: seed });
  for (const [k, v] of Object.entries(SSM)) await ssm.send(new PutParameterCommand({ Name: `/${k}`, Value: v, Type: 'SecureString' }));
  ssm.destroy();
  vault.mountKv('secret', 2);
  // KV holds maps: JSON canaries as themselves, the others under `value`.
  for (const [k, v] of Object.entries(VAULT)) vault.put('secret', k, JSON_KEYS.has(k) ? (JSON.parse(v) as Record<string, unknown>) : { value: v });
  vault.addToken(CRED.vaultToken, ['secret/*']);
  vault.addToken(CRED.vaultStreamToken, ['secret/*']);
  // OpenBao (same wire protocol, served by the same loopback server) at its default mount `kv`.
  vault.mountKv('kv', 2);
  for (const [k, v] of Object.entries(BAO)) vault.put('kv', k, JSON_KEYS.has(k) ? (JSON.parse(v) as Record<string, unknown>) : { value: v });
  vault.addToken(CRED.baoToken, ['kv/*']);
  credential('apps', 'bao-token', 'token', CRED.baoToken);
  credential('apps', 'bao-bad-token', 'token', CRED.baoBadToken);
  // Kubernetes Secrets are flat maps: every canary under `value`, the bad-keys map as itself.
  kube = await FakeKubeApi.start();
  for (const [k, v] of Object.entries(KUBE)) kube.put('canary', k, k === 'canary-badkeys' ? (JSON.parse(v) as Record<string, string>) : { value: v });
  kube.addToken(CRED.kubeToken, 'system:serviceaccount:canary:reader', ['canary']);
  credential('apps', 'kube-token', 'token', CRED.kubeToken);
  credential('apps', 'kube-bad-token', 'token', CRED.kubeBadToken);
  credential('apps', 'aws-creds', 'access-key-id', CRED.awsAccessKeyId);
  credential('apps', 'aws-creds', 'secret-access-key', CRED.awsSecretKey);
  credential('apps', 'vault-token', 'token', CRED.vaultToken);
  credential('apps', 'vault-bad-token', 'token', CRED.vaultBadToken);
  credential('apps', 'azure-sp', 'ClientID', 'canary-app');
  credential('apps', 'azure-sp', 'ClientSecret', CRED.azureSecret);
  credential('apps', 'azure-sp-wrong', 'ClientID', 'canary-app');
  credential('apps', 'azure-sp-wrong', 'ClientSecret', CRED.azureWrongSecret);
  credential('apps', 'gcp-sa', 'key.json', CRED.gcpKey);
  // 1Password: one item per key; the value is its `password` field (the default field), except the
  // invalid-keys item, whose labels are the keys that an extract returns.
  op = await FakeConnect.start();
  op.addVault('canary', Object.entries(OP).map(([title, v]) => (title === 'canary-badkeys' ? { title, fields: Object.entries(JSON.parse(v) as Record<string, string>).map(([label, value]) => ({ label, value })) } : { title, fields: [{ label: 'username', value: 'app' }, { label: 'password', value: v }] })));
  op.addToken(CRED.opToken, ['canary']);
  credential('apps', 'op-connect', 'token', CRED.opToken);
  credential('apps', 'op-bad-token', 'token', CRED.opBadToken);
  // GitLab: one project variable per key ('-' read as '_', as ESO's GetSecret does).
  gl = await FakeGitLab.start();
  glProject = gl.addProject('canary/app', Object.entries(GL).map(([key, value]) => ({ key: key.replaceAll('-', '_'), value })));
  gl.addToken(CRED.glToken);
  credential('apps', 'gl-token', 'token', CRED.glToken);
  credential('apps', 'gl-bad-token', 'token', CRED.glBadToken);
  // Doppler: one config holding every canary by name, read with a service token.
  dp = await FakeDoppler.start();
  dp.addConfig('canary', 'prd', DP);
  dp.addServiceToken(CRED.dpToken, 'canary', 'prd');
  credential('apps', 'doppler-token', 'dopplerToken', CRED.dpToken);
  credential('apps', 'doppler-bad-token', 'dopplerToken', CRED.dpBadToken);
  // Bitwarden: one secret per key in the store's project, served over TLS with the Azure test CA.
  bw = await FakeBitwardenSdkServer.start(azTls);
  bw.addSecrets('canary', Object.entries(BW).map(([key, value]) => ({ key, value, project: 'canary' })));
  bw.addMachineAccount('canary', 'canary', ['canary'], CRED.bwToken);
  credential('apps', 'bw-token', 'token', CRED.bwToken);
  credential('apps', 'bw-bad-token', 'token', CRED.bwBadToken);
  writeFileSync(path.join(dir, 'ca.pem'), azTls.caPem);
  sealKeys = controllerKeys();
  writeFileSync(path.join(dir, 'seal-cert.pem'), sealKeys.certPem);
  writeFileSync(path.join(dir, 'platform.key'), randomBytes(32));
}, 60_000);

// Infisical: every canary is a secret of project canary, environment prod, folder /; a machine identity
// logs in with a client secret that is itself a canary (and a wrong one that must never be echoed).
const INF = backendValues('infisical');
const INF_CRED = { secret: canary('cred-inf-client-secret'), wrong: canary('cred-inf-wrong-secret') };
let inf: FakeInfisical;
beforeAll(async () => {
  inf = await FakeInfisical.start();
  inf.addSecrets('canary', 'prod', '/', INF);
  inf.addClient('canary-client', INF_CRED.secret, ['canary']);
  credential('apps', 'inf-ua', 'clientId', 'canary-client');
  credential('apps', 'inf-ua', 'clientSecret', INF_CRED.secret);
  credential('apps', 'inf-ua-wrong', 'clientId', 'canary-client');
  credential('apps', 'inf-ua-wrong', 'clientSecret', INF_CRED.wrong);
});
afterAll(async () => {
  await inf?.close();
});
const infStore = (ua: string, host = inf.url) => ({ infisical: { hostAPI: host, auth: { universalAuthCredentials: { clientId: { name: ua, key: 'clientId' }, clientSecret: { name: ua, key: 'clientSecret' } } }, secretsScope: { projectSlug: 'canary', environmentSlug: 'prod' } } });

/** Sealing on (issue 17): the same runs must hold no canary anywhere but inside the ciphertext. */
let sealKeys: ControllerKeys;
const SEALING = () => ['--platform-key-file', path.join(dir, 'platform.key'), '--seal-cert', path.join(dir, 'seal-cert.pem')];

afterAll(async () => {
  for (const p of proxies) await p.stop();
  await Promise.all([moto?.stop(), vault?.close(), kube?.close(), gsm?.stop(), akv?.stop(), token?.stop(), op?.close(), bw?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const JSON_KEYS = new Set(['canary-json', 'canary-badkeys']);

/** Vault: KV v2 cannot hold a value that is not a JSON object, so that extract cannot fail there. */
function vaultFailing(store: StoreRef, tag: string, which: 'reads' | 'templates'): KubeObject[] {
  return failing(store, tag, which).filter((o) => o.metadata?.name !== `${tag}-extract-non-json`);
}

let op: FakeConnect;
let gl: FakeGitLab;
let glProject: number;

/** GitLab: an extract is json.Unmarshal into map[string]string, so the nested JSON canary cannot be extracted; the ok run reads data only. */
function glSucceeding(store: StoreRef, tag: string): KubeObject {
  const o = succeeding(store, tag);
  const { dataFrom: _dataFrom, ...spec } = o.spec as Record<string, unknown>;
  return { ...o, spec };
}
afterAll(async () => {
  await gl?.close();
});

let bw: FakeBitwardenSdkServer;

/** Bitwarden: property is not read (as in ESO), so the reads that fail on a property succeed there. */
function bwFailing(store: StoreRef, tag: string, which: 'reads' | 'templates'): KubeObject[] {
  return failing(store, tag, which).filter((o) => ![`${tag}-missing-property`, `${tag}-property-of-non-json`].includes(String(o.metadata?.name)));
}
const bwStore = (url: string, tokenSecret: string) => ({
  bitwardensecretsmanager: { bitwardenServerSDKURL: url, caBundle: Buffer.from(azTls.caPem).toString('base64'), organizationID: bwId('org:canary'), projectID: bwId('project:canary'), auth: { secretRef: { credentials: { name: tokenSecret, key: 'token' } } } },
});

/** 1Password: an extract returns the item's field labels, so the extracts that fail on a JSON value cannot fail there. */
function opFailing(store: StoreRef, tag: string, which: 'reads' | 'templates'): KubeObject[] {
  return failing(store, tag, which).filter((o) => o.metadata?.name !== `${tag}-extract-non-json`);
}

let dp: FakeDoppler;
afterAll(async () => dp?.close());

/** Doppler: ESO's provider does not read `property`, so the property reads succeed with the whole value. */
function dpFailing(store: StoreRef, tag: string, which: 'reads' | 'templates'): KubeObject[] {
  return failing(store, tag, which).filter((o) => ![`${tag}-missing-property`, `${tag}-property-of-non-json`].includes(String(o.metadata?.name)));
}

function stores(urls: { vault: string; azure: string; op?: string; gl?: string; kube?: string; inf?: string }): KubeObject[] {
  const store = (kind: string, name: string, provider: Record<string, unknown>): KubeObject => ({
    apiVersion: 'external-secrets.io/v1',
    kind,
    metadata: kind === 'SecretStore' ? { name, namespace: 'apps' } : { name },
    spec: { provider },
  });
  const fakeData = Object.entries(FAKE).map(([key, value]) => ({ key, value }));
  return [
    store('SecretStore', 'fake', { fake: { data: fakeData } }),
    store('SecretStore', 'aws-sm', {
      aws: {
        service: 'SecretsManager',
        region: 'us-east-1',
        auth: { secretRef: { accessKeyIDSecretRef: { name: 'aws-creds', key: 'access-key-id' }, secretAccessKeySecretRef: { name: 'aws-creds', key: 'secret-access-key' } } },
      },
    }),
    store('SecretStore', 'aws-ssm', { aws: { service: 'ParameterStore', region: 'us-east-1' } }),
    store('SecretStore', 'vault', { vault: { server: urls.vault, path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } } } }),
    store('SecretStore', 'vault-bad-token', { vault: { server: urls.vault, path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault-bad-token', key: 'token' } } } }),
    store('SecretStore', 'openbao', { openBao: { server: urls.vault, auth: { tokenSecretRef: { name: 'bao-token', key: 'token' } } } }),
    store('SecretStore', 'openbao-bad-token', { openBao: { server: urls.vault, auth: { tokenSecretRef: { name: 'bao-bad-token', key: 'token' } } } }),
    store('SecretStore', 'kube', { kubernetes: { server: { url: urls.kube ?? kube.url }, remoteNamespace: 'canary', auth: { token: { bearerToken: { name: 'kube-token', key: 'token' } } } } }),
    store('SecretStore', 'kube-bad-token', { kubernetes: { server: { url: urls.kube ?? kube.url }, remoteNamespace: 'canary', auth: { token: { bearerToken: { name: 'kube-bad-token', key: 'token' } } } } }),
    store('SecretStore', 'gcp', { gcpsm: { projectID: 'canary-project' } }),
    store('SecretStore', 'gcp-bad-key', { gcpsm: { projectID: 'canary-project', auth: { secretRef: { secretAccessKeySecretRef: { name: 'gcp-sa', key: 'key.json' } } } } }),
    store('SecretStore', 'azure', {
      azurekv: { tenantId: AZ.tenant, vaultUrl: urls.azure, authSecretRef: { clientId: { name: 'azure-sp', key: 'ClientID' }, clientSecret: { name: 'azure-sp', key: 'ClientSecret' } } },
    }),
    store('SecretStore', 'onepassword', { onepassword: { connectHost: urls.op ?? op.url, vaults: { canary: 1 }, auth: { secretRef: { connectTokenSecretRef: { name: 'op-connect', key: 'token' } } } } }),
    store('SecretStore', 'onepassword-bad-token', { onepassword: { connectHost: urls.op ?? op.url, vaults: { canary: 1 }, auth: { secretRef: { connectTokenSecretRef: { name: 'op-bad-token', key: 'token' } } } } }),
    store('SecretStore', 'gitlab', { gitlab: { url: urls.gl ?? gl.url, projectID: String(glProject), auth: { SecretRef: { accessToken: { name: 'gl-token', key: 'token' } } } } }),
    store('SecretStore', 'gitlab-bad-token', { gitlab: { url: urls.gl ?? gl.url, projectID: String(glProject), auth: { SecretRef: { accessToken: { name: 'gl-bad-token', key: 'token' } } } } }),
    store('SecretStore', 'doppler', { doppler: { auth: { secretRef: { dopplerToken: { name: 'doppler-token' } } } } }),
    store('SecretStore', 'doppler-bad-token', { doppler: { auth: { secretRef: { dopplerToken: { name: 'doppler-bad-token' } } } } }),
    store('SecretStore', 'infisical', infStore('inf-ua', urls.inf)),
    store('SecretStore', 'infisical-bad-secret', infStore('inf-ua-wrong', urls.inf)),
    store('SecretStore', 'bitwarden', bwStore(bw.url, 'bw-token')),
    store('SecretStore', 'bitwarden-bad-token', bwStore(bw.url, 'bw-bad-token')),
    store('SecretStore', 'azure-wrong-secret', {
      azurekv: { tenantId: AZ.tenant, vaultUrl: urls.azure, authSecretRef: { clientId: { name: 'azure-sp-wrong', key: 'ClientID' }, clientSecret: { name: 'azure-sp-wrong', key: 'ClientSecret' } } },
    }),
  ];
}

function cliEnv(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: moto.url,
    AWS_ACCESS_KEY_ID: 'AKIACANARYENVDEFAULT',
    AWS_SECRET_ACCESS_KEY: 'env-default-not-a-canary',
    AWS_REGION: 'us-east-1',
    ESO_RENDER_GCPSM_ENDPOINT: `127.0.0.1:${gsm.port}`,
    ESO_RENDER_GCPSM_INSECURE: 'true',
    ESO_RENDER_AZUREKV_CA_FILE: path.join(dir, 'ca.pem'),
    ESO_RENDER_AZUREKV_VAULT_ADDRESS: '127.0.0.1',
    AZURE_AUTHORITY_HOST: token.authorityHost,
    ESO_RENDER_DOPPLER_API_ADDRESS: dp.url,
  };
}

const urls = () => ({ vault: vault.url, azure: `https://${AZ.host}:${akv.port}` });
const cli = (args: string[], stdin: string, env: Record<string, string> = cliEnv()) =>
  limit(() => runCli([...args, '--credentials-dir', path.join(dir, 'creds')], stdin, env, 60_000));

/** Every backend, with its failing ExternalSecrets (Vault values are read through their `value` member). */
function backends(which: 'reads' | 'templates' = 'reads'): { name: string; store: string; values: Record<string, string>; failing: KubeObject[]; ok: KubeObject }[] {
  const ref = (name: string, prefix?: string): StoreRef => ({ kind: 'SecretStore', name, ...(prefix ? { prefix } : {}) });
  const vaultish = (o: KubeObject): KubeObject => {
    // Non-JSON canaries sit under `value` in Vault: whole-secret reads of them read that property.
    const spec = structuredClone(o.spec) as { data?: { remoteRef: { key: string; property?: string } }[] };
    for (const d of spec.data ?? []) if (!d.remoteRef.property && !JSON_KEYS.has(d.remoteRef.key)) d.remoteRef.property = 'value';
    return { ...o, spec };
  };
  const kubeish = (o: KubeObject): KubeObject => {
    // Canaries sit under `value` in their Secret: reads go to that key, properties into its JSON.
    const spec = structuredClone(o.spec) as { data?: { remoteRef: { key: string; property?: string } }[] };
    for (const d of spec.data ?? []) if (d.remoteRef.key !== 'canary-badkeys') d.remoteRef.property = d.remoteRef.property ? `value.${d.remoteRef.property}` : 'value';
    return { ...o, spec };
  };
  return [
    { name: 'fake', store: 'fake', values: FAKE, failing: failing(ref('fake'), 'fake', which), ok: succeeding(ref('fake'), 'fake') },
    { name: 'aws-sm', store: 'aws-sm', values: SM, failing: failing(ref('aws-sm'), 'sm', which), ok: succeeding(ref('aws-sm'), 'sm') },
    { name: 'aws-ssm', store: 'aws-ssm', values: SSM, failing: failing(ref('aws-ssm', '/'), 'ssm', which), ok: succeeding(ref('aws-ssm', '/'), 'ssm') },
    { name: 'vault', store: 'vault', values: VAULT, failing: vaultFailing(ref('vault'), 'vault', which).map(vaultish), ok: vaultish(succeeding(ref('vault'), 'vault')) },
    { name: 'openbao', store: 'openbao', values: BAO, failing: vaultFailing(ref('openbao'), 'bao', which).map(vaultish), ok: vaultish(succeeding(ref('openbao'), 'bao')) },
    { name: 'kube', store: 'kube', values: KUBE, failing: vaultFailing(ref('kube'), 'kube', which).map(kubeish), ok: kubeish(succeeding(ref('kube'), 'kube')) },
    { name: 'gcp', store: 'gcp', values: GCP, failing: failing(ref('gcp'), 'gcp', which), ok: succeeding(ref('gcp'), 'gcp') },
    { name: 'azure', store: 'azure', values: AZURE, failing: failing(ref('azure'), 'azure', which), ok: succeeding(ref('azure'), 'azure') },
    { name: 'onepassword', store: 'onepassword', values: OP, failing: opFailing(ref('onepassword'), 'op', which), ok: succeeding(ref('onepassword'), 'op') },
    { name: 'gitlab', store: 'gitlab', values: GL, failing: failing(ref('gitlab'), 'gl', which), ok: glSucceeding(ref('gitlab'), 'gl') },
    { name: 'doppler', store: 'doppler', values: DP, failing: dpFailing(ref('doppler'), 'dp', which), ok: succeeding(ref('doppler'), 'dp') },
    { name: 'infisical', store: 'infisical', values: INF, failing: failing(ref('infisical'), 'inf', which), ok: succeeding(ref('infisical'), 'inf') },
    { name: 'bitwarden', store: 'bitwarden', values: BW, failing: bwFailing(ref('bitwarden'), 'bw', which), ok: succeeding(ref('bitwarden'), 'bw') },
  ];
}

/** Canaries whose values are plain strings (JSON/YAML/URL holders carry theirs inside). */
function canariesOf(values: Record<string, string>): string[] {
  return ALL.filter((c) => Object.entries(values).some(([k, v]) => k !== 'canary-badkeys' && v.includes(c)));
}

describe('the canary detector', () => {
  it('finds a canary as itself, hex, digests, base64 at every offset and percent-encoded, and nothing in clean text', () => {
    const c = canary('detector-self-test');
    const b = Buffer.from(c);
    const samples: Record<string, string> = {
      plain: `x ${c.toUpperCase()} y`,
      hex: `sum=${b.toString('hex').toUpperCase()}`,
      sha256: `checksum: ${createHash('sha256').update(b).digest('hex')}`,
      md5b64: createHash('md5').update(b).digest('base64'),
      percent: `url=${[...b].map((x) => `%${x.toString(16).toUpperCase().padStart(2, '0')}`).join('')}`,
    };
    for (let k = 0; k < 3; k++) samples[`base64+${k}`] = Buffer.concat([Buffer.from('prefix'.slice(0, k)), b, Buffer.from(' and more')]).toString('base64');
    for (const [name, text] of Object.entries(samples)) expect(leaks(text).some((l) => l.startsWith(c)), name).toBe(true);
    expect(leaks('eso-render: rendered: 3 Secrets, data-hash 9ce8ac9f15183bf7282886273794bd36')).toEqual([]);
  });
});

describe.concurrent('no canary on stderr or in results, whatever fails (built CLI)', () => {
  for (const which of ['reads', 'templates'] as const) {
    it.each(['text', 'json'])(`every backend, failing ${which}, --log-format %s`, async (format) => {
      const failingObjs = backends(which).flatMap((b) => b.failing);
      const input = yamlStream([...stores(urls()), ...failingObjs]);
      const r = await cli(['render', '--log-format', format, '--deadline', '45s'], input);
      expectFailedWithoutLeaks(r, failingObjs.map((o) => String(o.metadata!.name)));
    });

    it(`every backend, failing ${which}, with sealing on: fails closed, no canary`, async () => {
      const failingObjs = backends(which).flatMap((b) => b.failing);
      const ok = backends().map((b) => b.ok);
      const input = yamlStream([...stores(urls()), ...ok, ...failingObjs]);
      const r = await cli(['render', '--log-format', 'json', '--deadline', '45s', ...SEALING()], input);
      expectFailedWithoutLeaks(r, failingObjs.map((o) => String(o.metadata!.name)));
    });
  }

  for (const b of ['fake', 'aws-sm', 'aws-ssm', 'vault', 'openbao', 'kube', 'gcp', 'azure', 'onepassword', 'gitlab', 'doppler', 'infisical']) {
    it(`${b}, sealed: no canary anywhere in the output, and the unsealed Secret is the plaintext render's`, async () => {
      const backend = backends().find((x) => x.name === b)!;
      const used = stores(urls()).filter((o) => o.metadata?.name === backend.store);
      const input = yamlStream([...used, backend.ok]);
      const key = ['--platform-key-file', path.join(dir, 'platform.key')];
      const [sealed, plain] = await Promise.all([cli(['render', '--deadline', '20s', ...SEALING()], input), cli(['render', '--deadline', '20s', ...key], input)]);
      expect(sealed.code, sealed.stderr).toBe(0);
      expect(plain.code, plain.stderr).toBe(0);
      expect(leaks(sealed.stderr)).toEqual([]);
      expect(leaks(sealed.stdout)).toEqual([]);
      const objs = parseManifests(sealed.stdout).map((i) => i.object);
      expect(objs.map((o) => o.kind)).toEqual(['SealedSecret']);
      const secret = unseal(sealKeys.privateKeyPem, objs[0]!);
      expect(secret).toEqual(parseManifests(plain.stdout).map((i) => i.object).find((o) => o.kind === 'Secret'));
      const decoded = Object.values(secret['data'] as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')).join('\n');
      for (const c of canariesOf(backend.values)) expect(decoded.toLowerCase()).toContain(c.toLowerCase());
    });
  }

  for (const b of ['fake', 'aws-sm', 'aws-ssm', 'vault', 'openbao', 'kube', 'gcp', 'azure', 'onepassword', 'gitlab', 'doppler', 'infisical']) {
    it(`${b}: a successful render holds its canaries only inside the emitted Secret's data`, async () => {
      const backend = backends().find((x) => x.name === b)!;
      // Only the store used: an unused store passes through, and the fake one carries its values in its spec.
      const used = stores(urls()).filter((o) => o.metadata?.name === backend.store);
      const r = await cli(['render', '--deadline', '20s'], yamlStream([...used, backend.ok]));
      expectOnlyInSecretData(r, canariesOf(backend.values));
    });
  }

  it('render --redact: every backend, no canary in any form anywhere in the output', async () => {
    const oks = backends().map((b) => b.ok);
    const r = await cli(['render', '--redact', '--deadline', '45s'], yamlStream([...stores(urls()), ...oks]));
    // Succeeding or not (a redacted value is no string for every template function), nothing leaks.
    expect([0, 1]).toContain(r.code);
    if (r.code === 0) expect(parseManifests(r.stdout).filter((i) => i.object.kind === 'Secret').length).toBe(oks.length);
    // The fake store's spec holds its values and is consumed: nothing of it is printed.
    expect(leaks(r.stdout), r.stdout).toEqual([]);
    expect(leaks(r.stderr), r.stderr).toEqual([]);
  });

  it.each(['text', 'json'])('validate, every backend and every failure mode, --log-format %s: no canary in the findings', async (format) => {
    const objs = [...backends('reads'), ...backends('templates')].flatMap((b) => b.failing);
    const r = await cli(['validate', '--log-format', format], yamlStream([...stores(urls()), ...objs]));
    expect([0, 1]).toContain(r.code);
    expect(leaks(r.stdout), r.stdout).toEqual([]);
    expect(leaks(r.stderr), r.stderr).toEqual([]);
  });

  it('credentials that the backend refuses (Vault token, Azure client secret, GCP key) are never echoed', async () => {
    const ref = (name: string): StoreRef => ({ kind: 'SecretStore', name });
    const objs = [
      es('cred-vault', ref('vault-bad-token'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain', property: 'value' } }] }),
      es('cred-bao', ref('openbao-bad-token'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain', property: 'value' } }] }),
      es('cred-kube', ref('kube-bad-token'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain', property: 'value' } }] }),
      es('cred-azure', ref('azure-wrong-secret'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain' } }] }),
      es('cred-gcp', ref('gcp-bad-key'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain' } }] }),
      es('cred-op', ref('onepassword-bad-token'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain' } }] }),
      es('cred-gl', ref('gitlab-bad-token'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain' } }] }),
      es('cred-dp', ref('doppler-bad-token'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain' } }] }),
      es('cred-inf', ref('infisical-bad-secret'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain' } }] }),
    ];
    for (const format of ['text', 'json']) {
      const r = await cli(['render', '--log-format', format, '--deadline', '45s'], yamlStream([...stores(urls()), ...objs]));
      expectFailedWithoutLeaks(r, ['cred-vault', 'cred-bao', 'cred-kube', 'cred-azure', 'cred-gcp', 'cred-op', 'cred-gl', 'cred-dp', 'cred-inf']);
    }
  });

  it('store credentials from stream Secrets are used, and never emitted', async () => {
    const objs: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vault-stream-token', namespace: 'apps' }, stringData: { token: CRED.vaultStreamToken } },
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: { name: 'vault-stream', namespace: 'apps' },
        spec: { provider: { vault: { server: vault.url, path: 'secret', auth: { tokenSecretRef: { name: 'vault-stream-token', key: 'token' } } } } },
      },
      es('from-stream-creds', { kind: 'SecretStore', name: 'vault-stream' }, { data: [{ secretKey: 'v', remoteRef: { key: 'canary-plain', property: 'value' } }] }),
    ];
    const r = await cli(['render', '--allow-stream-credentials'], yamlStream(objs));
    expect(r.code, r.stderr).toBe(0);
    expect(parseManifests(r.stdout).map((i) => `${i.object.kind}/${i.object.metadata?.name}`)).toContain('Secret/from-stream-creds');
    expect(leaks(r.stderr)).toEqual([]);
    // The emitted Secret carries the Vault value; the token that read it must not be anywhere in the output.
    expect(leaks(r.stdout).filter((l) => l.includes('cred-'))).toEqual([]);
  });

  it('backend faults (malformed bodies, resets): no canary in what is reported', async () => {
    const proxy = async (upstream: string, fault: () => import('../helpers/fault-proxy.js').Fault, tls?: boolean) => {
      const p = await startFaultProxy({
        upstream,
        plan: always(fault),
        ...(tls ? { tls: azTls, upstreamCa: azTls.caPem, upstreamServername: AZ.host } : {}),
      });
      proxies.push(p);
      return p;
    };
    // Every fault is tried before judging, so one leak does not hide another.
    const found: string[] = [];
    for (const fault of [faults.truncated, faults.reset, () => faults.html(200)]) {
      const awsP = await proxy(moto.url, fault);
      const vaultP = await proxy(vault.url, fault);
      const azureP = await proxy(`https://127.0.0.1:${akv.port}`, fault, true);
      const opP = await proxy(op.url, fault);
      const glP = await proxy(gl.url, fault);
      const dpP = await proxy(dp.url, fault);
      const infP = await proxy(inf.url, fault);
      const kubeP = await proxy(kube.url, fault);
      const bs = backends().filter((b) => ['aws-sm', 'aws-ssm', 'vault', 'openbao', 'azure', 'onepassword', 'gitlab', 'doppler', 'infisical', 'kube'].includes(b.name));
      const oks = bs.map((b) => b.ok);
      const input = yamlStream([...stores({ vault: vaultP.url, azure: `https://${AZ.host}:${azureP.port}`, op: opP.url, gl: glP.url, inf: infP.url, kube: kubeP.url }), ...oks]);
      const r = await cli(['render', '--log-format', 'json', '--deadline', '10s'], input, { ...cliEnv(), AWS_ENDPOINT_URL: awsP.url, ESO_RENDER_DOPPLER_API_ADDRESS: dpP.url });
      expect(awsP.faulted() + vaultP.faulted() + azureP.faulted()).toBeGreaterThan(0);
      expect(opP.faulted()).toBeGreaterThan(0);
      expect(glP.faulted()).toBeGreaterThan(0);
      expect(dpP.faulted()).toBeGreaterThan(0);
      expect(infP.faulted()).toBeGreaterThan(0);
      expect(kubeP.faulted()).toBeGreaterThan(0);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      found.push(...leaks(r.stderr).map((l) => `${fault().kind}: ${l}`));
    }
    expect(found).toEqual([]);
  });

  it('the deadline, with the backends stuck: no canary in what is reported', async () => {
    const proxy = async (upstream: string) => {
      const p = await startFaultProxy({ upstream, plan: always(faults.hang) });
      proxies.push(p);
      return p;
    };
    const stuck = [await proxy(moto.url, faults.hang), await proxy(vault.url, faults.hang)];
    const input = yamlStream([...stores({ vault: stuck[1]!.url, azure: urls().azure }), ...backends().filter((b) => ['aws-sm', 'vault'].includes(b.name)).map((b) => b.ok)]);
    const r = await cli(['render', '--deadline', '2s'], input, { ...cliEnv(), AWS_ENDPOINT_URL: stuck[0]!.url });
    expectFailedWithoutLeaks(r, ['sm-ok', 'vault-ok']);
    expect(r.stderr).toMatch(/deadline/);
  });

  it('KRM function: ResourceList in, no canary in results or stderr, nothing from a backend in items', async () => {
    const bs = backends().filter((b) => ['fake', 'vault', 'aws-sm'].includes(b.name));
    const failingObjs = bs.flatMap((b) => b.failing);
    const rl = {
      apiVersion: 'config.kubernetes.io/v1',
      kind: 'ResourceList',
      items: [...stores(urls()), ...failingObjs],
      functionConfig: { apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'canary' }, spec: { credentialsDir: path.join(dir, 'creds'), deadline: '20s' } },
    };
    const r = await limit(() => runCli([], JSON.stringify(rl), cliEnv(), 60_000));
    expect(r.code, r.stderr).toBe(1);
    expect(leaks(r.stderr), r.stderr).toEqual([]);
    const out = parseYaml(r.stdout) as { results?: unknown[]; items?: unknown[] };
    expect(out.results?.length ?? 0).toBeGreaterThanOrEqual(failingObjs.length);
    expect(leaks(JSON.stringify(out.results))).toEqual([]);
    // Items are echoed on error (kpt shows them); the fake store's values are input, a backend's are not.
    const fromBackends = leaks(JSON.stringify(out.items)).filter((l) => !l.includes('CANARY-fake-'));
    expect(fromBackends).toEqual([]);
  });
  // Bitwarden rows of the per-backend loops above, the refused token and the malformed bodies.
  it('bitwarden, sealed: no canary anywhere in the output, and the unsealed Secret is the plaintext render\'s; plain: canaries only in its data', async () => {
    const backend = backends().find((x) => x.name === 'bitwarden')!;
    const input = yamlStream([...stores(urls()).filter((o) => o.metadata?.name === 'bitwarden'), backend.ok]);
    const key = ['--platform-key-file', path.join(dir, 'platform.key')];
    const [sealed, plain, bare] = await Promise.all([cli(['render', '--deadline', '20s', ...SEALING()], input), cli(['render', '--deadline', '20s', ...key], input), cli(['render', '--deadline', '20s'], input)]);
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(plain.code, plain.stderr).toBe(0);
    expect(leaks(sealed.stderr)).toEqual([]);
    expect(leaks(sealed.stdout)).toEqual([]);
    const objs = parseManifests(sealed.stdout).map((i) => i.object);
    expect(objs.map((o) => o.kind)).toEqual(['SealedSecret']);
    expect(unseal(sealKeys.privateKeyPem, objs[0]!)).toEqual(parseManifests(plain.stdout).map((i) => i.object).find((o) => o.kind === 'Secret'));
    expectOnlyInSecretData(bare, canariesOf(backend.values));
  });

  it('bitwarden: a refused access token and malformed bodies report no canary', async () => {
    const ref = (name: string): StoreRef => ({ kind: 'SecretStore', name });
    for (const format of ['text', 'json']) {
      const r = await cli(['render', '--log-format', format, '--deadline', '20s'], yamlStream([...stores(urls()), es('cred-bw', ref('bitwarden-bad-token'), { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain' } }] })]));
      expectFailedWithoutLeaks(r, ['cred-bw']);
    }
    const found: string[] = [];
    for (const fault of [faults.truncated, faults.reset, () => faults.html(200)]) {
      const p = await startFaultProxy({ upstream: bw.url, plan: always(fault), tls: azTls, upstreamCa: azTls.caPem });
      proxies.push(p);
      const bwStores = stores(urls()).filter((o) => o.metadata?.name === 'bitwarden').map((o) => ({ ...o, spec: { provider: bwStore(`https://127.0.0.1:${p.port}`, 'bw-token') } }));
      const r = await cli(['render', '--log-format', 'json', '--deadline', '10s'], yamlStream([...bwStores, backends().find((b) => b.name === 'bitwarden')!.ok]));
      expect(p.faulted()).toBeGreaterThan(0);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      found.push(...leaks(r.stderr).map((l) => `${fault().kind}: ${l}`));
    }
    expect(found).toEqual([]);
  });
});

describe('no canary in the engine\'s results (in-process)', () => {
  const options = (extra: Partial<RenderOptions> = {}): RenderOptions => ({ ...defaultRenderOptions, credentialsDir: path.join(dir, 'creds'), deadlineMs: 20_000, ...extra });

  for (const which of ['reads', 'templates'] as const) {
    it(`fake and Vault stores, failing ${which}`, async () => {
      const bs = backends(which).filter((b) => ['fake', 'vault'].includes(b.name));
      const items = parseManifests(yamlStream([...stores(urls()), ...bs.flatMap((b) => b.failing)]));
      const out = await render(items, options());
      expect(out.ok).toBe(false);
      // Named by ExternalSecret, so a failure says which failure mode leaks.
      const leaking = out.results.filter((x) => leaks(JSON.stringify(x)).length > 0).map((x) => x.resourceRef?.name);
      expect(leaking).toEqual([]);
      expect(leaks(JSON.stringify(out.results))).toEqual([]);
      expect(leaks(JSON.stringify(out.stats))).toEqual([]);
      const named = new Set(out.results.filter((x) => x.severity === 'error').map((x) => x.resourceRef?.name));
      for (const o of bs.flatMap((b) => b.failing)) expect(named).toContain(o.metadata!.name);
    });
  }

  it('policy refusals (shared sidecar): the refusal names the rule, not a value', async () => {
    const b = backends().find((x) => x.name === 'vault')!;
    const items = parseManifests(yamlStream([...stores(urls()), b.ok]));
    const out = await render(items, options({ sharedSidecar: true, context: { project: 'shop', app: 'shop-app', namespace: 'apps' }, policy: { rules: [{ name: 'no-stream-stores', match: { projects: ['shop'] }, stores: [] }] } }));
    expect(out.ok).toBe(false);
    expect(out.results.some((x) => x.severity === 'error')).toBe(true);
    expect(leaks(JSON.stringify(out.results))).toEqual([]);
  });
});


// ---- webhook: its own rows (a webhook store needs the platform's URL allowlist, a RenderConfig) -------------

const WH = backendValues('webhook');
const WH_TOKEN = canary('cred-webhook-token');
const WH_BAD_TOKEN = canary('cred-webhook-bad-token');
let wh: FakeWebhook;

/** GET /api/<key> answers the value as the body, for the right bearer token only (401 otherwise, 404 for an unknown key). */
beforeAll(async () => {
  wh = await FakeWebhook.start();
  for (const [key, value] of Object.entries(WH)) {
    wh.route('GET', `/api/${key}`, (q) => (q.headers['authorization'] === `Bearer ${WH_TOKEN}` ? { body: value, headers: { 'content-type': 'text/plain' } } : { status: 401, body: JSON.stringify({ error: 'bad token', echoed: String(q.headers['authorization']) }) }));
  }
  credential('apps', 'wh-auth', 'token', WH_TOKEN);
  credential('apps', 'wh-bad-auth', 'token', WH_BAD_TOKEN);
});
afterAll(async () => wh?.close());

function whStores(base: string): KubeObject[] {
  const st = (name: string, secret: string): KubeObject => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name, namespace: 'apps' },
    spec: { provider: { webhook: { url: `${base}/api/{{ .remoteRef.key }}`, headers: { Authorization: 'Bearer {{ .auth.token }}' }, result: {}, secrets: [{ name: 'auth', secretRef: { name: secret } }] } } },
  });
  return [st('webhook', 'wh-auth'), st('webhook-bad-token', 'wh-bad-auth')];
}

function whConfig(base: string): string[] {
  const file = path.join(dir, `webhook-${base.replace(/\W/g, '_')}.yaml`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'canary' }, spec: { webhook: { allowedURLs: [`${base}/api/`] } } }));
  return ['--config', file];
}

/** ESO's webhook provider applies no `property` (template data only): those reads succeed with the whole body. */
function whFailing(which: 'reads' | 'templates'): KubeObject[] {
  return failing({ kind: 'SecretStore', name: 'webhook' }, 'wh', which).filter((o) => !['wh-missing-property', 'wh-property-of-non-json'].includes(String(o.metadata?.name)));
}

describe.concurrent('webhook: no canary on stderr, in results, or outside the Secret (built CLI)', () => {
  for (const which of ['reads', 'templates'] as const) {
    it.each(['text', 'json'])(`failing ${which}, --log-format %s`, async (format) => {
      const objs = whFailing(which);
      const r = await cli(['render', '--log-format', format, '--deadline', '20s', ...whConfig(wh.url)], yamlStream([...whStores(wh.url), ...objs]));
      expectFailedWithoutLeaks(r, objs.map((o) => String(o.metadata!.name)));
    });
  }

  it('sealed: no canary anywhere, the unsealed Secret is the plaintext render; plain: canaries only in its data', async () => {
    const input = yamlStream([whStores(wh.url)[0]!, succeeding({ kind: 'SecretStore', name: 'webhook' }, 'wh')]);
    const cfg = whConfig(wh.url);
    const [sealed, plain, bare] = await Promise.all([
      cli(['render', '--deadline', '20s', ...cfg, ...SEALING()], input),
      cli(['render', '--deadline', '20s', ...cfg, '--platform-key-file', path.join(dir, 'platform.key')], input),
      cli(['render', '--deadline', '20s', ...cfg], input),
    ]);
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(plain.code, plain.stderr).toBe(0);
    expect(leaks(sealed.stderr)).toEqual([]);
    expect(leaks(sealed.stdout)).toEqual([]);
    const objs = parseManifests(sealed.stdout).map((i) => i.object);
    expect(objs.map((o) => o.kind)).toEqual(['SealedSecret']);
    expect(unseal(sealKeys.privateKeyPem, objs[0]!)).toEqual(parseManifests(plain.stdout).map((i) => i.object).find((o) => o.kind === 'Secret'));
    expectOnlyInSecretData(bare, canariesOf(WH));
  });

  it('a refused token (the server echoes it in a 401 body) and malformed bodies: no canary reported', async () => {
    const bad = es('cred-wh', { kind: 'SecretStore', name: 'webhook-bad-token' }, { data: [{ secretKey: 'x', remoteRef: { key: 'canary-plain' } }] });
    for (const format of ['text', 'json']) {
      const r = await cli(['render', '--log-format', format, '--deadline', '20s', ...whConfig(wh.url)], yamlStream([...whStores(wh.url), bad]));
      expectFailedWithoutLeaks(r, ['cred-wh']);
    }
    const found: string[] = [];
    for (const fault of [faults.truncated, faults.reset, () => faults.html(200)]) {
      const p = await startFaultProxy({ upstream: wh.url, plan: always(fault) });
      proxies.push(p);
      const extract = es('wh-extract', { kind: 'SecretStore', name: 'webhook' }, { dataFrom: [{ extract: { key: 'canary-json' } }] });
      const r = await cli(['render', '--log-format', 'json', '--deadline', '10s', ...whConfig(p.url)], yamlStream([...whStores(p.url), extract]));
      expect(p.faulted()).toBeGreaterThan(0);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      found.push(...leaks(r.stderr).map((l) => `${fault().kind}: ${l}`));
    }
    expect(found).toEqual([]);
  });
});

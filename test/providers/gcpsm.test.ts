// The gcpsm provider through the real @google-cloud/secret-manager client against a loopback gRPC
// Secret Manager (test/servers/gcpsm). Asserts what a user sees: values, keys, request counts, errors.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createClient } from '../../src/providers/gcpsm/index.js';
import { serviceEndpoint } from '../../src/providers/gcpsm/connection.js';
import { describeGrpcError } from '../../src/providers/gcpsm/errors.js';
import { NoSecretError, ProviderError } from '../../src/providers/types.js';
import type { SecretsClient } from '../../src/providers/types.js';
import { makeProviderContext, type TestContext } from '../helpers/provider-context.js';
import { startGsmServer, type FakeSecret, type GsmServer } from '../servers/gcpsm/server.js';
import { makeTestTls } from '../servers/tls-ca.js';

const PROJECT = 'my-project';
const PROJECT_NUMBER = '123456789012';
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const mapText = (m: Map<string, Uint8Array>) => Object.fromEntries([...m].map(([k, v]) => [k, text(v)]));

const DB_JSON = '{"user":"admin","password":"s3cr3t-db","a.b":"literal","a":{"b":"nested"},"port":5432,"ratio":1.50,"nil":null,"obj":{ "x": 1 }}';

let server: GsmServer;
let clients: SecretsClient[] = [];

function secrets(): FakeSecret[] {
  return [
    { id: 'db', labels: { env: 'prod', team: 'core' }, annotations: { owner: 'dba<team>' }, versions: [{ data: '{"user":"old"}' }, { data: DB_JSON }] },
    { id: 'plain', versions: [{ data: 'hunter2-plain' }] },
    { id: 'binary', versions: [{ data: new Uint8Array([0, 255, 1, 128]) }] },
    { id: 'empty', versions: [{ data: new Uint8Array() }] },
    { id: 'rotated', versions: [{ data: 'v1-value' }, { data: 'v2-value' }, { data: 'v3-value', state: 'DISABLED' as const }] },
    { id: 'app-one', labels: { env: 'prod' }, versions: [{ data: 'one' }] },
    { id: 'app-two', labels: { env: 'dev' }, versions: [{ data: 'two' }] },
    { id: 'app-three', labels: { env: 'prod', team: 'core' }, versions: [{ data: 'three' }] },
    { id: 'other-app-four', labels: { env: 'prod' }, versions: [{ data: 'four' }] },
    { id: 'denied', versions: [{ data: 'never-seen-value' }] },
    { id: 'db', location: 'europe-west1', labels: { env: 'prod' }, versions: [{ data: 'regional-db-value' }] },
    { id: 'app-eu', location: 'europe-west1', labels: { env: 'prod' }, versions: [{ data: 'eu' }] },
  ];
}

beforeAll(async () => {
  server = await startGsmServer({ projectId: PROJECT, projectNumber: PROJECT_NUMBER, secrets: secrets(), pageSize: 2 });
  process.env['ESO_RENDER_GCPSM_ENDPOINT'] = server.endpoint;
  process.env['ESO_RENDER_GCPSM_INSECURE'] = 'true';
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close?.()));
  clients = [];
  server.requests.length = 0;
  server.faults.length = 0;
});

afterAll(async () => {
  await server?.stop();
  delete process.env['ESO_RENDER_GCPSM_ENDPOINT'];
  delete process.env['ESO_RENDER_GCPSM_INSECURE'];
});

async function open(spec: Record<string, unknown> = { projectID: PROJECT }): Promise<{ client: SecretsClient; ctx: TestContext }> {
  const ctx = makeProviderContext({ provider: 'gcpsm', spec, kind: 'ClusterSecretStore', name: 'gcp-store' });
  const client = await createClient(ctx);
  clients.push(client);
  return { client, ctx };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('gcpsm getSecret', () => {
  it('reads the latest version by default and a pinned version on request', async () => {
    const { client, ctx } = await open();
    expect(text(await client.getSecret({ key: 'plain' }))).toBe('hunter2-plain');
    expect(text(await client.getSecret({ key: 'db', version: '1' }))).toBe('{"user":"old"}');
    expect(text(await client.getSecret({ key: 'db' }))).toBe(DB_JSON);
    expect(server.requests.map((r) => r.name)).toEqual([
      `projects/${PROJECT}/secrets/plain/versions/latest`,
      `projects/${PROJECT}/secrets/db/versions/1`,
      `projects/${PROJECT}/secrets/db/versions/latest`,
    ]);
    expect(ctx.requests).toBe(3);
  });

  it('returns binary payloads byte for byte', async () => {
    const { client } = await open();
    expect([...(await client.getSecret({ key: 'binary' }))]).toEqual([0, 255, 1, 128]);
  });

  it('accepts a full resource name as the key', async () => {
    const { client } = await open();
    expect(text(await client.getSecret({ key: `projects/${PROJECT}/secrets/plain` }))).toBe('hunter2-plain');
    expect(server.requests[0]!.name).toBe(`projects/${PROJECT}/secrets/plain/versions/latest`);
  });

  it('applies property with the literal dotted key first, then the gjson path', async () => {
    const { client } = await open();
    const get = async (property: string) => text(await client.getSecret({ key: 'db', property }));
    expect(await get('user')).toBe('admin');
    expect(await get('a.b')).toBe('literal');
    expect(await get('a')).toBe('{"b":"nested"}');
    expect(await get('port')).toBe('5432');
    expect(await get('ratio')).toBe('1.5');
    expect(await get('nil')).toBe('');
    expect(await get('obj')).toBe('{ "x": 1 }');
  });

  it('makes one request per unique secret version, whatever the number of properties', async () => {
    const { client, ctx } = await open();
    const refs = ['user', 'password', 'a.b', 'port', undefined].map((property) => (property ? { key: 'db', property } : { key: 'db' }));
    await Promise.all([...refs, ...refs].map((r) => client.getSecret(r)));
    await client.getSecretMap({ key: 'db' });
    expect(server.requests.filter((r) => r.method === 'AccessSecretVersion')).toHaveLength(1);
    expect(ctx.requests).toBe(1);
  });

  it('fails on a missing property, naming store, key and property but no value', async () => {
    const { client } = await open();
    const e = await failure(client.getSecret({ key: 'db', property: 'nope' }));
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toBe('ClusterSecretStore/gcp-store: key nope does not exist in secret db');
  });

  it('requires a JSON payload for property', async () => {
    const { client } = await open();
    const e = await failure(client.getSecret({ key: 'plain', property: 'x' }));
    expect(e.message).toContain('ClusterSecretStore/gcp-store');
    expect(e.message).toContain('plain');
    expect(e.message).not.toContain('hunter2');
  });

  it('rejects an empty payload as ESO does', async () => {
    const { client } = await open();
    const e = await failure(client.getSecret({ key: 'empty' }));
    expect(e.message).toContain('no secret string for key: empty');
  });

  it('maps NOT_FOUND to NoSecretError', async () => {
    const { client } = await open();
    await expect(client.getSecret({ key: 'missing' })).rejects.toBeInstanceOf(NoSecretError);
    await expect(client.getSecret({ key: 'db', version: '9' })).rejects.toBeInstanceOf(NoSecretError);
  });

  it('names store, key and gRPC code on PERMISSION_DENIED without the value', async () => {
    server.faults.push({ method: 'AccessSecretVersion', match: '/secrets/denied/', code: grpc.status.PERMISSION_DENIED, details: "Permission 'secretmanager.versions.access' denied" });
    const { client } = await open();
    const e = await failure(client.getSecret({ key: 'denied' }));
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toContain('ClusterSecretStore/gcp-store');
    expect(e.message).toContain('secret denied version latest');
    expect(e.message).toContain('PERMISSION_DENIED');
    expect(e.message).not.toContain('never-seen-value');
  });

  it('retries UNAVAILABLE and counts the retry', async () => {
    server.faults.push({ method: 'AccessSecretVersion', code: grpc.status.UNAVAILABLE, times: 2 });
    const { client, ctx } = await open();
    expect(text(await client.getSecret({ key: 'plain' }))).toBe('hunter2-plain');
    expect(ctx.retries).toBe(2);
    expect(ctx.requests).toBe(3);
  });

  it('gives up on UNAVAILABLE at the deadline with a retryable error', async () => {
    server.faults.push({ method: 'AccessSecretVersion', code: grpc.status.UNAVAILABLE });
    const ctx = makeProviderContext({ provider: 'gcpsm', spec: { projectID: PROJECT }, kind: 'ClusterSecretStore', name: 'gcp-store', deadlineMs: 400 });
    const client = await createClient(ctx);
    clients.push(client);
    const e = await failure(client.getSecret({ key: 'plain' }));
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).retryable).toBe(true);
    expect(e.message).toContain('UNAVAILABLE');
  });

  it('stops waiting for a slow backend when the run is aborted', async () => {
    server.delayMs = 5_000;
    try {
      const base = makeProviderContext({ provider: 'gcpsm', spec: { projectID: PROJECT }, kind: 'ClusterSecretStore', name: 'gcp-store' });
      const ac = new AbortController();
      const client = await createClient({ ...base, signal: ac.signal });
      clients.push(client);
      const started = Date.now();
      setTimeout(() => ac.abort(), 200);
      const e = await failure(client.getSecret({ key: 'plain' }));
      expect(e.message).toContain('ClusterSecretStore/gcp-store: run aborted');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      server.delayMs = 0;
    }
  });

  it('retries a call that outlives the per-request timeout (ESO_RENDER_REQUEST_TIMEOUT), within the deadline', async () => {
    server.delayMs = 2_000;
    process.env['ESO_RENDER_REQUEST_TIMEOUT'] = '300ms';
    try {
      const ctx = makeProviderContext({ provider: 'gcpsm', spec: { projectID: PROJECT }, kind: 'ClusterSecretStore', name: 'gcp-store', deadlineMs: 1_500 });
      const client = await createClient(ctx);
      clients.push(client);
      const started = Date.now();
      const e = await failure(client.getSecret({ key: 'plain' }));
      expect(e.message).toContain('DEADLINE_EXCEEDED');
      expect(ctx.requests).toBeGreaterThanOrEqual(2);
      expect(ctx.retries).toBe(ctx.requests - 1);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      delete process.env['ESO_RENDER_REQUEST_TIMEOUT'];
      server.delayMs = 0;
    }
  });

  it('names a connection failure the same way on every run (no grpc-js timestamps)', () => {
    const at = (t: string) => Object.assign(new Error('x'), { code: grpc.status.UNAVAILABLE, details: `No connection established. Last error: Error: read ECONNRESET (${t})` });
    const a = describeGrpcError(at('2026-11-27T23:59:28.123Z'));
    expect(a).toBe('UNAVAILABLE: No connection established. Last error: Error: read ECONNRESET');
    expect(describeGrpcError(at('2027-01-02T03:04:05.678Z'))).toBe(a);
  });

  it('reads a regional store under projects/<p>/locations/<l>', async () => {
    const { client } = await open({ projectID: PROJECT, location: 'europe-west1' });
    expect(text(await client.getSecret({ key: 'db' }))).toBe('regional-db-value');
    expect(server.requests[0]!.name).toBe(`projects/${PROJECT}/locations/europe-west1/secrets/db/versions/latest`);
  });
});

describe('gcpsm endpoints', () => {
  it('uses the regional endpoint for location, the override when set, and the default otherwise', () => {
    expect(serviceEndpoint({ location: 'europe-west1' }, undefined, 'x')).toEqual({ apiEndpoint: 'secretmanager.europe-west1.rep.googleapis.com', port: 443 });
    expect(serviceEndpoint({}, undefined, 'x')).toEqual({});
    expect(serviceEndpoint({ location: 'us-east1' }, '127.0.0.1:8085', 'x')).toEqual({ apiEndpoint: '127.0.0.1', port: 8085 });
    expect(() => serviceEndpoint({}, 'no-port', 'SecretStore/a/b')).toThrow('SecretStore/a/b: ESO_RENDER_GCPSM_ENDPOINT must be host:port');
  });
});

describe('gcpsm secretVersionSelectionPolicy', () => {
  it('LatestOrFail (default) fails when latest is disabled', async () => {
    const { client } = await open();
    const e = await failure(client.getSecret({ key: 'rotated' }));
    expect(e.message).toContain('FAILED_PRECONDITION');
    expect(e.message).toContain('rotated');
  });

  it('LatestOrFetch falls back to the newest enabled version', async () => {
    const { client } = await open({ projectID: PROJECT, secretVersionSelectionPolicy: 'LatestOrFetch' });
    expect(text(await client.getSecret({ key: 'rotated' }))).toBe('v2-value');
    expect(server.requests.map((r) => r.method)).toEqual(['AccessSecretVersion', 'ListSecretVersions', 'AccessSecretVersion']);
    expect(server.requests[2]!.name).toBe(`projects/${PROJECT_NUMBER}/secrets/rotated/versions/2`);
    expect(server.requests[1]!.filter).toBe('state:ENABLED');
    // A pinned version is never replaced.
    await expect(client.getSecret({ key: 'rotated', version: '3' })).rejects.toThrow(/FAILED_PRECONDITION/);
  });
});

describe('gcpsm getSecretMap (dataFrom.extract)', () => {
  it('flattens the top level with ESO raw-preserving rules', async () => {
    const { client } = await open();
    expect(mapText(await client.getSecretMap({ key: 'db' }))).toEqual({
      user: 'admin',
      password: 's3cr3t-db',
      'a.b': 'literal',
      a: '{"b":"nested"}',
      port: '5432',
      ratio: '1.50',
      nil: '',
      obj: '{ "x": 1 }',
    });
  });

  it('extracts through a property', async () => {
    const { client } = await open();
    expect(mapText(await client.getSecretMap({ key: 'db', property: 'a' }))).toEqual({ b: 'nested' });
  });

  it('fails on a payload that is not a JSON object, without quoting it', async () => {
    const { client } = await open();
    const e = await failure(client.getSecretMap({ key: 'plain' }));
    expect(e.message).toContain('ClusterSecretStore/gcp-store: secret plain');
    expect(e.message).not.toContain('hunter2');
  });
});

describe('gcpsm metadataPolicy Fetch', () => {
  it('returns labels and annotations as Go marshals them', async () => {
    const { client } = await open();
    expect(text(await client.getSecret({ key: 'db', metadataPolicy: 'Fetch' }))).toBe(
      '{"annotations":{"owner":"dba\\u003cteam\\u003e"},"labels":{"env":"prod","team":"core"}}',
    );
    expect(text(await client.getSecret({ key: 'db', metadataPolicy: 'Fetch', property: 'labels' }))).toBe('{"env":"prod","team":"core"}');
    expect(text(await client.getSecret({ key: 'db', metadataPolicy: 'Fetch', property: 'labels.env' }))).toBe('prod');
    expect(text(await client.getSecret({ key: 'db', metadataPolicy: 'Fetch', property: 'annotations.owner' }))).toBe('dba<team>');
    expect(text(await client.getSecret({ key: 'plain', metadataPolicy: 'Fetch' }))).toBe('{"annotations":null,"labels":null}');
    expect(server.requests.map((r) => r.method)).toEqual(['GetSecret', 'GetSecret']);
  });

  it('errors on unknown labels and properties', async () => {
    const { client } = await open();
    await expect(client.getSecret({ key: 'db', metadataPolicy: 'Fetch', property: 'labels.nope' })).rejects.toThrow(
      'label with key nope does not exist in secret db',
    );
    await expect(client.getSecret({ key: 'db', metadataPolicy: 'Fetch', property: 'other' })).rejects.toThrow(/metadata property should start with/);
    await expect(client.getSecret({ key: 'missing', metadataPolicy: 'Fetch' })).rejects.toBeInstanceOf(NoSecretError);
  });
});

describe('gcpsm getAllSecrets (dataFrom.find)', () => {
  it('finds by name regexp across pages and reads each match at latest', async () => {
    const { client, ctx } = await open();
    const found = await client.getAllSecrets({ name: { regexp: '^app-' } });
    expect(mapText(found)).toEqual({ 'app-one': 'one', 'app-two': 'two', 'app-three': 'three' });
    const lists = server.requests.filter((r) => r.method === 'ListSecrets');
    // 10 global secrets in pages of 2.
    expect(lists).toHaveLength(5);
    expect(lists.every((r) => r.parent === `projects/${PROJECT}` && r.filter === undefined)).toBe(true);
    expect(ctx.requests).toBe(5 + 3);
  });

  it('sends name:<path> and keeps only IDs that start with the path', async () => {
    const { client } = await open();
    const found = await client.getAllSecrets({ path: 'app', name: { regexp: '.*' } });
    expect([...found.keys()].sort()).toEqual(['app-one', 'app-three', 'app-two']);
    expect(server.requests[0]!.filter).toBe('name:app');
  });

  it('finds by labels with an AND filter under the project, even for a regional store', async () => {
    const { client } = await open({ projectID: PROJECT, location: 'europe-west1' });
    server.requests.length = 0;
    const found = await client.getAllSecrets({ tags: { team: 'core', env: 'prod' } });
    expect(server.requests[0]!.parent).toBe(`projects/${PROJECT}`);
    expect(server.requests[0]!.filter).toBe('labels.env=prod labels.team=core');
    // ESO trims names with the store's (regional) prefix, so global matches keep their full
    // name as the key (converted); eso-render reads them at that full name.
    expect(mapText(found)).toEqual({ [`projects_${PROJECT_NUMBER}_secrets_app-three`]: 'three', [`projects_${PROJECT_NUMBER}_secrets_db`]: DB_JSON });
  });

  it('finds by labels in a global store and shares reads with data refs', async () => {
    const { client, ctx } = await open();
    await client.getSecret({ key: 'app-one' });
    const found = await client.getAllSecrets({ tags: { env: 'prod' } });
    expect(Object.keys(mapText(found)).sort()).toEqual(['app-one', 'app-three', 'db', 'other-app-four']);
    const reads = server.requests.filter((r) => r.method === 'AccessSecretVersion').map((r) => r.name);
    expect(reads.filter((n) => n!.includes('/app-one/'))).toHaveLength(1);
    expect(ctx.requests).toBe(server.requests.length);
  });

  it('converts keys in the provider with the Unicode strategy', async () => {
    const { client } = await open({ projectID: PROJECT, location: 'europe-west1' });
    const found = await client.getAllSecrets({ tags: { team: 'core' }, conversionStrategy: 'Unicode' });
    expect([...found.keys()].sort()).toEqual([
      `projects_U002f_${PROJECT_NUMBER}_U002f_secrets_U002f_app-three`,
      `projects_U002f_${PROJECT_NUMBER}_U002f_secrets_U002f_db`,
    ]);
  });

  it('finds by name in a regional store under the location parent', async () => {
    const { client } = await open({ projectID: PROJECT, location: 'europe-west1' });
    const found = await client.getAllSecrets({ name: { regexp: 'eu$' } });
    expect(mapText(found)).toEqual({ 'app-eu': 'eu' });
    expect(server.requests[0]!.parent).toBe(`projects/${PROJECT}/locations/europe-west1`);
  });

  it('reports a list failure with the store and the gRPC code', async () => {
    server.faults.push({ method: 'ListSecrets', code: grpc.status.PERMISSION_DENIED, details: 'denied' });
    const { client } = await open();
    const e = await failure(client.getAllSecrets({ name: { regexp: '.*' } }));
    expect(e.message).toContain('ClusterSecretStore/gcp-store: failed to list secrets under projects/my-project');
    expect(e.message).toContain('PERMISSION_DENIED');
  });
});

describe('gcpsm service account key auth (TLS)', () => {
  let tlsServer: GsmServer;
  let dir: string;
  let saKeyJson: string;
  const email = 'renderer@my-project.iam.gserviceaccount.com';

  beforeAll(async () => {
    const tls = makeTestTls();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    saKeyJson = JSON.stringify({ type: 'service_account', project_id: PROJECT, private_key_id: 'k1', private_key: privateKey, client_email: email });
    tlsServer = await startGsmServer({
      projectId: PROJECT,
      projectNumber: PROJECT_NUMBER,
      secrets: secrets(),
      tls,
      requireServiceAccount: { clientEmail: email, publicKeyPem: publicKey },
    });
    dir = mkdtempSync(path.join(tmpdir(), 'gcpsm-ca-'));
    writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
  });

  afterAll(async () => {
    await tlsServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openTls(keyJson: string) {
    const env = process.env;
    const saved = { ...env };
    env['ESO_RENDER_GCPSM_ENDPOINT'] = `localhost:${tlsServer.port}`; // TLS server names may not be IPs
    delete env['ESO_RENDER_GCPSM_INSECURE'];
    env['ESO_RENDER_GCPSM_CA_FILE'] = path.join(dir, 'ca.pem');
    try {
      const ctx = makeProviderContext({
        provider: 'gcpsm',
        kind: 'ClusterSecretStore',
        name: 'gcp-sa',
        spec: { projectID: PROJECT, auth: { secretRef: { secretAccessKeySecretRef: { name: 'gcp-sa', key: 'key.json', namespace: 'platform' } } } },
        credentials: { 'platform/gcp-sa/key.json': keyJson },
      });
      const client = await createClient(ctx);
      clients.push(client);
      return client;
    } finally {
      process.env = saved;
    }
  }

  it('signs each request with the service account key from the credential resolver', async () => {
    const client = await openTls(saKeyJson);
    expect(text(await client.getSecret({ key: 'plain' }))).toBe('hunter2-plain');
    expect(tlsServer.requests[0]!.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('is refused by the service with another key, and says so without the key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const client = await openTls(JSON.stringify({ type: 'service_account', private_key: other.privateKey, client_email: email }));
    const e = await failure(client.getSecret({ key: 'plain' }));
    expect(e.message).toContain('UNAUTHENTICATED');
    expect(e.message).not.toContain('PRIVATE KEY');
  });

  it('uses Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS) when the store has no auth block', async () => {
    const keyFile = path.join(dir, 'adc.json');
    writeFileSync(keyFile, saKeyJson);
    const saved = { ...process.env };
    process.env['ESO_RENDER_GCPSM_ENDPOINT'] = `localhost:${tlsServer.port}`;
    delete process.env['ESO_RENDER_GCPSM_INSECURE'];
    process.env['ESO_RENDER_GCPSM_CA_FILE'] = path.join(dir, 'ca.pem');
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = keyFile;
    try {
      const ctx = makeProviderContext({ provider: 'gcpsm', kind: 'ClusterSecretStore', name: 'gcp-adc', spec: { projectID: PROJECT } });
      const client = await createClient(ctx);
      clients.push(client);
      expect(text(await client.getSecret({ key: 'plain' }))).toBe('hunter2-plain');
      expect(tlsServer.requests.at(-1)!.authorization).toMatch(/^Bearer /);
    } finally {
      process.env = saved;
    }
  });

  it('rejects a credential that is not a service account key without echoing it', async () => {
    const e = await failure(openTls('{"not":"a key","secret":"leak-me"}'));
    expect(e.message).toContain('failed to process the provided JSON credentials in gcp-sa/key.json');
    expect(e.message).not.toContain('leak-me');
  });
});

// The aws provider's Parameter Store reads, against a real moto_server driven by the real SDK v3;
// provider traffic goes through a recording proxy named by AWS_ENDPOINT_URL_SSM.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AddTagsToResourceCommand, LabelParameterVersionCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createClient } from '../../src/providers/aws/index.js';
import { NoSecretError, ProviderError, type SecretsClient } from '../../src/providers/types.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { accessDenied, startAwsProxy, type AwsProxy } from '../helpers/aws-proxy.js';
import { makeProviderContext, type TestContext } from '../helpers/provider-context.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'AKIAENVDEFAULTCHAIN1';
process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
delete process.env.AWS_PROFILE;

let moto: Moto;
let proxy: AwsProxy;
let seed: SSMClient;

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startAwsProxy(moto.url);
  process.env.AWS_ENDPOINT_URL = moto.url;
  process.env.AWS_ENDPOINT_URL_SSM = proxy.url;
  seed = new SSMClient({ region: 'eu-west-1', endpoint: moto.url, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
});

afterAll(async () => {
  seed?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  proxy.clear();
  proxy.intercept = undefined;
});

async function put(name: string, value: string, opts: { secure?: boolean; tags?: Record<string, string>; overwrite?: boolean } = {}) {
  await seed.send(
    new PutParameterCommand({
      Name: name,
      Value: value,
      Type: opts.secure ? 'SecureString' : 'String',
      ...(opts.overwrite ? { Overwrite: true } : {}),
    }),
  );
  if (opts.tags) {
    await seed.send(
      new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: name, Tags: Object.entries(opts.tags).map(([Key, Value]) => ({ Key, Value })) }),
    );
  }
}

function store(spec: Record<string, unknown> = {}): TestContext {
  return makeProviderContext({ provider: 'aws', kind: 'ClusterSecretStore', name: 'ssm', spec: { service: 'ParameterStore', region: 'eu-west-1', ...spec } });
}

async function client(ctx: TestContext): Promise<SecretsClient> {
  return createClient(ctx);
}

describe('Parameter Store: reads', () => {
  it('reads String and SecureString (decrypted) parameters, with the store prefix', async () => {
    await put('/app/prod/db-password', 'pw-123', { secure: true });
    await put('/app/prod/url', 'https://db');
    const c = await client(store());
    expect(text(await c.getSecret({ key: '/app/prod/db-password' }))).toBe('pw-123');
    const prefixed = await client(store({ prefix: '/app/prod/' }));
    expect(text(await prefixed.getSecret({ key: 'url' }))).toBe('https://db');
  });

  it('reads name:version and name:label', async () => {
    await put('/v', 'one');
    await put('/v', 'two', { overwrite: true });
    await put('/v', 'three', { overwrite: true });
    await seed.send(new LabelParameterVersionCommand({ Name: '/v', ParameterVersion: 2, Labels: ['stable'] }));
    const c = await client(store());
    expect(text(await c.getSecret({ key: '/v' }))).toBe('three');
    expect(text(await c.getSecret({ key: '/v', version: '1' }))).toBe('one');
    expect(text(await c.getSecret({ key: '/v', version: 'stable' }))).toBe('two');
    const sent = proxy.seen.filter((s) => s.op === 'AmazonSSM.GetParameter').map((s) => JSON.parse(s.body).Name);
    expect(sent).toEqual(expect.arrayContaining(['/v', '/v:1', '/v:stable']));
  });

  it('applies property (dotted key first) and extract', async () => {
    await put('/json', '{"a.b":"lit","a":{"b":"deep"},"n":10,"x":null}');
    const c = await client(store());
    expect(text(await c.getSecret({ key: '/json', property: 'a.b' }))).toBe('lit');
    expect(text(await c.getSecret({ key: '/json', property: 'a' }))).toBe('{"b":"deep"}');
    const m = await c.getSecretMap({ key: '/json' });
    expect(Object.fromEntries([...m].map(([k, v]) => [k, text(v)]))).toEqual({ 'a.b': 'lit', a: '{"b":"deep"}', n: '10', x: '' });
    await expect(c.getSecret({ key: '/json', property: 'zz' })).rejects.toThrow('key zz does not exist in secret /json (ClusterSecretStore/ssm (region eu-west-1))');
  });

  it('reports a missing parameter as NoSecretError', async () => {
    const c = await client(store());
    const err = await c.getSecret({ key: '/missing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSecretError);
    expect((err as NoSecretError).detail).toBe('parameter "/missing" not found in ClusterSecretStore/ssm (region eu-west-1)');
  });

  it('metadataPolicy Fetch returns the tags as JSON', async () => {
    await put('/tagged', 'v', { tags: { owner: 'team-a', tier: '1' } });
    const c = await client(store());
    expect(text(await c.getSecret({ key: '/tagged', metadataPolicy: 'Fetch' }))).toBe('{"owner":"team-a","tier":"1"}');
    expect(text(await c.getSecret({ key: '/tagged', metadataPolicy: 'Fetch', property: 'owner' }))).toBe('team-a');
  });
});

describe('Parameter Store: batching', () => {
  it('prefetches 25 names with 3 GetParameters calls; InvalidParameters become NoSecretError for the ref that asked', async () => {
    for (let i = 0; i < 24; i++) await put(`/batch/p${i}`, `v${i}`, { secure: i % 2 === 0 });
    const ctx = store();
    const c = await client(ctx);
    const refs = Array.from({ length: 24 }, (_, i) => ({ key: `/batch/p${i}` }));
    await c.prefetch!([...refs, { key: '/batch/absent' }, ...refs]);
    expect((await Promise.all(refs.map((r) => c.getSecret(r)))).map(text)).toEqual(refs.map((_, i) => `v${i}`));
    await expect(c.getSecret({ key: '/batch/absent' })).rejects.toBeInstanceOf(NoSecretError);
    expect(proxy.ops()).toEqual(['AmazonSSM.GetParameters', 'AmazonSSM.GetParameters', 'AmazonSSM.GetParameters']);
    expect(ctx.requests).toBe(3);
    for (const s of proxy.seen) expect(JSON.parse(s.body).WithDecryption).toBe(true);
  });

  it('batches versioned names too; a missing version is left to GetParameter', async () => {
    await put('/bv', 'one');
    await put('/bv', 'two', { overwrite: true });
    await put('/x', 'x');
    const c = await client(store());
    await c.prefetch!([{ key: '/bv', version: '1' }, { key: '/x' }, { key: '/bv', version: '9' }]);
    expect(text(await c.getSecret({ key: '/bv', version: '1' }))).toBe('one');
    expect(text(await c.getSecret({ key: '/x' }))).toBe('x');
    const err = await c.getSecret({ key: '/bv', version: '9' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).not.toBeInstanceOf(NoSecretError);
    expect((err as Error).message).toMatch(/ParameterVersionNotFound/);
    expect(proxy.ops()).toEqual(['AmazonSSM.GetParameters', 'AmazonSSM.GetParameter']);
  });

  it('never mixes up two versions of one name in a batch', async () => {
    await put('/bv', 'one');
    await put('/bv', 'two', { overwrite: true });
    const c = await client(store());
    await c.prefetch!([{ key: '/bv', version: '1' }, { key: '/bv' }, { key: '/bv', version: '2' }]);
    expect(text(await c.getSecret({ key: '/bv' }))).toBe('two');
    expect(text(await c.getSecret({ key: '/bv', version: '1' }))).toBe('one');
    expect(text(await c.getSecret({ key: '/bv', version: '2' }))).toBe('two');
  });

  it('falls back to GetParameter when GetParameters is denied', async () => {
    for (let i = 0; i < 12; i++) await put(`/d/p${i}`, `v${i}`);
    proxy.intercept = (op) => (op === 'AmazonSSM.GetParameters' ? accessDenied('ssm:GetParameters') : undefined);
    const ctx = store();
    const c = await client(ctx);
    const refs = Array.from({ length: 12 }, (_, i) => ({ key: `/d/p${i}` }));
    await c.prefetch!(refs);
    expect((await Promise.all(refs.map((r) => c.getSecret(r)))).map(text)).toEqual(refs.map((_, i) => `v${i}`));
    expect(proxy.ops().filter((o) => o === 'AmazonSSM.GetParameters')).toHaveLength(1);
    expect(ctx.requests).toBe(13);
  });
});

describe('Parameter Store: find', () => {
  beforeEach(async () => {
    await put('/app/prod/db', 'db', { tags: { env: 'prod' } });
    await put('/app/prod/nested/api', 'api', { secure: true, tags: { env: 'prod', team: 'x' } });
    await put('/app/dev/db', 'dev', { tags: { env: 'dev' } });
    await put('/other/prod/db', 'other', { tags: { env: 'prod' } });
  });

  const keys = (m: Map<string, Uint8Array>) => [...m.keys()].sort();

  it('by name regexp under a path (GetParametersByPath, recursive, paginated)', async () => {
    for (let i = 0; i < 15; i++) await put(`/app/prod/many/m${i}`, `m${i}`);
    const c = await client(store());
    const m = await c.getAllSecrets({ path: '/app/prod', name: { regexp: '(db|api|m1[0-4])$' } });
    expect(keys(m)).toEqual(['/app/prod/db', '/app/prod/many/m10', '/app/prod/many/m11', '/app/prod/many/m12', '/app/prod/many/m13', '/app/prod/many/m14', '/app/prod/nested/api']);
    expect(text(m.get('/app/prod/nested/api')!)).toBe('api');
    const calls = proxy.seen.filter((s) => s.op === 'AmazonSSM.GetParametersByPath');
    expect(calls.length).toBeGreaterThan(1);
    expect(JSON.parse(calls[0]!.body)).toMatchObject({ Path: '/app/prod', Recursive: true, WithDecryption: true });
  });

  it('by name regexp without a path searches from /', async () => {
    const c = await client(store());
    expect(keys(await c.getAllSecrets({ name: { regexp: '/db$' } }))).toEqual(['/app/dev/db', '/app/prod/db', '/other/prod/db']);
  });

  it('by tags (DescribeParameters), with and without a path; values read in batches', async () => {
    const c = await client(store());
    const all = await c.getAllSecrets({ tags: { env: 'prod' } });
    expect(keys(all)).toEqual(['/app/prod/db', '/app/prod/nested/api', '/other/prod/db']);
    expect(text(all.get('/app/prod/nested/api')!)).toBe('api');
    expect(keys(await c.getAllSecrets({ tags: { env: 'prod' }, path: '/app' }))).toEqual(['/app/prod/db', '/app/prod/nested/api']);
    expect(proxy.ops()).not.toContain('AmazonSSM.GetParameter');
  });

  it('falls back to DescribeParameters when GetParametersByPath is denied', async () => {
    proxy.intercept = (op) => (op === 'AmazonSSM.GetParametersByPath' ? accessDenied('ssm:GetParametersByPath') : undefined);
    const c = await client(store());
    const m = await c.getAllSecrets({ path: '/app', name: { regexp: 'db$' } });
    expect(keys(m)).toEqual(['/app/dev/db', '/app/prod/db']);
    expect(text(m.get('/app/dev/db')!)).toBe('dev');
    expect(proxy.ops()).toContain('AmazonSSM.DescribeParameters');
  });
});

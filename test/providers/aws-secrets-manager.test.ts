// The aws provider's Secrets Manager reads, against a real moto_server driven by the real SDK v3.
// Traffic from the provider goes through a recording loopback proxy (AWS_ENDPOINT_URL_SECRETS_MANAGER),
// which proves the SDK honours the standard endpoint variable and lets tests see every request.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createClient } from '../../src/providers/aws/index.js';
import { NoSecretError, ProviderError, type SecretsClient } from '../../src/providers/types.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { accessDenied, startAwsProxy, throttled, type AwsProxy } from '../helpers/aws-proxy.js';
import { makeProviderContext, type TestContext } from '../helpers/provider-context.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'AKIAENVDEFAULTCHAIN1';
process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
delete process.env.AWS_PROFILE;

let moto: Moto;
let proxy: AwsProxy;
let seed: SecretsManagerClient;

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startAwsProxy(moto.url);
  process.env.AWS_ENDPOINT_URL = moto.url;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = proxy.url;
  seed = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
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

async function put(name: string, value: string | Uint8Array, tags: Record<string, string> = {}): Promise<string> {
  const out = await seed.send(
    new CreateSecretCommand({
      Name: name,
      ...(typeof value === 'string' ? { SecretString: value } : { SecretBinary: value }),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  return out.ARN!;
}

function store(spec: Record<string, unknown> = {}, opts: Partial<Parameters<typeof makeProviderContext>[0]> = {}): TestContext {
  return makeProviderContext({ provider: 'aws', spec: { service: 'SecretsManager', region: 'us-east-1', ...spec }, ...opts });
}

async function client(ctx: TestContext): Promise<SecretsClient> {
  return createClient(ctx);
}

describe('Secrets Manager: single reads', () => {
  it('reads a secret by name, by ARN and through the store prefix', async () => {
    const arn = await put('prod/db', '{"user":"admin","password":"s3cr3t"}');
    const c = await client(store());
    expect(text(await c.getSecret({ key: 'prod/db' }))).toBe('{"user":"admin","password":"s3cr3t"}');
    expect(text(await c.getSecret({ key: arn, property: 'user' }))).toBe('admin');
    const prefixed = await client(store({ prefix: 'prod/' }));
    expect(text(await prefixed.getSecret({ key: 'db', property: 'password' }))).toBe('s3cr3t');
  });

  it('applies property with gjson semantics, literal dotted keys first', async () => {
    await put(
      'app',
      '{"a.b":"literal","a":{"b":"nested","c":[1,2]},"n":1.50,"big":12345678901234567890,"t":true,"nul":null,"obj":{ "x" : 1 }}',
    );
    const c = await client(store());
    expect(text(await c.getSecret({ key: 'app', property: 'a.b' }))).toBe('literal');
    expect(text(await c.getSecret({ key: 'app', property: 'a.c' }))).toBe('[1,2]');
    expect(text(await c.getSecret({ key: 'app', property: 'a.c.1' }))).toBe('2');
    expect(text(await c.getSecret({ key: 'app', property: 'n' }))).toBe('1.5');
    expect(text(await c.getSecret({ key: 'app', property: 't' }))).toBe('true');
    expect(text(await c.getSecret({ key: 'app', property: 'nul' }))).toBe('');
    expect(text(await c.getSecret({ key: 'app', property: 'obj' }))).toBe('{ "x" : 1 }');
    const err = await c.getSecret({ key: 'app', property: 'missing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).not.toBeInstanceOf(NoSecretError);
    expect((err as Error).message).toBe('key missing does not exist in secret app (SecretStore/default/test-store (region us-east-1))');
    // One backend read served every property of the same key.
    expect(proxy.ops().filter((o) => o === 'secretsmanager.GetSecretValue')).toHaveLength(1);
  });

  it('returns SecretBinary bytes untouched, and reads properties from binary JSON', async () => {
    await put('bin', new Uint8Array([0, 1, 2, 0xff, 0xfe]));
    await put('binjson', Buffer.from('{"k":"from-binary"}'));
    const c = await client(store());
    expect([...(await c.getSecret({ key: 'bin' }))]).toEqual([0, 1, 2, 0xff, 0xfe]);
    expect(text(await c.getSecret({ key: 'binjson', property: 'k' }))).toBe('from-binary');
  });

  it('selects versions: default AWSCURRENT, AWSPREVIOUS, a custom stage, uuid/<VersionId>', async () => {
    await put('rotating', 'v1');
    const v2 = await seed.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v2' }));
    const v3 = await seed.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v3', VersionStages: ['BLUE'] }));
    const c = await client(store());
    expect(text(await c.getSecret({ key: 'rotating' }))).toBe('v2');
    expect(text(await c.getSecret({ key: 'rotating', version: 'AWSCURRENT' }))).toBe('v2');
    expect(text(await c.getSecret({ key: 'rotating', version: 'AWSPREVIOUS' }))).toBe('v1');
    expect(text(await c.getSecret({ key: 'rotating', version: 'BLUE' }))).toBe('v3');
    expect(text(await c.getSecret({ key: 'rotating', version: `uuid/${v2.VersionId}` }))).toBe('v2');
    expect(text(await c.getSecret({ key: 'rotating', version: `uuid/${v3.VersionId}` }))).toBe('v3');
    const sent = proxy.seen.filter((s) => s.op === 'secretsmanager.GetSecretValue').map((s) => JSON.parse(s.body));
    expect(sent).toContainEqual({ SecretId: 'rotating', VersionId: v2.VersionId });
    expect(sent).toContainEqual({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' });
    // '' and AWSCURRENT are the same read.
    expect(sent.filter((b) => b.VersionStage === 'AWSCURRENT')).toHaveLength(1);
  });

  it('reports a missing secret as NoSecretError naming key, store and region', async () => {
    const c = await client(store({ prefix: 'team/' }));
    const err = await c.getSecret({ key: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSecretError);
    expect((err as NoSecretError).detail).toBe('secret "team/nope" not found in SecretStore/default/test-store (region us-east-1)');
  });

  it('flattens extract like ESO (raw numbers, nested JSON as text, null empty) and never echoes a bad value', async () => {
    await put('cfg', '{"host":"db.local","port":5432,"ratio":1.50,"tls":{"on":true},"none":null}');
    await put('notjson', 'hunter2-not-json');
    const c = await client(store());
    const m = await c.getSecretMap({ key: 'cfg' });
    expect(Object.fromEntries([...m].map(([k, v]) => [k, text(v)]))).toEqual({
      host: 'db.local',
      port: '5432',
      ratio: '1.50',
      tls: '{"on":true}',
      none: '',
    });
    const err = (await c.getSecretMap({ key: 'notjson' }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^unable to unmarshal secret notjson/);
    expect(err.message).not.toContain('hunter2');
  });

  it('metadataPolicy Fetch returns the tags as JSON (DescribeSecret), property picks one', async () => {
    await put('tagged', 'value', { team: 'payments', 'cost-center': '<42>' });
    const c = await client(store());
    expect(text(await c.getSecret({ key: 'tagged', metadataPolicy: 'Fetch' }))).toBe('{"cost-center":"\\u003c42\\u003e","team":"payments"}');
    expect(text(await c.getSecret({ key: 'tagged', metadataPolicy: 'Fetch', property: 'team' }))).toBe('payments');
    expect(proxy.ops()).toContain('secretsmanager.DescribeSecret');
    expect(proxy.ops()).not.toContain('secretsmanager.GetSecretValue');
  });
});

describe('Secrets Manager: endpoints', () => {
  it("honours ESO's own AWS_SECRETSMANAGER_ENDPOINT over the standard variables", async () => {
    await put('e', 'ev');
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = moto.url;
    process.env.AWS_SECRETSMANAGER_ENDPOINT = proxy.url;
    try {
      const c = await client(store());
      expect(text(await c.getSecret({ key: 'e' }))).toBe('ev');
      expect(proxy.ops()).toEqual(['secretsmanager.GetSecretValue']);
    } finally {
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = proxy.url;
      delete process.env.AWS_SECRETSMANAGER_ENDPOINT;
    }
  });
});

describe('Secrets Manager: find', () => {
  beforeEach(async () => {
    await put('app/prod/db', '{"u":"p"}', { env: 'prod', team: 'a' });
    await put('app/prod/api', 'api-key', { env: 'prod', team: 'b' });
    await put('app/dev/db', 'dev-db', { env: 'dev', team: 'a' });
    await put('other/prod/x', 'x', { env: 'prod' });
    await put('app/prod/bin', new Uint8Array([9, 0, 9]), { env: 'prod' });
  });

  const keys = (m: Map<string, Uint8Array>) => [...m.keys()].sort();

  it('by name regexp (ListSecrets, then the matches batched)', async () => {
    const c = await client(store());
    const m = await c.getAllSecrets({ name: { regexp: '^app/prod/' } });
    expect(keys(m)).toEqual(['app/prod/api', 'app/prod/bin', 'app/prod/db']);
    expect(text(m.get('app/prod/db')!)).toBe('{"u":"p"}');
    expect([...m.get('app/prod/bin')!]).toEqual([9, 0, 9]);
    expect(proxy.ops()).toEqual(['secretsmanager.ListSecrets', 'secretsmanager.BatchGetSecretValue']);
  });

  it('by name + path (BatchGetSecretValue name filter, a prefix match, then the regexp)', async () => {
    const c = await client(store());
    const m = await c.getAllSecrets({ path: 'app/', name: { regexp: 'db$' } });
    expect(keys(m)).toEqual(['app/dev/db', 'app/prod/db']);
    const batch = proxy.seen.find((s) => s.op === 'secretsmanager.BatchGetSecretValue')!;
    expect(JSON.parse(batch.body).Filters).toEqual([{ Key: 'name', Values: ['app/'] }]);
  });

  it('by tags, and by tags + path', async () => {
    const c = await client(store());
    expect(keys(await c.getAllSecrets({ tags: { env: 'prod' } }))).toEqual(['app/prod/api', 'app/prod/bin', 'app/prod/db', 'other/prod/x']);
    expect(keys(await c.getAllSecrets({ tags: { env: 'prod', team: 'a' } }))).toEqual(['app/prod/db']);
    expect(keys(await c.getAllSecrets({ tags: { env: 'prod' }, path: 'app/' }))).toEqual(['app/prod/api', 'app/prod/bin', 'app/prod/db']);
  });

  it('rejects a find with neither name nor tags', async () => {
    const c = await client(store());
    await expect(c.getAllSecrets({ path: 'app/' })).rejects.toThrow(/unexpected find operator/);
  });
});

describe('Secrets Manager: batching', () => {
  it('serves 100 ExternalSecrets over 40 secrets with 2 BatchGetSecretValue calls, errors mapped per ref', async () => {
    for (let i = 0; i < 40; i++) await put(`svc/${i}`, JSON.stringify({ user: `u${i}`, password: `p${i}` }));
    const ctx = store();
    const c = await client(ctx);
    // 100 ExternalSecrets, each reading user + password of one of the 40 secrets: the engine dedupes to key+property.
    const refs = Array.from({ length: 100 }, (_, i) => i % 40).flatMap((i) => [
      { key: `svc/${i}`, property: 'user' },
      { key: `svc/${i}`, property: 'password' },
    ]);
    await c.prefetch!([...refs, { key: 'svc/missing' }]);
    const values = await Promise.all(refs.map((r) => c.getSecret(r)));
    expect(values.map(text).slice(0, 4)).toEqual(['u0', 'p0', 'u1', 'p1']);
    expect(text(values[2 * 99 + 1]!)).toBe('p19');
    const missing = await c.getSecret({ key: 'svc/missing' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NoSecretError);
    expect(proxy.ops()).toEqual(['secretsmanager.BatchGetSecretValue', 'secretsmanager.BatchGetSecretValue', 'secretsmanager.BatchGetSecretValue']);
    expect(ctx.requests).toBe(3);
    // 41 distinct ids: 20 + 20 + 1 (the last two batches are in flight together, in either order).
    expect(proxy.seen.map((s) => JSON.parse(s.body).SecretIdList.length).sort((a: number, b: number) => b - a)).toEqual([20, 20, 1]);
  });

  it('exactly 40 secrets take exactly 2 batch calls', async () => {
    for (let i = 0; i < 40; i++) await put(`s${i}`, `v${i}`);
    const ctx = store();
    const c = await client(ctx);
    const refs = Array.from({ length: 100 }, (_, i) => ({ key: `s${i % 40}` }));
    await c.prefetch!(refs);
    const values = await Promise.all(refs.map((r) => c.getSecret(r)));
    expect(values.map(text)[57]).toBe('v17');
    expect(ctx.requests).toBe(2);
    expect(proxy.ops()).toEqual(['secretsmanager.BatchGetSecretValue', 'secretsmanager.BatchGetSecretValue']);
  });

  it('keeps versions and metadata reads out of the batch', async () => {
    await put('a', 'current');
    await seed.send(new PutSecretValueCommand({ SecretId: 'a', SecretString: 'newer' }));
    const c = await client(store());
    await c.prefetch!([{ key: 'a' }, { key: 'a', version: 'AWSPREVIOUS' }, { key: 'a', metadataPolicy: 'Fetch' }]);
    expect(text(await c.getSecret({ key: 'a' }))).toBe('newer');
    expect(text(await c.getSecret({ key: 'a', version: 'AWSPREVIOUS' }))).toBe('current');
    expect(proxy.ops().sort()).toEqual(['secretsmanager.BatchGetSecretValue', 'secretsmanager.GetSecretValue']);
  });

  it('falls back to GetSecretValue once when BatchGetSecretValue is denied (AWS-shaped AccessDeniedException)', async () => {
    for (let i = 0; i < 45; i++) await put(`d${i}`, `v${i}`);
    proxy.intercept = (op) => (op === 'secretsmanager.BatchGetSecretValue' ? accessDenied('secretsmanager:BatchGetSecretValue') : undefined);
    const ctx = store();
    const c = await client(ctx);
    const refs = Array.from({ length: 45 }, (_, i) => ({ key: `d${i}` }));
    await c.prefetch!([...refs, { key: 'gone' }]);
    const values = await Promise.all(refs.map((r) => c.getSecret(r)));
    expect(values.map(text)).toEqual(refs.map((_, i) => `v${i}`));
    await expect(c.getSecret({ key: 'gone' })).rejects.toBeInstanceOf(NoSecretError);
    const ops = proxy.ops();
    expect(ops.filter((o) => o === 'secretsmanager.BatchGetSecretValue')).toHaveLength(1);
    expect(ops.filter((o) => o === 'secretsmanager.GetSecretValue')).toHaveLength(46);
    expect(ctx.requests).toBe(47);
    // A later find by tags uses ListSecrets instead of the denied batch call.
    const found = await c.getAllSecrets({ name: { regexp: '^d1$' }, path: 'd' });
    expect([...found.keys()]).toEqual(['d1']);
    expect(proxy.ops().filter((o) => o === 'secretsmanager.BatchGetSecretValue')).toHaveLength(1);
  });

  it('a denied find by tags lists with the same filters instead, and later reads do not try the batch again', async () => {
    await put('f/a', 'va', { env: 'prod' });
    await put('f/b', 'vb', { env: 'dev' });
    proxy.intercept = (op) => (op === 'secretsmanager.BatchGetSecretValue' ? accessDenied('secretsmanager:BatchGetSecretValue') : undefined);
    const c = await client(store());
    const found = await c.getAllSecrets({ tags: { env: 'prod' } });
    expect(Object.fromEntries([...found].map(([k, v]) => [k, text(v)]))).toEqual({ 'f/a': 'va' });
    const list = proxy.seen.find((s) => s.op === 'secretsmanager.ListSecrets')!;
    expect(JSON.parse(list.body).Filters).toEqual([
      { Key: 'tag-key', Values: ['env'] },
      { Key: 'tag-value', Values: ['prod'] },
    ]);
    await c.prefetch!([{ key: 'f/b' }]);
    expect(text(await c.getSecret({ key: 'f/b' }))).toBe('vb');
    expect(proxy.ops().filter((o) => o === 'secretsmanager.BatchGetSecretValue')).toHaveLength(1);
  });

  it('retries throttling with jittered backoff, counting every request and retry', async () => {
    await put('t', 'tv');
    let throttles = 2;
    proxy.intercept = (op) => (op === 'secretsmanager.GetSecretValue' && throttles-- > 0 ? throttled() : undefined);
    const ctx = store();
    const c = await client(ctx);
    expect(text(await c.getSecret({ key: 't' }))).toBe('tv');
    expect(ctx.requests).toBe(3);
    expect(ctx.retries).toBe(2);
  });

  it('does not retry past the deadline', async () => {
    await put('t', 'tv');
    proxy.intercept = (op) => (op === 'secretsmanager.GetSecretValue' ? throttled() : undefined);
    const ctx = store({}, { deadlineMs: 150 });
    const c = await client(ctx);
    const started = Date.now();
    const err = (await c.getSecret({ key: 't' }).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    // Throttled until the deadline, or (on a slow machine, where the first answer itself comes late) cut
    // off by it: either way the run stops at the deadline instead of retrying on.
    expect(err.message).toMatch(/ThrottlingException|before the run's deadline/);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(ctx.requests).toBeLessThan(5);
  });
});

describe('Secrets Manager: denial enforced by moto IAM', () => {
  it('the least-privilege policy of ESO docs (GetSecretValue + DescribeSecret) makes the run fall back, not fail', async () => {
    // A second moto that enforces IAM after the setup actions below (INITIAL_NO_AUTH_ACTION_COUNT).
    const setupActions = 3 + 3;
    const iamMoto = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: String(setupActions) });
    try {
      const admin = new SecretsManagerClient({ region: 'us-east-1', endpoint: iamMoto.url, credentials: { accessKeyId: 'admin', secretAccessKey: 'admin' } });
      for (let i = 0; i < 3; i++) await admin.send(new CreateSecretCommand({ Name: `lp/${i}`, SecretString: `v${i}` }));
      admin.destroy();
      const iam = async (params: Record<string, string>) => {
        const r = await fetch(`${iamMoto.url}/`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: 'AWS4-HMAC-SHA256 Credential=admin/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
          },
          body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
        });
        return r.text();
      };
      await iam({ Action: 'CreateUser', UserName: 'eso' });
      const policy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: '*' }],
      };
      await iam({ Action: 'PutUserPolicy', UserName: 'eso', PolicyName: 'eso-least-privilege', PolicyDocument: JSON.stringify(policy) });
      const key = await iam({ Action: 'CreateAccessKey', UserName: 'eso' });
      const id = /<AccessKeyId>(.*?)</.exec(key)![1]!;
      const secret = /<SecretAccessKey>(.*?)</.exec(key)![1]!;
      const ctx = makeProviderContext({
        provider: 'aws',
        spec: {
          service: 'SecretsManager',
          region: 'us-east-1',
          auth: {
            secretRef: {
              accessKeyIDSecretRef: { name: 'aws-creds', key: 'id' },
              secretAccessKeySecretRef: { name: 'aws-creds', key: 'secret' },
            },
          },
        },
        credentials: { 'default/aws-creds/id': id, 'default/aws-creds/secret': secret },
      });
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = iamMoto.url;
      try {
        const c = await createClient(ctx);
        const refs = [0, 1, 2].map((i) => ({ key: `lp/${i}` }));
        await c.prefetch!(refs);
        expect((await Promise.all(refs.map((r) => c.getSecret(r)))).map(text)).toEqual(['v0', 'v1', 'v2']);
        // One denied batch call, then three single reads.
        expect(ctx.requests).toBe(4);
      } finally {
        process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = proxy.url;
      }
    } finally {
      await iamMoto.stop();
    }
  });
});

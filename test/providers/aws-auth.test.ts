// How the aws provider authenticates, against moto's STS with the real SDK. A recording proxy in front
// of moto (AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_SECRETS_MANAGER) shows which key signed each request,
// so a test can follow the chain: default or secretRef credentials → STS → the key that reads the secret.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createClient, validateStore } from '../../src/providers/aws/index.js';
import { ProviderError } from '../../src/providers/types.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { startAwsProxy, type AwsProxy, type Seen } from '../helpers/aws-proxy.js';
import { makeProviderContext } from '../helpers/provider-context.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'AKIAENVDEFAULTCHAIN1';
process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
delete process.env.AWS_PROFILE;
delete process.env.AWS_ROLE_ARN;

let moto: Moto;
let proxy: AwsProxy;
const tmp = mkdtempSync(join(tmpdir(), 'eso-render-aws-auth-'));

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startAwsProxy(moto.url);
  process.env.AWS_ENDPOINT_URL = moto.url;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = proxy.url;
  process.env.AWS_ENDPOINT_URL_STS = proxy.url;
});

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  proxy.clear();
  delete process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
  const seed = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
  await seed.send(new CreateSecretCommand({ Name: 'db', SecretString: '{"password":"pw"}' }));
  seed.destroy();
});

const form = (s: Seen) => new URLSearchParams(s.body);
/** The access key id STS handed out in a recorded response. */
const issuedKey = (s: Seen) => /<AccessKeyId>(.*?)<\/AccessKeyId>/.exec(s.responseBody)?.[1];
const smReads = () => proxy.seen.filter((s) => s.op.startsWith('secretsmanager.'));
const stsCalls = () => proxy.seen.filter((s) => s.op.startsWith('AssumeRole'));

const base = { service: 'SecretsManager', region: 'us-east-1' };

describe('aws auth', () => {
  it('uses the SDK default chain when the store has no auth (here: environment variables)', async () => {
    const ctx = makeProviderContext({ provider: 'aws', spec: base });
    const c = await createClient(ctx);
    expect(text(await c.getSecret({ key: 'db', property: 'password' }))).toBe('pw');
    expect(smReads().map((s) => s.accessKeyId)).toEqual(['AKIAENVDEFAULTCHAIN1']);
    expect(stsCalls()).toHaveLength(0);
  });

  it('auth.secretRef: keys come from the credential resolver', async () => {
    const ctx = makeProviderContext({
      provider: 'aws',
      namespace: 'team-a',
      spec: {
        ...base,
        auth: {
          secretRef: {
            accessKeyIDSecretRef: { name: 'aws', key: 'id' },
            secretAccessKeySecretRef: { name: 'aws', key: 'secret' },
            sessionTokenSecretRef: { name: 'aws', key: 'token' },
          },
        },
      },
      credentials: { 'team-a/aws/id': 'AKIAFROMSECRETREF001', 'team-a/aws/secret': 'shh', 'team-a/aws/token': 'tok' },
    });
    const c = await createClient(ctx);
    expect(text(await c.getSecret({ key: 'db' }))).toBe('{"password":"pw"}');
    expect(smReads().map((s) => s.accessKeyId)).toEqual(['AKIAFROMSECRETREF001']);
  });

  it('auth.secretRef naming a missing Secret fails with the reference, not a value', async () => {
    const ctx = makeProviderContext({
      provider: 'aws',
      spec: { ...base, auth: { secretRef: { accessKeyIDSecretRef: { name: 'nope', key: 'id' }, secretAccessKeySecretRef: { name: 'nope', key: 's' } } } },
    });
    await expect(createClient(ctx)).rejects.toThrow(/nope/);
  });

  it('role: AssumeRole with externalID, session tags and transitive keys; the assumed key reads the secret', async () => {
    const ctx = makeProviderContext({
      provider: 'aws',
      spec: {
        ...base,
        role: 'arn:aws:iam::123456789012:role/eso-reader',
        externalID: 'ext-123',
        sessionTags: [
          { key: 'team', value: 'payments' },
          { key: 'env', value: 'prod' },
        ],
        transitiveTagKeys: ['team'],
      },
    });
    const c = await createClient(ctx);
    expect(text(await c.getSecret({ key: 'db', property: 'password' }))).toBe('pw');
    const [assume, ...more] = stsCalls();
    expect(more).toHaveLength(0);
    const f = form(assume!);
    expect(assume!.op).toBe('AssumeRole');
    expect(f.get('RoleArn')).toBe('arn:aws:iam::123456789012:role/eso-reader');
    expect(f.get('ExternalId')).toBe('ext-123');
    expect([f.get('Tags.member.1.Key'), f.get('Tags.member.1.Value'), f.get('Tags.member.2.Key')]).toEqual(['team', 'payments', 'env']);
    expect(f.get('TransitiveTagKeys.member.1')).toBe('team');
    expect(assume!.accessKeyId).toBe('AKIAENVDEFAULTCHAIN1');
    const assumed = issuedKey(assume!);
    expect(assumed).toBeTruthy();
    expect(smReads().map((s) => s.accessKeyId)).toEqual([assumed]);
    // STS requests are counted with the rest.
    expect(ctx.requests).toBe(2);
  });

  it('additionalRoles are assumed in order, each with the previous credentials, before role', async () => {
    // moto serves each account its own secrets: the read only finds `db` if it runs as the final role (account 123456789012).
    const ctx = makeProviderContext({
      provider: 'aws',
      spec: {
        ...base,
        additionalRoles: ['arn:aws:iam::111111111111:role/hop-1', 'arn:aws:iam::222222222222:role/hop-2'],
        role: 'arn:aws:iam::123456789012:role/final',
        externalID: 'only-on-final',
      },
    });
    const c = await createClient(ctx);
    await c.prefetch!([{ key: 'db' }]);
    expect(text(await c.getSecret({ key: 'db' }))).toBe('{"password":"pw"}');
    const calls = stsCalls();
    expect(calls.map((s) => form(s).get('RoleArn'))).toEqual([
      'arn:aws:iam::111111111111:role/hop-1',
      'arn:aws:iam::222222222222:role/hop-2',
      'arn:aws:iam::123456789012:role/final',
    ]);
    expect(calls.map((s) => form(s).get('ExternalId'))).toEqual([null, null, 'only-on-final']);
    expect(calls[0]!.accessKeyId).toBe('AKIAENVDEFAULTCHAIN1');
    expect(calls[1]!.accessKeyId).toBe(issuedKey(calls[0]!));
    expect(calls[2]!.accessKeyId).toBe(issuedKey(calls[1]!));
    expect(smReads().map((s) => s.accessKeyId)).toEqual([issuedKey(calls[2]!)]);
  });

  it('sessionTagsPolicy Simple tags the session with the store namespace, name and kind', async () => {
    const ctx = makeProviderContext({
      provider: 'aws',
      namespace: 'shop',
      name: 'aws-store',
      spec: { ...base, role: 'arn:aws:iam::123456789012:role/r', sessionTagsPolicy: 'Simple', sessionTags: [{ key: 'ignored', value: 'x' }] },
    });
    const c = await createClient(ctx);
    await c.getSecret({ key: 'db' });
    const f = form(stsCalls()[0]!);
    const tags: Record<string, string> = {};
    for (let i = 1; f.get(`Tags.member.${i}.Key`); i++) tags[f.get(`Tags.member.${i}.Key`)!] = f.get(`Tags.member.${i}.Value`)!;
    expect(tags).toEqual({ esoNamespace: 'shop', esoStoreName: 'aws-store', esoStoreKind: 'SecretStore' });
  });

  it('auth.jwt: assumes the ServiceAccount’s IRSA role with this process’s web identity token', async () => {
    const tokenFile = join(tmp, 'token');
    writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YXJnb2NkOnJlcG8ifQ.sig\n');
    process.env.AWS_WEB_IDENTITY_TOKEN_FILE = tokenFile;
    const ctx = makeProviderContext({
      provider: 'aws',
      namespace: 'payments',
      spec: { ...base, auth: { jwt: { serviceAccountRef: { name: 'payments-reader' } } } },
      serviceAccounts: [
        {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'payments-reader', namespace: 'payments', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/payments-secrets' } },
        },
      ],
    });
    const c = await createClient(ctx);
    expect(text(await c.getSecret({ key: 'db', property: 'password' }))).toBe('pw');
    const [web] = stsCalls();
    expect(web!.op).toBe('AssumeRoleWithWebIdentity');
    const f = form(web!);
    expect(f.get('RoleArn')).toBe('arn:aws:iam::123456789012:role/payments-secrets');
    expect(f.get('WebIdentityToken')).toBe('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YXJnb2NkOnJlcG8ifQ.sig');
    expect(web!.accessKeyId).toBeUndefined();
    expect(smReads().map((s) => s.accessKeyId)).toEqual([issuedKey(web!)]);
  });

  it('auth.jwt errors name the ServiceAccount, the missing annotation or the missing token file', async () => {
    const spec = { ...base, auth: { jwt: { serviceAccountRef: { name: 'sa' } } } };
    process.env.AWS_WEB_IDENTITY_TOKEN_FILE = join(tmp, 'token');
    await expect(createClient(makeProviderContext({ provider: 'aws', spec }))).rejects.toThrow(
      'ServiceAccount default/sa referenced by spec.provider.aws.auth.jwt.serviceAccountRef of SecretStore/default/test-store was not found in the stream or the platform configuration',
    );
    const bare = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'default' } };
    await expect(createClient(makeProviderContext({ provider: 'aws', spec, serviceAccounts: [bare] }))).rejects.toThrow(
      /an IAM role must be associated with service account sa \(namespace: default\)/,
    );
    delete process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
    const annotated = { ...bare, metadata: { ...bare.metadata, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' } } };
    const err = await createClient(makeProviderContext({ provider: 'aws', spec, serviceAccounts: [annotated] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/AWS_WEB_IDENTITY_TOKEN_FILE is not set/);
    const cluster = makeProviderContext({ provider: 'aws', kind: 'ClusterSecretStore', spec, serviceAccounts: [annotated] });
    await expect(createClient(cluster)).rejects.toThrow(/serviceAccountRef.namespace is required/);
  });

  it('a failed AssumeRole names the role and store, never the secret key', async () => {
    proxy.intercept = (op) =>
      op === 'AssumeRole'
        ? {
            status: 403,
            headers: { 'content-type': 'text/xml' },
            body: '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error></ErrorResponse>',
          }
        : undefined;
    try {
      const ctx = makeProviderContext({
        provider: 'aws',
        spec: {
          ...base,
          role: 'arn:aws:iam::123456789012:role/denied',
          auth: { secretRef: { accessKeyIDSecretRef: { name: 'k', key: 'id' }, secretAccessKeySecretRef: { name: 'k', key: 's' } } },
        },
        credentials: { 'default/k/id': 'AKIAID', 'default/k/s': 'super-secret-access-key' },
      });
      const c = await createClient(ctx);
      const err = (await c.getSecret({ key: 'db' }).catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/AssumeRole arn:aws:iam::123456789012:role\/denied in SecretStore\/default\/test-store \(region us-east-1\) failed: AccessDenied/);
      expect(err.message).not.toContain('super-secret-access-key');
    } finally {
      proxy.intercept = undefined;
    }
  });

  it('validateStore rejects what ESO rejects', () => {
    expect(validateStore({ service: 'SecretsManager', region: 'us-east-1' })).toEqual([]);
    expect(validateStore({ service: 'KMS', region: 'us-east-1' }).map((p) => p.field)).toEqual(['spec.provider.aws.service']);
    expect(validateStore({ service: 'ParameterStore', auth: { secretRef: { accessKeyIDSecretRef: { name: 'a' } } } }).map((p) => p.field)).toEqual([
      'spec.provider.aws.auth.secretRef.accessKeyIDSecretRef',
      'spec.provider.aws.auth.secretRef.secretAccessKeySecretRef',
    ]);
    expect(validateStore({ service: 'SecretsManager', sessionTagsPolicy: 'Custom', customSessionTags: { esoNamespace: 'x' } })[0]!.message).toMatch(/reserved keys/);
  });
});

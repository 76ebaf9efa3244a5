// End to end: the quickstart's ExternalSecrets (ESO's own examples: database credentials by property,
// an application config built by a template) rendered by the engine from moto, through an AWS
// ClusterSecretStore supplied by the platform, for Secrets Manager and for Parameter Store.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { render } from '../../src/engine/render.js';
import { defaultRenderOptions, type Item, type KubeObject } from '../../src/engine/types.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { startMoto, type Moto } from '../helpers/moto.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'AKIAENVDEFAULTCHAIN1';
process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
delete process.env.AWS_PROFILE;
delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
delete process.env.AWS_ENDPOINT_URL_SSM;

let moto: Moto;
const creds = { accessKeyId: 'seed', secretAccessKey: 'seed' };
const DB = '{"username":"app_user","password":"correct-horse-battery-staple","host":"db.internal","port":5432}';
const FLAGS = '{"beta":"on","maxUsers":"250"}';

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.url;
});

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
});

/** The quickstart's ExternalSecrets, pointed at the platform's `aws` store instead of the fake one. */
function quickstart(files = ['db-credentials.yaml', 'app-config.yaml', 'deployment.yaml']): Item[] {
  const dir = new URL('../../kustomize-examples/quickstart/', import.meta.url);
  const text = files
    .map((f) => readFileSync(new URL(f, dir), 'utf8').replace(/name: fake\b/g, 'name: aws'))
    .join('\n---\n');
  return parseManifests(text);
}

function awsStore(service: 'SecretsManager' | 'ParameterStore'): KubeObject {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: 'aws' },
    spec: { provider: { aws: { service, region: 'us-east-1' } } },
  };
}

function secretData(items: Item[], name: string): Record<string, string> {
  const s = items.find((i) => i.object.kind === 'Secret' && i.object.metadata?.name === name)!.object;
  return Object.fromEntries(Object.entries(s.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

const expectedConfig = [
  'database:',
  '  url: postgres://app_user:correct-horse-battery-staple@db.internal:5432/shop',
  'api:',
  '  token: "tok-0a1b2c3d4e5f"',
  'features:',
  '  beta: "on"',
  '  maxUsers: "250"',
  '',
].join('\n');

async function seedSecretsManager(): Promise<void> {
  const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
  await sm.send(new CreateSecretCommand({ Name: '/prod/db/credentials', SecretString: DB }));
  await sm.send(new CreateSecretCommand({ Name: '/prod/app/api-token', SecretString: 'tok-9f8e7d6c5b4a' }));
  await sm.send(new PutSecretValueCommand({ SecretId: '/prod/app/api-token', SecretString: 'tok-0a1b2c3d4e5f', VersionStages: ['v2'] }));
  await sm.send(new CreateSecretCommand({ Name: '/prod/app/feature-flags', SecretString: FLAGS }));
  sm.destroy();
}

async function seedParameterStore(): Promise<void> {
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
  await ssm.send(new PutParameterCommand({ Name: '/prod/db/credentials', Value: DB, Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/prod/app/api-token', Value: 'tok-9f8e7d6c5b4a', Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/prod/app/api-token', Value: 'tok-0a1b2c3d4e5f', Type: 'SecureString', Overwrite: true }));
  await ssm.send(new LabelParameterVersionCommand({ Name: '/prod/app/api-token', ParameterVersion: 2, Labels: ['v2'] }));
  await ssm.send(new PutParameterCommand({ Name: '/prod/app/feature-flags', Value: FLAGS, Type: 'String' }));
  ssm.destroy();
}

describe('ESO seed examples rendered from moto', () => {
  it('Secrets Manager: database credentials by property', async () => {
    await seedSecretsManager();
    const out = await render(quickstart(['db-credentials.yaml', 'deployment.yaml']), { ...defaultRenderOptions, platformStores: [awsStore('SecretsManager')] });
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    expect(secretData(out.items, 'db-credentials')).toEqual({ username: 'app_user', password: 'correct-horse-battery-staple' });
    expect(out.items.map((i) => i.object.kind)).toEqual(['Secret', 'Deployment']);
    // Two properties of one secret: one BatchGetSecretValue.
    expect(out.stats.requests).toEqual({ 'ClusterSecretStore/aws': 1 });
  });

  it('Parameter Store: database credentials by property', async () => {
    await seedParameterStore();
    const out = await render(quickstart(['db-credentials.yaml']), { ...defaultRenderOptions, platformStores: [awsStore('ParameterStore')] });
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    expect(secretData(out.items, 'db-credentials')).toEqual({ username: 'app_user', password: 'correct-horse-battery-staple' });
    expect(out.stats.requests).toEqual({ 'ClusterSecretStore/aws': 1 });
  });

  it('Secrets Manager: database credentials and the templated app config', async () => {
    await seedSecretsManager();

    const out = await render(quickstart(), { ...defaultRenderOptions, platformStores: [awsStore('SecretsManager')] });
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    expect(secretData(out.items, 'db-credentials')).toEqual({ username: 'app_user', password: 'correct-horse-battery-staple' });
    expect(secretData(out.items, 'app-config')).toEqual({ 'config.yaml': expectedConfig });
    expect(out.items.map((i) => i.object.kind)).toEqual(['Secret', 'Secret', 'Deployment']);
    // One BatchGetSecretValue for the current values, one GetSecretValue for the `v2` stage.
    expect(out.stats.requests).toEqual({ 'ClusterSecretStore/aws': 2 });
  });

  it('Parameter Store: the same ExternalSecrets, with `version: v2` as a parameter label', async () => {
    await seedParameterStore();

    const out = await render(quickstart(), { ...defaultRenderOptions, platformStores: [awsStore('ParameterStore')] });
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    expect(secretData(out.items, 'db-credentials')).toEqual({ username: 'app_user', password: 'correct-horse-battery-staple' });
    expect(secretData(out.items, 'app-config')).toEqual({ 'config.yaml': expectedConfig });
    // One GetParameters for all three names; moto leaves out `Selector`, so the labelled `:v2` answer is
    // not trusted and read again with GetParameter (AWS names the selector, making it 1).
    expect(out.stats.requests).toEqual({ 'ClusterSecretStore/aws': 2 });
  });

  it('100 ExternalSecrets over 40 secrets: 2 BatchGetSecretValue requests for the whole run', async () => {
    const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
    for (let i = 0; i < 40; i++) {
      await sm.send(new CreateSecretCommand({ Name: `svc-${i}/db`, SecretString: JSON.stringify({ user: `user-${i}`, password: `pw-${i}` }) }));
    }
    sm.destroy();
    const items: Item[] = Array.from({ length: 100 }, (_, n) => ({
      object: {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: `es-${n}`, namespace: `team-${n % 5}` },
        spec: {
          secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws' },
          data: [
            { secretKey: 'user', remoteRef: { key: `svc-${n % 40}/db`, property: 'user' } },
            { secretKey: 'password', remoteRef: { key: `svc-${n % 40}/db`, property: 'password' } },
          ],
          dataFrom: [{ extract: { key: `svc-${(n + 1) % 40}/db` } }],
        },
      },
    }));
    const out = await render(items, { ...defaultRenderOptions, platformStores: [awsStore('SecretsManager')] });
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    expect(out.stats.secretsEmitted).toBe(100);
    expect(out.stats.requests).toEqual({ 'ClusterSecretStore/aws': 2 });
    // data[] wins over dataFrom for the same key (ESO's merge order): es-57 reads svc-17 by property.
    expect(secretData(out.items, 'es-57')).toEqual({ user: 'user-17', password: 'pw-17' });
  });

  it('a missing secret fails the run with the resource, field, store, region and key, and no value', async () => {
    const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
    await sm.send(new CreateSecretCommand({ Name: '/prod/db/credentials', SecretString: DB }));
    sm.destroy();
    const out = await render(quickstart(), { ...defaultRenderOptions, platformStores: [awsStore('SecretsManager')] });
    expect(out.ok).toBe(false);
    const messages = out.results.filter((r) => r.severity === 'error');
    const token = messages.find((r) => r.field?.path === 'spec.data[4]')!;
    expect(token.resourceRef).toMatchObject({ kind: 'ExternalSecret', name: 'app-config', namespace: 'shop' });
    // ESO's wording; the store and key are named (the provider's detail adds the region: see NoSecretError.detail).
    expect(token.message).toContain('/prod/app/api-token');
    expect(token.message).toContain('ClusterSecretStore/aws');
    for (const r of out.results) expect(JSON.stringify(r)).not.toContain('correct-horse');
  });
});

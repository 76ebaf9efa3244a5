// Non-ASCII JSON keys through real providers (issue 15): AWS Secrets Manager on moto_server and GCP
// Secret Manager on the loopback gRPC server, each with `property` (data[]) and `dataFrom.extract`.
// Before the gjson port each of these properties was "not found" (the path was UTF-8-encoded twice).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createClient as createAws } from '../../src/providers/aws/index.js';
import { createClient as createGcp } from '../../src/providers/gcpsm/index.js';
import type { SecretsClient } from '../../src/providers/types.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { makeProviderContext } from '../helpers/provider-context.js';
import { startGsmServer, type GsmServer } from '../servers/gcpsm/server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Keys written raw, with \u escapes and as a surrogate pair; a value with escapes.
const JSON_VALUE = '{"pässwörd":"pw-1","ключ":"key-2","日本":{"語":"ja-3"},"\\ud83d\\ude00":"emoji-4","\\u00e9t\\u00e9":"caf\\u00e9 5","a.é":"dot-6"}';
const PROPERTIES: [string, string][] = [
  ['pässwörd', 'pw-1'], ['ключ', 'key-2'], ['日本.語', 'ja-3'], ['😀', 'emoji-4'], ['été', 'café 5'], ['a.é', 'dot-6'],
  ['{ключ,😀}', '{"ключ":"key-2","😀":"emoji-4"}'],
];
const EXTRACT = { 'pässwörd': 'pw-1', 'ключ': 'key-2', '日本': '{"語":"ja-3"}', '😀': 'emoji-4', 'été': 'café 5', 'a.é': 'dot-6' };

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const mapText = (m: Map<string, Uint8Array>) => Object.fromEntries([...m].map(([k, v]) => [k, text(v)]));

let moto: Moto;
let gsm: GsmServer;
const clients: SecretsClient[] = [];

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.url;
  process.env.AWS_ACCESS_KEY_ID = 'AKIAUNICODETEST00001';
  process.env.AWS_SECRET_ACCESS_KEY = 'unicode-test';
  const seed = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
  await seed.send(new CreateSecretCommand({ Name: 'unicode', SecretString: JSON_VALUE }));
  seed.destroy();
  gsm = await startGsmServer({ projectId: 'p', projectNumber: '1', secrets: [{ id: 'unicode', versions: [{ data: JSON_VALUE }] }] });
  process.env['ESO_RENDER_GCPSM_ENDPOINT'] = gsm.endpoint;
  process.env['ESO_RENDER_GCPSM_INSECURE'] = 'true';
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close?.()));
  await moto?.stop();
  await gsm?.stop();
  delete process.env['ESO_RENDER_GCPSM_ENDPOINT'];
  delete process.env['ESO_RENDER_GCPSM_INSECURE'];
  delete process.env.AWS_ENDPOINT_URL;
});

async function open(provider: 'aws' | 'gcpsm'): Promise<SecretsClient> {
  const ctx = provider === 'aws'
    ? makeProviderContext({ provider: 'aws', spec: { service: 'SecretsManager', region: 'us-east-1' } })
    : makeProviderContext({ provider: 'gcpsm', spec: { projectID: 'p' }, kind: 'ClusterSecretStore', name: 'gcp-store' });
  const c = provider === 'aws' ? await createAws(ctx) : await createGcp(ctx);
  clients.push(c);
  return c;
}

describe.each(['aws', 'gcpsm'] as const)('%s: non-ASCII keys', (provider) => {
  it.each(PROPERTIES)('property %s', async (property, want) => {
    const c = await open(provider);
    expect(text(await c.getSecret({ key: 'unicode', property }))).toBe(want);
  });
  it('dataFrom.extract keeps every key and value', async () => {
    const c = await open(provider);
    expect(mapText(await c.getSecretMap({ key: 'unicode' }))).toEqual(EXTRACT);
  });
});

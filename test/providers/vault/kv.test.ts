// KV v1/v2 reads through the real Vault provider client against the loopback Vault.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeVault } from '../../servers/vault/server.js';
import { NoSecretError, ProviderError } from '../../../src/providers/types.js';
import { buildPath } from '../../../src/providers/vault/paths.js';
import { mapText, text, tokenAuth, tokenCreds, vaultClient } from './harness.js';

let vault: FakeVault;
const ROOT = 'root-token-kv';
// Numbers with formatting Vault's Go client keeps (json.Number) and characters json.Marshal escapes.
const TRICKY = '{"z":"<a&b>","a":1.50,"big":12345678901234567890,"n":null,"obj":{"y":2,"x":"1","h":"<>"},"a.b":"literal","t":true}';

beforeAll(async () => {
  vault = await FakeVault.start();
  vault.addToken(ROOT, ['root']);
  vault.mountKv('secret', 2);
  vault.mountKv('kv', 1);
  vault.mountKv('team/kv', 2);
  vault.put('secret', 'foo', TRICKY);
  vault.put('secret', 'versioned', { v: 'one' });
  vault.put('secret', 'versioned', { v: 'two' });
  vault.put('secret', 'gone', { v: 'x' });
  vault.deleteVersion('secret', 'gone', 1);
  vault.put('team/kv', 'app/db', { user: 'app' });
  vault.put('kv', 'app', '{"user":"legacy","port":5432.0}');
  for (const k of ['dev/config', 'dev/db', 'dev/nested/x', 'prod/config']) vault.put('secret', k, { name: k });
  vault.setCustomMetadata('secret', 'dev/db', { env: 'dev', owner: 'team-a' });
  vault.setCustomMetadata('secret', 'prod/config', { env: 'prod', owner: 'team-a' });
});
afterAll(async () => vault.close());

const v2 = (extra: Record<string, unknown> = {}) => vaultClient(vault, { auth: tokenAuth, ...extra }, { credentials: tokenCreds(ROOT) });

describe('path building (eso-semantics §5.4 table)', () => {
  it.each([
    ['v2', 'secret/path', 'foo', 'secret/path/data/foo'],
    ['v2', 'secret/path', 'secret/path/foo', 'secret/path/data/foo'],
    ['v2', 'secret/path', 'secret/path/data/foo', 'secret/path/data/foo'],
    ['v2', undefined, 'secret/test/big/path', 'secret/data/test/big/path'],
    ['v2', undefined, 'secret/data/test/big/path', 'secret/data/test/big/path'],
    ['v1', 'secret/path', 'test', 'secret/path/test'],
    ['v1', undefined, 'secret/test', 'secret/test'],
  ] as const)('%s mount=%s key=%s -> %s', (version, mount, key, want) => {
    expect(buildPath({ version, ...(mount ? { mount } : {}) }, key)).toBe(want);
  });
});

describe('KV v2', () => {
  it('returns the whole secret as Go json.Marshal does: sorted keys, HTML escaped, number text kept', async () => {
    const { client } = await v2();
    const got = text(await client.getSecret({ key: 'secret/foo' }));
    expect(got).toBe(
      '{"a":1.50,"a.b":"literal","big":12345678901234567890,"n":null,"obj":{"h":"\\u003c\\u003e","x":"1","y":2},"t":true,"z":"\\u003ca\\u0026b\\u003e"}',
    );
    expect(vault.requests.at(-1)).toMatchObject({ verb: 'GET', path: 'secret/data/foo', token: ROOT });
  });

  it('takes an exact top-level key before a gjson path, and gjson for nested values', async () => {
    const { client } = await v2();
    expect(text(await client.getSecret({ key: 'secret/foo', property: 'a.b' }))).toBe('literal');
    expect(text(await client.getSecret({ key: 'secret/foo', property: 'a' }))).toBe('1.50');
    expect(text(await client.getSecret({ key: 'secret/foo', property: 'z' }))).toBe('<a&b>');
    expect(text(await client.getSecret({ key: 'secret/foo', property: 'n' }))).toBe('');
    expect(text(await client.getSecret({ key: 'secret/foo', property: 'obj' }))).toBe('{"h":"\\u003c\\u003e","x":"1","y":2}');
    expect(text(await client.getSecret({ key: 'secret/foo', property: 'obj.y' }))).toBe('2');
    expect(text(await client.getSecret({ key: 'secret/foo', property: 'obj.h' }))).toBe('<>');
    vault.put('secret', 'unicode', { nested: { name: 'José 😀', list: ['a', 'b'] } });
    expect(text(await client.getSecret({ key: 'secret/unicode', property: 'nested.name' }))).toBe('José 😀');
    expect(text(await client.getSecret({ key: 'secret/unicode', property: 'nested.list.1' }))).toBe('b');
    expect(text(await client.getSecret({ key: 'secret/unicode', property: 'nested.list.#' }))).toBe('2');
  });

  it('names the store and the property when a property is missing, never a value', async () => {
    const { client } = await v2();
    const err = await client.getSecret({ key: 'secret/foo', property: 'nope' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain('SecretStore/apps/vault-backend');
    expect(err.message).toContain('cannot find secret data for key: "nope"');
    expect(err.message).not.toContain('literal');
  });

  it('reads a given version with ?version=', async () => {
    const { client } = await v2();
    expect(text(await client.getSecret({ key: 'secret/versioned', property: 'v' }))).toBe('two');
    expect(text(await client.getSecret({ key: 'secret/versioned', property: 'v', version: '1' }))).toBe('one');
    expect(vault.requests.at(-1)).toMatchObject({ path: 'secret/data/versioned', query: { version: '1' } });
  });

  it('treats a missing secret, a missing version and a deleted version as NoSecretError', async () => {
    const { client } = await v2();
    await expect(client.getSecret({ key: 'secret/missing' })).rejects.toBeInstanceOf(NoSecretError);
    await expect(client.getSecret({ key: 'secret/versioned', version: '9' })).rejects.toBeInstanceOf(NoSecretError);
    await expect(client.getSecret({ key: 'secret/gone' })).rejects.toBeInstanceOf(NoSecretError);
  });

  it('builds paths from the store mount, including a mount with a slash', async () => {
    const a = await v2({ path: 'secret', version: 'v2' });
    expect(text(await a.client.getSecret({ key: 'versioned', property: 'v' }))).toBe('two');
    expect(text(await a.client.getSecret({ key: 'secret/versioned', property: 'v' }))).toBe('two');
    const b = await v2({ path: 'team/kv' });
    expect(text(await b.client.getSecret({ key: 'app/db', property: 'user' }))).toBe('app');
    expect(vault.requests.at(-1)!.path).toBe('team/kv/data/app/db');
  });

  it('extract re-formats numbers like ESO (float64) and flattens one level', async () => {
    const { client } = await v2();
    expect(mapText(await client.getSecretMap({ key: 'secret/foo' }))).toEqual({
      a: '1.5',
      'a.b': 'literal',
      big: '12345678901234567000',
      n: '',
      obj: '{"h":"\\u003c\\u003e","x":"1","y":2}',
      t: 'true',
      z: '<a&b>',
    });
    expect(mapText(await client.getSecretMap({ key: 'secret/foo', property: 'obj' }))).toEqual({ h: '<>', x: '1', y: '2' });
  });

  it('metadataPolicy Fetch returns system and custom metadata', async () => {
    const { client } = await v2({ path: 'secret' });
    expect(text(await client.getSecret({ key: 'dev/db', metadataPolicy: 'Fetch', property: 'owner' }))).toBe('team-a');
    const all = JSON.parse(text(await client.getSecret({ key: 'dev/db', metadataPolicy: 'Fetch' })));
    expect(all).toMatchObject({ owner: 'team-a', env: 'dev', current_version: '1', delete_version_after: '0s' });
    expect(typeof all.created_time).toBe('string');
    expect(vault.requests.at(-1)!.path).toBe('secret/metadata/dev/db');
  });

  it('find by name: recursive LIST of <mount>/metadata/<path>, names include find.path', async () => {
    const { client } = await v2({ path: 'secret' });
    vault.resetLog();
    const got = mapText(await client.getAllSecrets({ path: 'dev', name: { regexp: 'config|x$' } }));
    expect(Object.keys(got).sort()).toEqual(['dev/config', 'dev/nested/x']);
    expect(JSON.parse(got['dev/config']!)).toEqual({ name: 'dev/config' });
    const lists = vault.requests.filter((r) => r.verb === 'LIST').map((r) => r.path);
    expect(lists).toEqual(['secret/metadata/dev/', 'secret/metadata/dev/nested/']);
  });

  it('find by tags matches custom_metadata exactly', async () => {
    const { client } = await v2({ path: 'secret' });
    const got = mapText(await client.getAllSecrets({ tags: { owner: 'team-a', env: 'dev' } }));
    expect(Object.keys(got)).toEqual(['dev/db']);
    const both = mapText(await client.getAllSecrets({ tags: { owner: 'team-a' } }));
    expect(Object.keys(both).sort()).toEqual(['dev/db', 'prod/config']);
  });

  it('find under an empty path is NoSecretError; find on a v2 store without path is ESO\'s error', async () => {
    const a = await v2({ path: 'secret' });
    await expect(a.client.getAllSecrets({ path: 'nothing-here', name: { regexp: '.*' } })).rejects.toBeInstanceOf(NoSecretError);
    const b = await v2();
    await expect(b.client.getAllSecrets({ name: { regexp: '.*' } })).rejects.toThrow("provided Path isn't a valid kv v2 path");
  });

  it('one request per path whatever the number of properties and callers', async () => {
    const { client, ctx } = await v2();
    vault.resetLog();
    const props = ['a', 'z', 'obj.y', 't', 'a.b'];
    await Promise.all([...props, ...props].map((property) => client.getSecret({ key: 'secret/foo', property })));
    await client.getSecretMap({ key: 'secret/foo' });
    expect(vault.count((r) => r.path === 'secret/data/foo')).toBe(1);
    expect(ctx.requests).toBe(1);
  });
});

describe('KV v1', () => {
  it('reads <mount>/<key> and keeps the whole data map', async () => {
    const a = await v2({ path: 'kv', version: 'v1' });
    expect(text(await a.client.getSecret({ key: 'app' }))).toBe('{"port":5432.0,"user":"legacy"}');
    expect(text(await a.client.getSecret({ key: 'app', property: 'port' }))).toBe('5432.0');
    expect(vault.requests.at(-1)!.path).toBe('kv/app');
    const b = await v2({ version: 'v1' });
    expect(text(await b.client.getSecret({ key: 'kv/app', property: 'user' }))).toBe('legacy');
    expect(mapText(await b.client.getSecretMap({ key: 'kv/app' }))).toEqual({ port: '5432', user: 'legacy' });
  });

  it('rejects metadata and tag operations on v1 with ESO\'s messages', async () => {
    const { client } = await v2({ path: 'kv', version: 'v1' });
    await expect(client.getSecret({ key: 'app', metadataPolicy: 'Fetch' })).rejects.toThrow('cannot perform metadata fetch operations with kv version v1');
    await expect(client.getAllSecrets({ tags: { a: 'b' } })).rejects.toThrow('cannot perform find by tag operations with kv version v1');
  });

  it('find lists a v1 mount', async () => {
    const { client } = await v2({ path: 'kv', version: 'v1' });
    expect(Object.keys(mapText(await client.getAllSecrets({ name: { regexp: '^app$' } })))).toEqual(['app']);
  });
});

describe('the loopback server', () => {
  it('answers the LIST verb as Vault does, not only GET ?list=true', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL(vault.url);
      const req = http.request(
        { host: u.hostname, port: u.port, method: 'LIST', path: '/v1/secret/metadata/dev', headers: { 'X-Vault-Token': ROOT } },
        (res) => {
          let b = '';
          res.on('data', (c) => (b += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(JSON.parse(body).data.keys).toEqual(['config', 'db', 'nested/']);
    expect(vault.requests.at(-1)).toMatchObject({ method: 'GET', verb: 'LIST', path: 'secret/metadata/dev' });
  });
});

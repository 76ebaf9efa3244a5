import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_RULE_PROVIDERS, keyRulesOf, loadKeyRules } from './key-rules.js';

beforeAll(() => loadKeyRules(KEY_RULE_PROVIDERS));

const refusedKey = (provider: string, key: string, version?: string) =>
  keyRulesOf(provider)!.ref(version === undefined ? { key } : { key, version }).map((p) => p.field);
const refusedFind = (provider: string, find: { path?: string; tags?: Record<string, string> }) => keyRulesOf(provider)!.find(find).map((p) => p.field);

describe('provider key rules', () => {
  it('vault: one leading and one trailing / are accepted (ESO path.Join drops them); doubled / and dot segments are not', () => {
    for (const k of ['secret/foo', '/secret/foo', 'secret/foo/', 'a b/c:d@e']) expect(refusedKey('vault', k), k).toEqual([]);
    for (const k of ['a//b', '//a', 'a/../b', 'a/%2e%2e/b', 'a\\b', 'a?b']) expect(refusedKey('vault', k), k).toEqual(['key']);
    expect(refusedFind('vault', { path: 'dev/' })).toEqual([]);
    expect(refusedFind('vault', { path: 'dev/..' })).toEqual(['path']);
    expect(refusedFind('vault', {})).toEqual([]);
  });

  it('openBao: keys are Sprintf-ed into the path (no path.Join), so a leading or trailing / is refused too', () => {
    for (const k of ['app/db', 'a b/c:d@e', 'cfg-a']) expect(refusedKey('openBao', k), k).toEqual([]);
    for (const k of ['/app/db', 'app/db/', 'a//b', 'a/../b', 'a/%2fb', 'a?b']) expect(refusedKey('openBao', k), k).toEqual(['key']);
    expect(refusedFind('openBao', { path: 'dev/' })).toEqual([]);
    expect(refusedFind('openBao', { path: '/dev' })).toEqual(['path']);
  });

  it('kubernetes: a key is one Secret name (DNS subdomain); find tags must be label keys and values', () => {
    for (const k of ['db', 'shop-db.v1', 'a'.repeat(253)]) expect(refusedKey('kubernetes', k), k).toEqual([]);
    for (const k of ['a/b', '..', '.', 'UPPER', 'a_b', 'a%2fb', '../x', 'a'.repeat(254), '']) expect(refusedKey('kubernetes', k), k).toEqual(['key']);
    expect(refusedFind('kubernetes', { tags: { app: 'shop', 'example.com/tier': 'db', empty: '' } })).toEqual([]);
    expect(refusedFind('kubernetes', { tags: { 'app,x': 'y' } })).toEqual(['tags.app,x']);
    expect(refusedFind('kubernetes', { tags: { app: 'a,b=c' } })).toEqual(['tags.app']);
  });

  it('gcpsm: secret IDs and full secret names; versions, find paths and labels in their character sets', () => {
    for (const k of ['pay-db', 'PAY_db-1', 'projects/p1/secrets/s', 'projects/example.com:p/locations/europe-west1/secrets/s']) expect(refusedKey('gcpsm', k), k).toEqual([]);
    for (const k of ['pay db', 'pay.db', 'pay-db/versions/1', 'projects/p/secrets/s/versions/2', 'projects/../secrets/s', 'x'.repeat(256)]) expect(refusedKey('gcpsm', k), k).toEqual(['key']);
    expect(refusedKey('gcpsm', 'pay-db', '3')).toEqual([]);
    expect(refusedKey('gcpsm', 'pay-db', 'latest')).toEqual([]);
    expect(refusedKey('gcpsm', 'pay-db', '../1')).toEqual(['version']);
    expect(refusedFind('gcpsm', { path: 'pay-', tags: { env: 'prod', 'team-1': 'ü' } })).toEqual([]);
    expect(refusedFind('gcpsm', { path: 'pay- OR name:x' })).toEqual(['path']);
    expect(refusedFind('gcpsm', { tags: { env: 'prod OR labels.x=y' } })).toEqual(['tags.env']);
    expect(refusedFind('gcpsm', { tags: { Env: 'prod' } })).toEqual(['tags.Env']);
  });

  it('azurekv: [secret|cert|key/]<name>, names and versions of letters, digits and -', () => {
    for (const k of ['db-creds', 'secret/db-creds', 'cert/tls', 'key/signing-key', 'secret/db-creds/ignored']) expect(refusedKey('azurekv', k), k).toEqual([]);
    for (const k of ['db_creds', 'blob/x', 'secret/..', 'secret/a%2fb', '/secret/x', 'secret/x/']) expect(refusedKey('azurekv', k), k).toEqual(['key']);
    expect(refusedKey('azurekv', 'x', '0b1c2d3e4f')).toEqual([]);
    expect(refusedKey('azurekv', 'x', '..')).toEqual(['version']);
    expect(refusedFind('azurekv', { path: 'app-' })).toEqual([]);
    expect(refusedFind('azurekv', { path: 'app/' })).toEqual(['path']);
  });

  it('aws: names are a JSON body, so only a negated find path is refused', () => {
    for (const k of ['/prod/../x', 'a//b', 'a\\b']) expect(refusedKey('aws', k)).toEqual([]);
    expect(refusedFind('aws', { path: '/prod/' })).toEqual([]);
    expect(refusedFind('aws', { path: '!/prod/' })).toEqual(['path']);
  });

  it('onepassword: titles go into a Connect filter, so no quote, backslash, control character or empty key', () => {
    for (const k of ['db', 'My Login / prod', 'ümlaut.title', 'abcdefghijklmnopqrstuvwxyz']) expect(refusedKey('onepassword', k), k).toEqual([]);
    for (const k of ['', 'db" or title pr "', 'a\\b', 'line\nbreak', 'tab\there']) expect(refusedKey('onepassword', k), JSON.stringify(k)).toEqual(['key']);
    expect(refusedFind('onepassword', { path: 'any "title"' })).toEqual([]);
  });

  it('infisical: NAME, sub/NAME and /folder/NAME; the name is a URL segment and the folder a secretPath query', () => {
    for (const k of ['API_KEY', 'my-app/DB_PASS', '/my-app/db/DB_PASS', '/ROOT', 'name.with.dots']) expect(refusedKey('infisical', k), k).toEqual([]);
    for (const k of ['', 'my-app/', '../x', 'a/../x', 'a//x', '//x', 'a/%2e%2e/x', 'a%2fx', 'a\\x', 'a?x', 'a#x', 'a\nx']) expect(refusedKey('infisical', k), JSON.stringify(k)).toEqual(['key']);
    expect(refusedFind('infisical', { path: '/my-app' })).toEqual([]);
  });

  it('bitwardensecretsmanager: keys travel in a JSON body (any text), find.path is refused (ESO ignores it)', () => {
    for (const k of ['db', '../x', 'a/%2e%2e/b', 'line\nbreak', '339062b8-a5a1-4303-bf1d-b1920146a622']) expect(refusedKey('bitwardensecretsmanager', k), JSON.stringify(k)).toEqual([]);
    expect(refusedFind('bitwardensecretsmanager', { path: 'payments/' })).toEqual(['path']);
    expect(refusedFind('bitwardensecretsmanager', { tags: { team: 'x' } })).toEqual([]);
  });

  it('providers whose keys never leave the process have no rules', () => {
    expect(keyRulesOf('fake')).toBeUndefined();
    expect(keyRulesOf('__proto__')).toBeUndefined();
  });
});

// HTTPS: a CA made at test time, caBundle and caProvider, the TLS server name, mTLS and cert auth.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeVault } from '../../servers/vault/server.js';
import { TestCa, type KeyAndCert } from '../../servers/vault/pki.js';
import { ProviderError } from '../../../src/providers/types.js';
import { TLS_SERVER_NAME_ENV } from '../../../src/providers/vault/connection.js';
import { text, tokenAuth, tokenCreds, vaultClient } from './harness.js';

let ca: TestCa;
let vault: FakeVault; // certificate for 127.0.0.1
let named: FakeVault; // certificate only for vault.internal
let client: KeyAndCert;
let stranger: KeyAndCert;

function seed(v: FakeVault) {
  v.addToken('tls-token', ['root']);
  v.mountKv('secret', 2);
  v.put('secret', 'app', { who: 'tls' });
  v.enableCert('cert', 'eso', client.certPem, ['secret/data/*']);
}

beforeAll(async () => {
  ca = new TestCa();
  client = ca.client('eso-client');
  stranger = new TestCa('another CA').client('stranger');
  vault = await FakeVault.start({ tls: { ...ca.server([], true) } });
  named = await FakeVault.start({ tls: { ...ca.server(['vault.internal'], false) } });
  seed(vault);
  seed(named);
});
afterAll(async () => {
  await vault.close();
  await named.close();
});
afterEach(() => {
  delete process.env[TLS_SERVER_NAME_ENV];
});

const caBundle = () => Buffer.from(ca.caPem).toString('base64');

describe('TLS', () => {
  it('trusts the server through caBundle (base64 PEM)', async () => {
    const { client: c } = await vaultClient(vault, { auth: tokenAuth, caBundle: caBundle() }, { credentials: tokenCreds('tls-token') });
    expect(text(await c.getSecret({ key: 'secret/app', property: 'who' }))).toBe('tls');
    expect(vault.url.startsWith('https://')).toBe(true);
  });

  it('fails without the CA, naming the server and the TLS error', async () => {
    const { client: c } = await vaultClient(vault, { auth: tokenAuth }, { credentials: tokenCreds('tls-token') });
    const err = await c.getSecret({ key: 'secret/app' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain(vault.url);
    expect(err.message).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|self-signed|unable to verify/i);
  });

  it('trusts the server through caProvider (read via the credentials resolver)', async () => {
    const { client: c } = await vaultClient(
      vault,
      { auth: tokenAuth, caProvider: { type: 'Secret', name: 'vault-ca', key: 'ca.crt' } },
      { credentials: { ...tokenCreds('tls-token'), 'apps/vault-ca/ca.crt': ca.caPem } },
    );
    expect(text(await c.getSecret({ key: 'secret/app', property: 'who' }))).toBe('tls');
  });

  it('rejects a caBundle that holds no certificate', async () => {
    const err = await vaultClient(vault, { auth: tokenAuth, caBundle: Buffer.from('not a pem').toString('base64') }, { credentials: tokenCreds('tls-token') }).catch((e) => e);
    expect(err.message).toContain('caBundle: failed to parse certificates');
  });

  it('checks the certificate against VAULT_TLS_SERVER_NAME when the address is an IP', async () => {
    const spec = { auth: tokenAuth, caBundle: caBundle() };
    const a = await vaultClient(named, spec, { credentials: tokenCreds('tls-token') });
    await expect(a.client.getSecret({ key: 'secret/app' })).rejects.toThrow(/ERR_TLS_CERT_ALTNAME_INVALID|altnames/i);
    process.env[TLS_SERVER_NAME_ENV] = 'vault.internal';
    const b = await vaultClient(named, spec, { credentials: tokenCreds('tls-token') });
    expect(text(await b.client.getSecret({ key: 'secret/app', property: 'who' }))).toBe('tls');
  });

  it('presents the store tls client certificate (mTLS) on every request', async () => {
    vault.resetLog();
    const { client: c } = await vaultClient(
      vault,
      { auth: tokenAuth, caBundle: caBundle(), tls: { certSecretRef: { name: 'client-tls' }, keySecretRef: { name: 'client-tls' } } },
      { credentials: { ...tokenCreds('tls-token'), 'apps/client-tls/tls.crt': client.certPem, 'apps/client-tls/tls.key': client.keyPem } },
    );
    await c.getSecret({ key: 'secret/app' });
    expect(vault.requests.at(-1)!.clientCertCN).toBe('eso-client');
  });
});

describe('cert auth', () => {
  const certAuth = { cert: { path: 'cert', vaultRole: 'eso', clientCert: { name: 'cert-auth', key: 'tls.crt' }, secretRef: { name: 'cert-auth', key: 'tls.key' } } };

  it('logs in with the client certificate and keeps using it', async () => {
    vault.resetLog();
    const { client: c } = await vaultClient(
      vault,
      { auth: certAuth, caBundle: caBundle() },
      { credentials: { 'apps/cert-auth/tls.crt': client.certPem, 'apps/cert-auth/tls.key': client.keyPem } },
    );
    expect(text(await c.getSecret({ key: 'secret/app', property: 'who' }))).toBe('tls');
    const [login, read] = vault.requests;
    expect(login).toMatchObject({ path: 'auth/cert/login', body: { name: 'eso' }, clientCertCN: 'eso-client', status: 200 });
    expect(vault.tokens.get(read!.token!)?.issuedBy).toBe('cert:cert');
    expect(read!.clientCertCN).toBe('eso-client');
  });

  it('an unknown certificate is refused by Vault, and the key never appears in the error', async () => {
    const err = await vaultClient(
      vault,
      { auth: certAuth, caBundle: caBundle() },
      { credentials: { 'apps/cert-auth/tls.crt': stranger.certPem, 'apps/cert-auth/tls.key': stranger.keyPem } },
    ).then(({ client: c }) => c.getSecret({ key: 'secret/app' })).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain('cert login at auth/cert/login failed');
    expect(err.message).toContain('invalid certificate');
    expect(err.message).not.toContain('PRIVATE KEY');
  });

  it('a key that does not match the certificate is caught before any request', async () => {
    vault.resetLog();
    const err = await vaultClient(
      vault,
      { auth: certAuth, caBundle: caBundle() },
      { credentials: { 'apps/cert-auth/tls.crt': client.certPem, 'apps/cert-auth/tls.key': stranger.keyPem } },
    ).then(({ client: c }) => c.getSecret({ key: 'secret/app' })).catch((e) => e);
    expect(err.message).toContain('the private key does not match the certificate');
    expect(vault.count()).toBe(0);
  });
});

// A certificate authority made at test time (never stored in the repository) for the fake Vault's HTTPS
// listener and for TLS client-certificate auth.

import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface KeyAndCert {
  keyPem: string;
  certPem: string;
}

function keys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  // Node's key generation is much faster than forge's.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
  };
}

export class TestCa {
  readonly caPem: string;
  private readonly caCert: forge.pki.Certificate;
  private readonly caKey: forge.pki.rsa.PrivateKey;
  private serial = 1;

  constructor(commonName = 'fake-vault test CA') {
    const k = keys();
    const c = forge.pki.createCertificate();
    c.publicKey = k.publicKey;
    c.serialNumber = '01';
    this.validity(c);
    const name = [{ name: 'commonName', value: commonName }];
    c.setSubject(name);
    c.setIssuer(name);
    c.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ]);
    c.sign(k.privateKey, forge.md.sha256.create());
    this.caCert = c;
    this.caKey = k.privateKey;
    this.caPem = forge.pki.certificateToPem(c);
  }

  private validity(c: forge.pki.Certificate): void {
    c.validity.notBefore = new Date(Date.now() - 60_000);
    c.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  }

  private issue(cn: string, ext: object[]): KeyAndCert {
    const k = keys();
    const c = forge.pki.createCertificate();
    c.publicKey = k.publicKey;
    c.serialNumber = (++this.serial).toString(16).padStart(2, '0');
    this.validity(c);
    c.setSubject([{ name: 'commonName', value: cn }]);
    c.setIssuer(this.caCert.subject.attributes);
    c.setExtensions([{ name: 'basicConstraints', cA: false }, ...ext]);
    c.sign(this.caKey, forge.md.sha256.create());
    return { keyPem: forge.pki.privateKeyToPem(k.privateKey), certPem: forge.pki.certificateToPem(c) };
  }

  /** A server certificate for the given DNS names (and 127.0.0.1 unless ipSan is false). */
  server(dnsNames: string[], ipSan = true): KeyAndCert {
    const altNames: object[] = dnsNames.map((value) => ({ type: 2, value }));
    if (ipSan) altNames.push({ type: 7, ip: '127.0.0.1' });
    return this.issue(dnsNames[0] ?? '127.0.0.1', [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ]);
  }

  /** A client certificate for TLS auth. */
  client(cn: string): KeyAndCert {
    return this.issue(cn, [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ]);
  }
}

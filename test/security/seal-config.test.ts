// spec.seal is read field by field, its certificates checked at load time (expired, not yet valid, not
// RSA, too short are refused by name), and generate's `seal` parameter cannot turn off required sealing.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRenderConfig } from '../../src/config/renderconfig.js';
import { readSealCertificate } from '../../src/config/seal-section.js';
import { applyGenerateDigestRules } from '../../src/frontends/cmp-seal.js';
import { controllerKeys } from '../helpers/sealing.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seal-section-'));
const day = 86400_000;
writeFileSync(path.join(dir, 'cert.pem'), controllerKeys().certPem);
writeFileSync(path.join(dir, 'future.pem'), controllerKeys({ notBefore: new Date(Date.now() + day), notAfter: new Date(Date.now() + 2 * day) }).certPem);
writeFileSync(path.join(dir, 'rsa1024.pem'), generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey);
writeFileSync(path.join(dir, 'ed25519.pem'), generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey);
writeFileSync(path.join(dir, 'garbage.pem'), 'not a certificate\n');
writeFileSync(path.join(dir, 'key'), Buffer.alloc(32, 1));

const load = (seal: unknown) => loadRenderConfig({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'x' }, spec: { seal } }, dir);
const messages = (seal: unknown) => load(seal).problems.map((p) => `${p.field?.path}: ${p.message}`);

describe('spec.seal', () => {
  it('reads certFile, scope, keyFile, required and destinations', () => {
    const cfg = load({ certFile: 'cert.pem', scope: 'namespace-wide', keyFile: 'key', required: true, destinations: [{ match: { projects: ['p'] }, certFile: 'cert.pem', scope: 'cluster-wide' }] });
    expect(cfg.problems).toEqual([]);
    const s = cfg.options.seal!;
    expect(s.scope).toBe('namespace-wide');
    expect(s.required).toBe(true);
    expect(s.key).toHaveLength(32);
    expect(s.certificate?.fingerprint).toHaveLength(32);
    expect(s.destinations).toMatchObject([{ match: { projects: ['p'] }, scope: 'cluster-wide' }]);
  });

  it.each([
    [{ certFile: 'cert.pem', scop: 'strict' }, 'spec.seal.scop: unknown field'],
    [{ certFile: 'cert.pem', scope: 'global' }, 'spec.seal.scope: must be one of strict, namespace-wide, cluster-wide'],
    [{ scope: 'strict' }, 'spec.seal: needs certFile or destinations'],
    [{ certFile: 'future.pem' }, 'spec.seal.certFile: the certificate'],
    [{ certFile: 'rsa1024.pem' }, 'has 1024 bits; at least 2048 are needed'],
    [{ certFile: 'ed25519.pem' }, 'holds an ed25519 key; Sealed Secrets needs RSA'],
    [{ certFile: 'garbage.pem' }, 'holds neither a PEM certificate nor a PEM public key'],
    [{ certFile: 'cert.pem', required: 'yes' }, 'spec.seal.required: must be true or false'],
    [{ destinations: [{ match: { cluster: ['x'] }, certFile: 'cert.pem' }] }, 'spec.seal.destinations[0].match.cluster: unknown field'],
    [{ destinations: [{ certFile: 'cert.pem' }] }, 'spec.seal.destinations[0].match: must be a mapping'],
    [{ certFile: 'cert.pem', keyFile: 'nope' }, 'spec.seal.keyFile: cannot read the key file'],
  ])('%j is refused: %s', (seal, message) => {
    expect(messages(seal).join('\n')).toContain(message);
  });

  it('a certificate not yet valid names its start', () => {
    expect(() => readSealCertificate(path.join(dir, 'future.pem'), '--seal-cert')).toThrow(/--seal-cert: the certificate .*future\.pem is not valid before/);
  });
});

describe('generate: the seal parameter', () => {
  const sealed = (required: boolean) => load({ certFile: 'cert.pem', required }).options;
  it('may turn optional sealing off', () => {
    const o = sealed(false);
    expect(applyGenerateDigestRules(o, { seal: false })).toBeUndefined();
    expect(o.seal).toBeUndefined();
  });
  it('cannot turn required sealing off', () => {
    const o = sealed(true);
    expect(applyGenerateDigestRules(o, { seal: false })).toContain('spec.seal.required');
    expect(o.seal).toBeDefined();
  });
  it('cannot ask for sealing the platform does not configure', () => {
    expect(applyGenerateDigestRules(loadRenderConfig(undefined, dir).options, { seal: true })).toContain('no spec.seal');
  });
});

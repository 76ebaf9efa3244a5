// Tenancy for GitLab stores in the shared sidecar (`eso-render generate`): a store the application defines
// reads with an access token from the app's own namespace only, never one of another namespace, and never a
// token from the sidecar's environment (GITLAB_TOKEN, CI_JOB_TOKEN are not read). Every refusal is asserted
// as zero requests in the loopback GitLab server's log. Needs `npm run build`.
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitLab } from '../servers/gitlab/server.js';
import { Tenancy, b64, tempRoot, writePlatform, type Platform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const PAYMENTS_TOKEN = 'glpat-payments-3318';
const OTHER_TEAM_TOKEN = 'glpat-other-team-7741';

let gl: FakeGitLab;
let payments: number;
let otherTeam: number;
const tmp = tempRoot();
const tenancy = new Tenancy();
let p: Platform;

beforeAll(async () => {
  gl = await FakeGitLab.start();
  payments = gl.addProject('payments/api', [{ key: 'DB_PASSWORD', value: 'pw-payments-3318' }]);
  otherTeam = gl.addProject('other-team/api', [{ key: 'DB_PASSWORD', value: 'pw-other-team-7741' }]);
  gl.addToken(PAYMENTS_TOKEN, [payments]);
  gl.addToken(OTHER_TEAM_TOKEN, [otherTeam]);
  p = writePlatform(tmp.root, { policy: { rules: [{ name: 'pay-self', match: { projects: ['payments'] }, allowStreamStores: true }] } }, {
    'payments/gitlab-token/token': PAYMENTS_TOKEN,
    'other-team/gitlab-token/token': OTHER_TEAM_TOKEN,
  });
});
afterAll(async () => {
  await gl?.close();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => gl.resetLog());

const app = { app: 'pay-api', namespace: 'payments', project: 'payments' };
const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> });
const store = (kind: 'SecretStore' | 'ClusterSecretStore', projectID: number, auth: unknown) => ({
  apiVersion: ESO,
  kind,
  metadata: kind === 'SecretStore' ? { name: 'gl', namespace: 'payments' } : { name: 'gl' },
  spec: { provider: { gitlab: { url: gl.url, projectID: String(projectID), ...(auth === undefined ? {} : { auth }) } } },
});
const reads = (s: { kind: string }) => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'payments' },
  spec: { secretStoreRef: { kind: s.kind, name: 'gl' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key: 'DB_PASSWORD' } }] },
});
const tokenRef = (namespace?: string) => ({ SecretRef: { accessToken: { name: 'gitlab-token', key: 'token', ...(namespace ? { namespace } : {}) } } });
const sidecarTokens = { GITLAB_TOKEN: OTHER_TEAM_TOKEN, CI_JOB_TOKEN: OTHER_TEAM_TOKEN, ESO_RENDER_GITLAB_URL: 'http://127.0.0.1:9' };

describe('hostile tenant: GitLab stores the app defines', () => {
  it("a SecretStore with the app's own token reads its project", async () => {
    const s = store('SecretStore', payments, tokenRef());
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code, r.stderr).toBe(0);
    const secret = docs(r.stdout).find((d) => d.kind === 'Secret')!;
    expect(b64(secret.data?.['password'])).toBe('pw-payments-3318');
    expect(gl.requests.length).toBe(1);
    expect(gl.requests.every((q) => q.token === PAYMENTS_TOKEN)).toBe(true);
  });

  it("a SecretStore naming another namespace's token: refused as ESO's ValidateStore does, zero requests", async () => {
    const s = store('SecretStore', otherTeam, tokenRef('other-team'));
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore');
    expect(r.stdout).not.toContain('pw-other-team');
    expect(gl.requests).toEqual([]);
  });

  it("a ClusterSecretStore naming another namespace's token: refused, zero requests", async () => {
    const s = store('ClusterSecretStore', otherTeam, tokenRef('other-team'));
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential other-team\/gitlab-token is outside the application's destination namespace "payments"/);
    expect(gl.requests).toEqual([]);
    expect(r.stdout).not.toContain('pw-other-team');
  });

  it("no auth block or no accessToken, GitLab tokens in the sidecar's environment: refused by field, zero requests", async () => {
    for (const [auth, message] of [
      [undefined, 'spec.provider.gitlab.auth: is required'],
      [{ SecretRef: {} }, 'accessToken.key cannot be empty'],
    ] as const) {
      const s = store('SecretStore', otherTeam, auth);
      const r = await tenancy.run([s, reads(s)], p, { ...app, sidecar: sidecarTokens });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(message);
      expect(gl.requests).toEqual([]);
      expect(r.stderr).not.toContain(OTHER_TEAM_TOKEN);
    }
  });
});

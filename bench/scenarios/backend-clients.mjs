// The client side of each backend in the backend-efficiency scenario (the servers are in
// bench/backends/<name>.ts): the store that reads it, the credentials and environment the renderer gets,
// the request target and the floor, and a naive client (one request per data entry, one at a time, with
// the client library the provider uses). Adding a backend is adding an entry here and a server file there.

import http from 'node:http';

/** One GET after another through a keep-alive agent, with plain HTTP (for the thin-client providers). */
async function naiveGets(urls, headers) {
  const agent = new http.Agent({ keepAlive: true });
  let bytes = 0;
  try {
    for (const url of urls) {
      bytes += await new Promise((resolve, reject) => {
        http
          .get(url, { agent, headers }, (res) => {
            let n = 0;
            res.on('data', (d) => (n += d.length));
            res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`${url}: ${res.statusCode}`))));
          })
          .on('error', reject);
      });
    }
  } finally {
    agent.destroy();
  }
  return bytes;
}

/**
 * name → {
 *   key(k): the remoteRef.key of secret k; property(p): its remoteRef.property for field p;
 *   batch: secrets per read request; roundTrips: sequential requests per read (a lookup, then the read);
 *   setupTrips: requests before the first read (logins, lookups) that the floor includes;
 *   requestTarget(unique), targetNote; store(info); credentials(cred, info); env(info); naive(info, keys)
 * }
 */
export const backendClients = {
  aws: {
    key: (k) => `bench/app-${k}`,
    batch: 20,
    requestTarget: (u) => Math.ceil(u / 20),
    targetNote: 'BatchGetSecretValue, 20 per call',
    store: () => ({ aws: { service: 'SecretsManager', region: 'us-east-1' } }),
    credentials: () => {},
    env: (info) => ({
      AWS_SECRETSMANAGER_ENDPOINT: info.aws.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }),
    async naive(info, keys) {
      const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
      const c = new SecretsManagerClient({ region: 'us-east-1', endpoint: info.aws.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      let bytes = 0;
      for (const k of keys) bytes += (await c.send(new GetSecretValueCommand({ SecretId: `bench/app-${k}` }))).SecretString.length;
      c.destroy();
      return bytes;
    },
  },
  vault: {
    store: (info) => ({ vault: { server: info.vault.url, path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } } } }),
    credentials: (cred, info) => cred('vault-token', 'token', info.vault.token),
    // The Vault provider is a thin HTTP client of its own (ADR 0005); the naive loop uses plain HTTP too.
    naive: (info, keys) => naiveGets(keys.map((k) => `${info.vault.url}/v1/secret/data/app-${k}`), { 'X-Vault-Token': info.vault.token }),
  },
  gcpsm: {
    store: (info) => ({ gcpsm: { projectID: info.gcpsm.project } }),
    credentials: () => {},
    env: (info) => ({ ESO_RENDER_GCPSM_ENDPOINT: info.gcpsm.endpoint, ESO_RENDER_GCPSM_INSECURE: 'true' }),
    async naive(info, keys) {
      const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager');
      const gax = await import('google-gax');
      const [host, port] = info.gcpsm.endpoint.split(':');
      const c = new SecretManagerServiceClient({ apiEndpoint: host, port: Number(port), sslCreds: gax.grpc.credentials.createInsecure(), authClient: new gax.googleAuthLibrary.PassThroughClient() });
      let bytes = 0;
      for (const k of keys) {
        const [r] = await c.accessSecretVersion({ name: `projects/${info.gcpsm.project}/secrets/app-${k}/versions/latest` });
        bytes += r.payload.data.length;
      }
      await c.close();
      return bytes;
    },
  },
  azurekv: {
    targetNote:
      'one per unique secret; Key Vault answers the first, unauthenticated request with the bearer challenge that names the tenant, so one request more is the protocol',
    store: (info) => ({
      azurekv: {
        tenantId: info.azurekv.tenantId,
        vaultUrl: info.azurekv.vaultUrl,
        authSecretRef: { clientId: { name: 'azure-sp', key: 'ClientID' }, clientSecret: { name: 'azure-sp', key: 'ClientSecret' } },
      },
    }),
    credentials: (cred, info) => {
      cred('azure-sp', 'ClientID', info.azurekv.clientId);
      cred('azure-sp', 'ClientSecret', info.azurekv.clientSecret);
    },
    env: (info) => ({ ESO_RENDER_AZUREKV_VAULT_ADDRESS: '127.0.0.1', AZURE_AUTHORITY_HOST: info.azurekv.authorityHost }),
    async naive(info, keys) {
      const https = await import('node:https');
      const { ClientSecretCredential } = await import('@azure/identity');
      const { SecretClient } = await import('@azure/keyvault-secrets');
      // The vault's host name resolves to the loopback server; its CA is trusted via NODE_EXTRA_CA_CERTS.
      const agent = new https.Agent({ keepAlive: true, lookup: (_h, o, cb) => (o?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) });
      const cred = new ClientSecretCredential(info.azurekv.tenantId, info.azurekv.clientId, info.azurekv.clientSecret, {
        authorityHost: info.azurekv.authorityHost,
        disableInstanceDiscovery: true,
      });
      const c = new SecretClient(info.azurekv.vaultUrl, cred, { agent, retryOptions: { maxRetries: 0 } });
      let bytes = 0;
      for (const k of keys) bytes += (await c.getSecret(`app-${k}`)).value.length;
      agent.destroy();
      return bytes;
    },
  },
  openbao: {
    storeName: 'openbao',
    store: (info) => ({ openBao: { server: info.openbao.url, path: 'kv', version: 'v2', auth: { tokenSecretRef: { name: 'bao-token', key: 'token' } } } }),
    credentials: (cred, info) => cred('bao-token', 'token', info.openbao.token),
    naive: (info, keys) => naiveGets(keys.map((k) => `${info.openbao.url}/v1/kv/data/app-${k}`), { 'X-Vault-Token': info.openbao.token }),
  },
  kubernetes: {
    store: (info) => ({
      kubernetes: { server: { url: info.kubernetes.url }, remoteNamespace: info.kubernetes.namespace, auth: { token: { bearerToken: { name: 'kube-token', key: 'token' } } } },
    }),
    credentials: (cred, info) => cred('kube-token', 'token', info.kubernetes.token),
    naive: (info, keys) =>
      naiveGets(keys.map((k) => `${info.kubernetes.url}/api/v1/namespaces/${info.kubernetes.namespace}/secrets/app-${k}`), { Authorization: `Bearer ${info.kubernetes.token}` }),
  },
  gitlab: {
    store: (info) => ({ gitlab: { url: info.gitlab.url, projectID: info.gitlab.projectID, auth: { SecretRef: { accessToken: { name: 'gitlab-token', key: 'token' } } } } }),
    credentials: (cred, info) => cred('gitlab-token', 'token', info.gitlab.token),
    naive: (info, keys) => naiveGets(keys.map((k) => `${info.gitlab.url}/api/v4/projects/${info.gitlab.projectID}/variables/app_${k}`), { 'PRIVATE-TOKEN': info.gitlab.token }),
  },
  doppler: {
    key: (k) => `APP_${k}`,
    batch: 50,
    requestTarget: (u) => Math.ceil(u / 50),
    targetNote: 'secrets downloads, 50 names per call',
    store: () => ({ doppler: { auth: { secretRef: { dopplerToken: { name: 'doppler-token' } } } } }),
    credentials: (cred, info) => cred('doppler-token', 'dopplerToken', info.doppler.token),
    env: (info) => ({ ESO_RENDER_DOPPLER_API_ADDRESS: info.doppler.url }),
    // ESO's one download per data entry.
    naive: (info, keys) =>
      naiveGets(keys.map((k) => `${info.doppler.url}/v3/configs/config/secrets/download?secrets=APP_${k}`), {
        authorization: `Basic ${Buffer.from(`${info.doppler.token}:`).toString('base64')}`,
        accept: 'application/json',
      }),
  },
  infisical: {
    // One universal-auth login before the reads.
    setupTrips: 1,
    store: (info) => ({
      infisical: {
        hostAPI: info.infisical.url,
        auth: { universalAuthCredentials: { clientId: { name: 'inf-ua', key: 'clientId' }, clientSecret: { name: 'inf-ua', key: 'clientSecret' } } },
        secretsScope: { projectSlug: 'bench', environmentSlug: 'prod' },
      },
    }),
    credentials: (cred, info) => {
      cred('inf-ua', 'clientId', info.infisical.clientId);
      cred('inf-ua', 'clientSecret', info.infisical.clientSecret);
    },
    // The Infisical provider is a thin HTTP client (no SDK); the naive loop logs in once, then one GET per entry.
    async naive(info, keys) {
      const login = await fetch(`${info.infisical.url}/api/v1/auth/universal-auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: info.infisical.clientId, clientSecret: info.infisical.clientSecret, organizationSlug: '' }),
      });
      const { accessToken } = await login.json();
      return naiveGets(keys.map((k) => `${info.infisical.url}/api/v3/secrets/raw/app-${k}?workspaceSlug=bench&environment=prod&secretPath=%2F&include_imports=true`), { authorization: `Bearer ${accessToken}` });
    },
  },
  bitwarden: {
    // Names are found through the organization's listing: one round trip before the reads.
    setupTrips: 1,
    requestTarget: (u) => u + 1,
    targetNote: 'one listing of the organization, then one per unique secret',
    store: (info) => ({
      bitwardensecretsmanager: {
        bitwardenServerSDKURL: info.bitwarden.url,
        caBundle: info.bitwarden.caBundle,
        organizationID: info.bitwarden.organizationID,
        projectID: info.bitwarden.projectID,
        auth: { secretRef: { credentials: { name: 'bw-token', key: 'token' } } },
      },
    }),
    credentials: (cred, info) => cred('bw-token', 'token', info.bitwarden.token),
    // ESO's request by id per entry, after one listing to learn the ids.
    async naive(info, keys) {
      const https = await import('node:https');
      const agent = new https.Agent({ keepAlive: true, ca: Buffer.from(info.bitwarden.caBundle, 'base64').toString('utf8') });
      const get = (p, body) =>
        new Promise((resolve, reject) => {
          const data = JSON.stringify(body);
          const r = https.request(`${info.bitwarden.url}${p}`, { method: 'GET', agent, headers: { 'Warden-Access-Token': info.bitwarden.token, 'Content-Length': Buffer.byteLength(data) } }, (res) => {
            const chunks = [];
            res.on('data', (d) => chunks.push(d));
            res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`bitwarden ${res.statusCode}`))));
          });
          r.on('error', reject);
          r.end(data);
        });
      const list = JSON.parse((await get('/rest/api/1/secrets', { organizationID: info.bitwarden.organizationID })).toString());
      const ids = new Map(list.data.map((d) => [d.key, d.id]));
      let bytes = 0;
      for (const k of keys) bytes += (await get('/rest/api/1/secret', { id: ids.get(`app-${k}`) })).length;
      agent.destroy();
      return bytes;
    },
  },
  onepassword: {
    // ESO's Connect client finds an item by title (one list request), then reads it: two round trips.
    roundTrips: 2,
    setupTrips: 1,
    requestTarget: (u) => 2 * u,
    // Two requests per unique secret (username, password): half a secret per request, for the floor.
    batch: 0.5,
    targetNote: "two per unique item (ESO's lookup by title, then the item); the vault's lookup by name is one more, before any",
    store: (info) => ({ onepassword: { connectHost: info.onepassword.url, vaults: { [info.onepassword.vault]: 1 }, auth: { secretRef: { connectTokenSecretRef: { name: 'connect-token', key: 'token' } } } } }),
    credentials: (cred, info) => cred('connect-token', 'token', info.onepassword.token),
    async naive(info, keys) {
      // The same calls ESO's client makes, one data entry at a time: the vault, the item by title, the item.
      const headers = { Authorization: `Bearer ${info.onepassword.token}` };
      const get = async (p) => JSON.parse(await getText(`${info.onepassword.url}${p}`, headers));
      const [vault] = await get(`/v1/vaults?filter=${encodeURIComponent(`title eq "${info.onepassword.vault}"`)}`);
      let bytes = 0;
      for (const k of keys) {
        const [item] = await get(`/v1/vaults/${vault.id}/items?filter=${encodeURIComponent(`title eq "app-${k}"`)}`);
        bytes += JSON.stringify(await get(`/v1/vaults/${vault.id}/items/${item.id}`)).length;
      }
      return bytes;
    },
  },
  webhook: {
    // Every data entry has its own (key, property) pair: the property is template data (it picks the
    // jsonPath), so a read is one request per pair, identical pairs once.
    requestTarget: (u) => 2 * u,
    // Two requests per unique secret (username, password): half a secret per request, for the floor.
    batch: 0.5,
    targetNote: 'one per unique (key, property): the property is part of the templated request',
    store: (info) => ({
      webhook: {
        url: `${info.webhook.url}/api/secrets/{{ .remoteRef.key }}`,
        headers: { Authorization: 'Bearer {{ .auth.token }}' },
        result: { jsonPath: '$.{{ .remoteRef.property }}' },
        secrets: [{ name: 'auth', secretRef: { name: 'webhook-auth' } }],
      },
    }),
    credentials: (cred, info) => cred('webhook-auth', 'token', info.webhook.token),
    naive: (info, keys) => naiveGets(keys.map((k) => `${info.webhook.url}/api/secrets/app-${k}`), { authorization: `Bearer ${info.webhook.token}` }),
  },
};

const keepAlive = new http.Agent({ keepAlive: true });
function getText(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: keepAlive, headers }, (res) => {
        let s = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (s += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(s) : reject(new Error(`${url}: ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

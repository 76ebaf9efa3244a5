// Manifest streams for the benchmarks, generated deterministically (same input in every run).
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** `n` plain resources (ConfigMaps, Deployments, Services) and no ExternalSecret: the cold-start input. */
export function plainStream(n) {
  const docs = [];
  for (let i = 0; i < n; i++) {
    switch (i % 3) {
      case 0:
        docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-${i}
  namespace: apps
  labels:
    app.kubernetes.io/name: web
data:
  LOG_LEVEL: info
  WORKERS: "4"
  greeting: |
    hello
    world
`);
        break;
      case 1:
        docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
  namespace: apps
spec:
  replicas: 2
  selector:
    matchLabels: { app: web-${i} }
  template:
    metadata:
      labels: { app: web-${i} }
    spec:
      containers:
        - name: web
          image: nginx:1.27 # pinned
          ports: [{ containerPort: 8080 }]
          envFrom:
            - configMapRef: { name: settings-${i - 1} }
`);
        break;
      default:
        docs.push(`apiVersion: v1
kind: Service
metadata:
  name: web-${i}
  namespace: apps
spec:
  selector: { app: web-${i - 1} }
  ports:
    - port: 80
      targetPort: 8080
`);
    }
  }
  return docs.map((d) => `---\n${d}`).join('');
}

/** The quickstart's app-config template (kustomize-examples/quickstart/app-config.yaml), verbatim. */
export const APP_CONFIG_TEMPLATE = `database:
  url: postgres://{{ .db_username }}:{{ .db_password }}@{{ .db_host }}:{{ .db_port }}/shop
api:
  token: {{ .api_token | quote }}
features:
{{- range $name, $value := .flags | fromJson }}
  {{ $name }}: {{ $value | quote }}
{{- end }}
`;

const indent = (text, n) => text.split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');

/** Fake store data: `unique` JSON secrets plus the quickstart's keys. */
export function fakeStoreDoc(unique = 200) {
  const lines = [];
  for (let k = 0; k < unique; k++) {
    const v = JSON.stringify({ username: `user-${k}`, password: `pw-${k}-horse-battery`, host: `db-${k}.internal`, port: 5432 + (k % 10) });
    lines.push(`        - key: /apps/app-${k}/db\n          value: '${v}'`);
  }
  lines.push(`        - key: /prod/app/api-token\n          value: tok-9f8e7d6c5b4a\n          version: v2`);
  lines.push(`        - key: /prod/app/feature-flags\n          value: '{"beta":"on","maxUsers":"250"}'`);
  return `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: fake
spec:
  provider:
    fake:
      data:
${lines.join('\n')}
`;
}

/**
 * The engine mix: one in four of each shape (data with properties; dataFrom extract with a regexp
 * rewrite; dataFrom find by name with a key conversion; data plus the quickstart's template).
 * `unique` bounds the distinct secrets read, so reads repeat across ExternalSecrets as in real apps.
 */
export function externalSecret(i, { unique = 200, store = 'fake', storeKind = 'ClusterSecretStore' } = {}) {
  const k = (i * 7) % unique;
  const head = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: es-${i}
  namespace: team-${i % 10}
  labels:
    app.kubernetes.io/part-of: shop
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: ${storeKind}
    name: ${store}
  target:
    name: secret-${i}
`;
  switch (i % 4) {
    case 0:
      return `${head}  data:
    - secretKey: username
      remoteRef: { key: /apps/app-${k}/db, property: username }
    - secretKey: password
      remoteRef: { key: /apps/app-${k}/db, property: password }
    - secretKey: host
      remoteRef: { key: /apps/app-${k}/db, property: host }
`;
    case 1:
      return `${head}  dataFrom:
    - extract:
        key: /apps/app-${k}/db
      rewrite:
        - regexp: { source: "^(.*)$", target: "DB_$1" }
`;
    case 2:
      return `${head}  dataFrom:
    - find:
        name:
          regexp: "^/apps/app-${k % 20}[0-9]*/db$"
        conversionStrategy: Default
      rewrite:
        - regexp: { source: "[^a-zA-Z0-9]+", target: "_" }
`;
    default:
      return `${head}    template:
      engineVersion: v2
      data:
        config.yaml: |
${indent(APP_CONFIG_TEMPLATE, 10)}
  data:
    - secretKey: db_username
      remoteRef: { key: /apps/app-${k}/db, property: username }
    - secretKey: db_password
      remoteRef: { key: /apps/app-${k}/db, property: password }
    - secretKey: db_host
      remoteRef: { key: /apps/app-${k}/db, property: host }
    - secretKey: db_port
      remoteRef: { key: /apps/app-${k}/db, property: port }
    - secretKey: api_token
      remoteRef: { key: /prod/app/api-token, version: v2 }
    - secretKey: flags
      remoteRef: { key: /prod/app/feature-flags }
`;
  }
}

/** `n` ExternalSecrets of the engine mix on the fake store, with the store in the stream. */
export function engineStream(n, unique = 200) {
  const docs = [fakeStoreDoc(unique)];
  for (let i = 0; i < n; i++) docs.push(externalSecret(i, { unique }));
  return docs.map((d) => `---\n${d}`).join('');
}

/** The quickstart (kustomize-examples/quickstart): the fake store, two ExternalSecrets and a Deployment. */
export function quickstartStream(root) {
  const dir = path.join(root, 'kustomize-examples', 'quickstart');
  return ['store.yaml', 'db-credentials.yaml', 'app-config.yaml', 'deployment.yaml'].map((f) => `---\n${readFileSync(path.join(dir, f), 'utf8')}`).join('');
}

/**
 * `n` resources of which `es` ExternalSecrets (the engine mix) and one fake store, the rest plain
 * resources (plainStream's ConfigMaps, Deployments, Services), ExternalSecrets spread evenly.
 */
export function mixedStream(n, es, unique = 200) {
  const plain = plainStream(n - es - 1).split(/^(?=---\n)/m);
  const docs = [`---\n${fakeStoreDoc(unique)}`];
  const every = Math.floor(plain.length / es);
  let e = 0;
  plain.forEach((d, i) => {
    docs.push(d);
    if (e < es && (i + 1) % every === 0) docs.push(`---\n${externalSecret(e++, { unique })}`);
  });
  while (e < es) docs.push(`---\n${externalSecret(e++, { unique })}`);
  return docs.join('');
}

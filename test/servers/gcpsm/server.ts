// A loopback Google Secret Manager: a real gRPC server (@grpc/grpc-js) serving the SecretManagerService
// definition loaded from the protos that @google-cloud/secret-manager ships, so the real client talks to
// it over the real wire protocol. It answers AccessSecretVersion, GetSecret, ListSecrets (filter +
// paging) and ListSecretVersions, returns NOT_FOUND / PERMISSION_DENIED / UNAVAILABLE /
// FAILED_PRECONDITION as the service does, and records every request it receives.

import { createRequire } from 'node:module';
import { createPublicKey, createVerify } from 'node:crypto';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const require = createRequire(import.meta.url);

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

export interface FakeVersion {
  data: string | Uint8Array;
  state?: VersionState;
}

export interface FakeSecret {
  /** The secret ID. */
  id: string;
  /** Regional secrets live under a location. */
  location?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Versions 1..n, in creation order. */
  versions: FakeVersion[];
}

export interface RecordedRequest {
  method: 'AccessSecretVersion' | 'GetSecret' | 'ListSecrets' | 'ListSecretVersions';
  name?: string;
  parent?: string;
  filter?: string;
  pageToken?: string;
  authorization?: string;
}

export interface Fault {
  method: RecordedRequest['method'];
  /** Only requests whose name/parent contains this. */
  match?: string;
  code: grpc.status;
  details?: string;
  /** How many times to fail (default: forever). */
  times?: number;
}

export interface GsmServerOptions {
  projectId: string;
  /** The service answers with project numbers in resource names; requests may use either. */
  projectNumber: string;
  secrets: FakeSecret[];
  pageSize?: number;
  /** Serve TLS with this key/cert instead of plaintext. */
  tls?: { keyPem: string; certPem: string };
  /** When set, every request must carry a self-signed JWT from this service account key. */
  requireServiceAccount?: { clientEmail: string; publicKeyPem: string };
  /** When set, every request must carry `Bearer <token>` for one of these (e.g. what a loopback STS issued). */
  requireBearer?: Set<string>;
}

export interface GsmServer {
  port: number;
  endpoint: string;
  requests: RecordedRequest[];
  faults: Fault[];
  secrets: FakeSecret[];
  /** Answer every call this many milliseconds late (a slow or hanging backend). */
  delayMs: number;
  stop(): Promise<void>;
}

function loadService(): grpc.ServiceDefinition {
  const smDir = path.dirname(require.resolve('@google-cloud/secret-manager/package.json'));
  const gaxMain = require.resolve('google-gax', { paths: [smDir] });
  const gaxDir = path.resolve(path.dirname(gaxMain), '..', '..');
  const def = protoLoader.loadSync('google/cloud/secretmanager/v1/service.proto', {
    includeDirs: [path.join(smDir, 'build/protos'), path.join(gaxDir, 'build/protos')],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pkg = grpc.loadPackageDefinition(def) as any;
  return pkg.google.cloud.secretmanager.v1.SecretManagerService.service;
}

class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(details);
  }
}

/** Splits `projects/P[/locations/L]/secrets/S[/versions/V]`, accepting the project ID or number. */
function parseName(name: string, opts: GsmServerOptions, withVersion: boolean) {
  const re = withVersion
    ? /^projects\/([^/]+)(?:\/locations\/([^/]+))?\/secrets\/([^/]+)\/versions\/([^/]+)$/
    : /^projects\/([^/]+)(?:\/locations\/([^/]+))?\/secrets\/([^/]+)$/;
  const m = re.exec(name);
  if (!m) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid resource field value in the request: ${name}`);
  if (m[1] !== opts.projectId && m[1] !== opts.projectNumber) {
    throw new RpcError(grpc.status.PERMISSION_DENIED, `Permission denied on resource project ${m[1]}.`);
  }
  return { location: m[2], id: m[3]!, version: m[4] };
}

function secretName(opts: GsmServerOptions, s: FakeSecret): string {
  return s.location
    ? `projects/${opts.projectNumber}/locations/${s.location}/secrets/${s.id}`
    : `projects/${opts.projectNumber}/secrets/${s.id}`;
}

function findSecret(opts: GsmServerOptions, secrets: FakeSecret[], location: string | undefined, id: string): FakeSecret {
  const s = secrets.find((x) => x.id === id && x.location === location);
  if (!s) {
    const where = location ? `projects/${opts.projectNumber}/locations/${location}` : `projects/${opts.projectNumber}`;
    throw new RpcError(grpc.status.NOT_FOUND, `Secret [${where}/secrets/${id}] not found or has no versions.`);
  }
  return s;
}

function createTime(index: number) {
  return { seconds: String(1_700_000_000 + index * 60), nanos: 0 };
}

function secretMessage(opts: GsmServerOptions, s: FakeSecret) {
  return {
    name: secretName(opts, s),
    labels: s.labels ?? {},
    annotations: s.annotations ?? {},
    createTime: createTime(0),
  };
}

/** The subset of the List filter grammar ESO sends: space-separated AND of `name:x` and `labels.k=v`. */
function matchesFilter(s: FakeSecret, filter: string): boolean {
  for (const term of filter.split(/\s+/).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^name:(.*)$/.exec(term))) {
      if (!s.id.includes(m[1]!)) return false;
    } else if ((m = /^labels\.([^=:]+)[=:](.*)$/.exec(term))) {
      if ((s.labels ?? {})[m[1]!] !== m[2]) return false;
    } else {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid filter: ${filter}`);
    }
  }
  return true;
}

function verifyJwt(authorization: string | undefined, want: { clientEmail: string; publicKeyPem: string }): void {
  const m = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
  if (!m) throw new RpcError(grpc.status.UNAUTHENTICATED, 'Request had invalid authentication credentials.');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${m[1]}.${m[2]}`);
  const ok = verifier.verify(createPublicKey(want.publicKeyPem), Buffer.from(m[3]!, 'base64url'));
  const claims = JSON.parse(Buffer.from(m[2]!, 'base64url').toString('utf8')) as { iss?: string; exp?: number };
  if (!ok || claims.iss !== want.clientEmail || !claims.exp || claims.exp * 1000 < Date.now()) {
    throw new RpcError(grpc.status.UNAUTHENTICATED, 'Request had invalid authentication credentials.');
  }
}

export async function startGsmServer(opts: GsmServerOptions): Promise<GsmServer> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const self = { requests, faults, secrets: opts.secrets, delayMs: 0 } as GsmServer;
  const pageSize = opts.pageSize ?? 2;
  const secrets = opts.secrets;

  const later = (f: () => void) => (self.delayMs > 0 ? setTimeout(f, self.delayMs).unref() : f());
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Req = Record<string, any>;
  function handle(method: RecordedRequest['method'], fn: (req: Req) => unknown): grpc.handleUnaryCall<Req, unknown> {
    return (call, callback) => {
      const req = call.request;
      const auth = call.metadata.get('authorization')[0];
      const rec: RecordedRequest = { method, name: req.name || undefined, parent: req.parent || undefined };
      if (req.filter) rec.filter = req.filter;
      if (req.pageToken) rec.pageToken = req.pageToken;
      if (auth !== undefined) rec.authorization = String(auth);
      requests.push(rec);
      try {
        if (opts.requireServiceAccount) verifyJwt(rec.authorization, opts.requireServiceAccount);
        if (opts.requireBearer) {
          const m = /^Bearer (\S+)$/.exec(rec.authorization ?? '');
          if (!m || !opts.requireBearer.has(m[1]!)) throw new RpcError(grpc.status.UNAUTHENTICATED, 'Request had invalid authentication credentials.');
        }
        const target = rec.name ?? rec.parent ?? '';
        const fault = faults.find((f) => f.method === method && (!f.match || target.includes(f.match)) && f.times !== 0);
        if (fault) {
          if (fault.times !== undefined) fault.times--;
          throw new RpcError(fault.code, fault.details ?? `injected ${grpc.status[fault.code]}`);
        }
        const res = fn(req);
        later(() => callback(null, res));
      } catch (e) {
        if (e instanceof RpcError) later(() => callback({ code: e.code, details: e.details, metadata: new grpc.Metadata() }));
        else later(() => callback({ code: grpc.status.INTERNAL, details: String(e) }));
      }
    };
  }

  function page<T>(all: T[], token: string | undefined): { items: T[]; next: string } {
    const start = token ? Number(token) : 0;
    if (!Number.isInteger(start) || start < 0) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Invalid page token');
    const end = start + pageSize;
    return { items: all.slice(start, end), next: end < all.length ? String(end) : '' };
  }

  const server = new grpc.Server();
  server.addService(loadService(), {
    accessSecretVersion: handle('AccessSecretVersion', (req) => {
      const n = parseName(req.name, opts, true);
      const s = findSecret(opts, secrets, n.location, n.id);
      const idx = n.version === 'latest' ? s.versions.length - 1 : Number(n.version) - 1;
      const v = s.versions[idx];
      if (!v || !Number.isInteger(idx)) {
        throw new RpcError(grpc.status.NOT_FOUND, `Secret Version [${secretName(opts, s)}/versions/${n.version}] not found.`);
      }
      const versionName = `${secretName(opts, s)}/versions/${idx + 1}`;
      const state = v.state ?? 'ENABLED';
      if (state !== 'ENABLED') {
        throw new RpcError(grpc.status.FAILED_PRECONDITION, `Secret Version [${versionName}] is in ${state} state.`);
      }
      return { name: versionName, payload: { data: Buffer.from(v.data) } };
    }),
    getSecret: handle('GetSecret', (req) => {
      const n = parseName(req.name, opts, false);
      return secretMessage(opts, findSecret(opts, secrets, n.location, n.id));
    }),
    listSecrets: handle('ListSecrets', (req) => {
      const m = /^projects\/([^/]+)(?:\/locations\/([^/]+))?$/.exec(req.parent);
      if (!m) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid resource field value in the request: ${req.parent}`);
      if (m[1] !== opts.projectId && m[1] !== opts.projectNumber) {
        throw new RpcError(grpc.status.PERMISSION_DENIED, `Permission denied on resource project ${m[1]}.`);
      }
      const all = secrets.filter((s) => s.location === m[2] && matchesFilter(s, req.filter ?? ''));
      const p = page(all, req.pageToken || undefined);
      return { secrets: p.items.map((s) => secretMessage(opts, s)), nextPageToken: p.next, totalSize: all.length };
    }),
    listSecretVersions: handle('ListSecretVersions', (req) => {
      const n = parseName(req.parent, opts, false);
      const s = findSecret(opts, secrets, n.location, n.id);
      const all = s.versions
        .map((v, i) => ({
          name: `${secretName(opts, s)}/versions/${i + 1}`,
          state: v.state ?? 'ENABLED',
          createTime: createTime(i + 1),
        }))
        .filter((v) => !req.filter || req.filter === `state:${v.state}`);
      const p = page(all, req.pageToken || undefined);
      return { versions: p.items, nextPageToken: p.next, totalSize: all.length };
    }),
  });

  const creds = opts.tls
    ? grpc.ServerCredentials.createSsl(null, [
        { private_key: Buffer.from(opts.tls.keyPem), cert_chain: Buffer.from(opts.tls.certPem) },
      ])
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  Object.assign(self, {
    port,
    endpoint: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000).unref();
      }),
  });
  return self;
}

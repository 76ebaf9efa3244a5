// ESO's VaultDynamicSecret generator (generators/v1/vault/vault.go): one call to any Vault path (database
// credentials, PKI certificates, tokens...) whose response becomes secret data. Every call issues new
// credentials; docs/providers/vault.md explains what that means under Argo CD.

import { ProviderError } from '../types.js';
import type { GeneratorContext, GeneratorModule } from '../types.js';
import { VaultConnection } from './connection.js';
import { VaultAuthError } from './auth.js';
import { VaultHttpError, VaultTransportError, asSecret } from './http.js';
import { GoNumber, GoObject, GoValue, goByteValue, goMarshal, isGoObject, parseGoJson } from '../shared/go-json.js';
import { parseVaultSpec } from './store-spec.js';
import { describeVaultError } from './kv-client.js';
import { pathProblem, quote } from '../../common/remote-keys.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// One login per Vault configuration per run. The run's abort signal is the one object every generate
// call of a run shares (the engine builds a resolver per call), so it keys the cache.
const connections = new WeakMap<AbortSignal, Map<string, Promise<VaultConnection>>>();

export async function generate(ctx: GeneratorContext): Promise<Map<string, Uint8Array>> {
  const g = ctx.generator;
  const meta = (g.metadata ?? {}) as Obj;
  const label = `VaultDynamicSecret/${String(meta.namespace ?? ctx.namespace)}/${String(meta.name ?? '')}`;
  const spec = isObj(g.spec) ? g.spec : undefined;
  if (!spec) throw new ProviderError(`${label}: no config spec provided`);
  if (!isObj(spec.provider)) throw new ProviderError(`${label}: no Vault provider config in spec`);
  const path = typeof spec.path === 'string' ? spec.path.replace(/^\/+/, '') : '';
  if (!path) throw new ProviderError(`${label}: spec.path is required`);
  // Canonical like a remote key (src/common/remote-keys.ts): refused before the login, so no request at all.
  const notCanonical = pathProblem(path, { trailingSlash: true });
  if (notCanonical) throw new ProviderError(`${label}: spec.path ${quote(path)} is not canonical: it has ${notCanonical}`);
  // Compared as ESO does: exactly GET (or empty), LIST, DELETE; any other string is a write.
  const method = typeof spec.method === 'string' ? spec.method : '';
  const resultType = typeof spec.resultType === 'string' && spec.resultType ? spec.resultType : 'Data';
  if (!['Data', 'Auth', 'Raw'].includes(resultType)) throw new ProviderError(`${label}: spec.resultType must be Data, Auth or Raw`);

  let conn: VaultConnection;
  try {
    conn = await connectionFor(ctx, spec.provider);
  } catch (e) {
    throw new ProviderError(`${label}: unable to setup Vault client: ${(e as Error).message}`);
  }

  let result: GoObject | null;
  try {
    result = await call(conn, method, path, spec);
  } catch (e) {
    const why =
      e instanceof VaultHttpError ? describeVaultError(e)
      : e instanceof VaultAuthError || e instanceof VaultTransportError ? e.message
      : (e as Error).message;
    const retryable = (e instanceof VaultHttpError || e instanceof VaultTransportError) && e.retryable;
    throw new ProviderError(`${label}: unable to get dynamic secret from "${path}" (vault ${conn.spec.server}): ${why}`, { retryable });
  }
  if (result === null) {
    if (spec.allowEmptyResponse === true) return new Map();
    throw new ProviderError(`${label}: unable to get dynamic secret from "${path}": empty response from Vault`);
  }
  return prepareResponse(result, resultType);
}

async function connectionFor(ctx: GeneratorContext, provider: Obj): Promise<VaultConnection> {
  let perRun = connections.get(ctx.signal);
  if (!perRun) {
    perRun = new Map();
    connections.set(ctx.signal, perRun);
  }
  const key = `${ctx.namespace}\u0000${ctx.refuseAmbientIdentity === true}\u0000${JSON.stringify(provider)}`;
  let p = perRun.get(key);
  if (!p) {
    p = VaultConnection.open(parseVaultSpec(provider, 'spec.provider'), {
      credentials: ctx.credentials,
      signal: ctx.signal,
      deadline: ctx.deadline,
      concurrency: 4,
      countRequest: (n) => ctx.countRequest(n),
      countRetry: () => ctx.countRetry(),
      storeNamespace: ctx.namespace,
      ...(ctx.refuseAmbientIdentity ? { refuseAmbientIdentity: true } : {}),
      label: `VaultDynamicSecret/${String(ctx.generator.metadata?.namespace ?? ctx.namespace)}/${String(ctx.generator.metadata?.name ?? '')}`,
    }, 'spec.provider');
    perRun.set(key, p);
  }
  return p;
}

async function call(conn: VaultConnection, method: string, path: string, spec: Obj): Promise<GoObject | null> {
  if (method === '' || method === 'GET') {
    const query: Record<string, string[]> = {};
    if (isObj(spec.getParameters)) {
      for (const [k, v] of Object.entries(spec.getParameters)) query[k] = Array.isArray(v) ? v.map(String) : [String(v)];
    }
    return asSecret(await conn.request({ method: 'GET', path, query }));
  }
  if (method === 'LIST') return asSecret(await conn.request({ method: 'LIST', path }));
  if (method === 'DELETE') return asSecret(await conn.request({ method: 'DELETE', path }));
  // The Go client's Write is a PUT, whatever spec.method says (POST and PUT are the same to Vault).
  const body = isObj(spec.parameters) ? spec.parameters : {};
  const res = await conn.request({ method: 'PUT', path, body });
  if (res.status === 404) {
    const s = asSecret(res);
    if (s) return s;
    throw new VaultHttpError('PUT', path, 404, []);
  }
  return asSecret(res);
}

/** ESO's prepareResponse: Data as decoded (numbers keep their text); Auth and Raw through a float64 round trip. */
function prepareResponse(secret: GoObject, resultType: string): Map<string, Uint8Array> {
  let data: GoObject;
  if (resultType === 'Auth') {
    const auth = secret.get('auth');
    data = isGoObject(auth) ? roundTrip(secretAuthStruct(auth)) : new Map();
  } else if (resultType === 'Raw') {
    data = roundTrip(secretStruct(secret));
  } else {
    const d = secret.get('data');
    data = isGoObject(d) ? d : new Map();
  }
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of data) out.set(k, goByteValue(v));
  return out;
}

function roundTrip(v: GoObject): GoObject {
  const back = parseGoJson(goMarshal(v), 'float');
  return isGoObject(back) ? back : new Map();
}

// The Go structs' JSON fields (vault/api secret.go), so Raw/Auth have the keys ESO's output has.
function secretStruct(s: GoObject): GoObject {
  const m: GoObject = new Map();
  m.set('request_id', strField(s, 'request_id'));
  m.set('lease_id', strField(s, 'lease_id'));
  m.set('lease_duration', intField(s, 'lease_duration'));
  m.set('renewable', s.get('renewable') === true);
  const d = s.get('data');
  m.set('data', isGoObject(d) ? d : null);
  m.set('warnings', stringList(s.get('warnings')));
  const a = s.get('auth');
  if (isGoObject(a)) m.set('auth', secretAuthStruct(a));
  const w = s.get('wrap_info');
  if (isGoObject(w)) m.set('wrap_info', w);
  const mt = s.get('mount_type');
  if (typeof mt === 'string' && mt) m.set('mount_type', mt);
  return m;
}

function secretAuthStruct(a: GoObject): GoObject {
  const m: GoObject = new Map();
  m.set('client_token', strField(a, 'client_token'));
  m.set('accessor', strField(a, 'accessor'));
  m.set('policies', stringList(a.get('policies')));
  m.set('token_policies', stringList(a.get('token_policies')));
  m.set('identity_policies', stringList(a.get('identity_policies')));
  const md = a.get('metadata');
  m.set('metadata', isGoObject(md) ? md : null);
  m.set('orphan', a.get('orphan') === true);
  m.set('entity_id', strField(a, 'entity_id'));
  m.set('lease_duration', intField(a, 'lease_duration'));
  m.set('renewable', a.get('renewable') === true);
  const mfa = a.get('mfa_requirement');
  m.set('mfa_requirement', isGoObject(mfa) ? mfa : null);
  return m;
}

function strField(o: GoObject, k: string): string {
  const v = o.get(k);
  return typeof v === 'string' ? v : '';
}

function intField(o: GoObject, k: string): GoValue {
  const v = o.get(k);
  return v instanceof GoNumber ? v : new GoNumber('0');
}

function stringList(v: GoValue | undefined): GoValue {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : null;
}

export const generatorModule: GeneratorModule = { generate };

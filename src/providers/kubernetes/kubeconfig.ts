// A kubeconfig given through `authRef`, read as clientcmd.RESTConfigFromKubeConfig does for the current
// context, limited to what works from the kubeconfig's own bytes: the cluster's server,
// certificate-authority-data and insecure-skip-tls-verify; the user's token, client-certificate-data and
// client-key-data, or username and password. Anything that would make the sidecar read its own files or
// run a program (certificate-authority, client-certificate, client-key, tokenFile, exec, auth-provider)
// or act as someone else (as, as-groups) is refused by field: a kubeconfig is a credential the store
// names, and it must not reach the process's own identity (its ServiceAccount token file, for one).

import { parse as parseYaml } from 'yaml';
import type { KubeTls } from './http.js';

export interface KubeconfigAuth {
  server: string;
  tls: KubeTls;
  token?: string;
  basic?: { username: string; password: string };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class KubeconfigError extends Error {}

const REFUSED_CLUSTER = ['certificate-authority', 'proxy-url', 'tls-server-name', 'disable-compression'];
const REFUSED_USER = ['client-certificate', 'client-key', 'tokenFile', 'exec', 'auth-provider', 'as', 'as-uid', 'as-groups', 'as-user-extra'];

function named(list: unknown, name: string, what: string, inner: string): Obj {
  const items = Array.isArray(list) ? list : [];
  const found = items.find((i) => isObj(i) && i.name === name) as Obj | undefined;
  if (!found || !isObj(found[inner])) throw new KubeconfigError(`invalid configuration: ${what} ${JSON.stringify(name)} is not in the kubeconfig`);
  return found[inner] as Obj;
}

function b64(o: Obj, k: string, where: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new KubeconfigError(`${where}.${k} must be a string`);
  return Buffer.from(v, 'base64').toString('utf8');
}

export function readKubeconfig(text: string): KubeconfigAuth {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    // The kubeconfig is a credential: its text is never quoted.
    throw new KubeconfigError('the kubeconfig is not valid YAML');
  }
  if (!isObj(doc)) throw new KubeconfigError('the kubeconfig is not a YAML object');
  const current = doc['current-context'];
  if (typeof current !== 'string' || current === '') throw new KubeconfigError('invalid configuration: no current-context is set');
  const ctx = named(doc.contexts, current, 'context', 'context');
  const cluster = named(doc.clusters, String(ctx.cluster ?? ''), 'cluster', 'cluster');
  const user = typeof ctx.user === 'string' && ctx.user !== '' ? named(doc.users, ctx.user, 'user', 'user') : {};
  for (const k of REFUSED_CLUSTER) if (cluster[k] !== undefined) throw new KubeconfigError(`clusters[].cluster.${k} is not supported: only what the kubeconfig itself holds is used (certificate-authority-data, not a file of the sidecar)`);
  for (const k of REFUSED_USER) if (user[k] !== undefined) throw new KubeconfigError(`users[].user.${k} is not supported: a kubeconfig in a store may not read the sidecar's files, run programs or impersonate; use token, client-certificate-data/client-key-data or username/password`);
  const server = cluster.server;
  if (typeof server !== 'string' || server === '') throw new KubeconfigError('invalid configuration: no server found for cluster');
  const tls: KubeTls = {};
  const ca = b64(cluster, 'certificate-authority-data', 'clusters[].cluster');
  if (ca) tls.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) tls.insecure = true;
  const cert = b64(user, 'client-certificate-data', 'users[].user');
  const key = b64(user, 'client-key-data', 'users[].user');
  if (cert || key) {
    if (!cert || !key) throw new KubeconfigError('users[].user needs both client-certificate-data and client-key-data');
    tls.cert = cert;
    tls.key = key;
  }
  const out: KubeconfigAuth = { server, tls };
  if (typeof user.token === 'string' && user.token !== '') out.token = user.token;
  else if (typeof user.username === 'string' && typeof user.password === 'string') out.basic = { username: user.username, password: user.password };
  return out;
}

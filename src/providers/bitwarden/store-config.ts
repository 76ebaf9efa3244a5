// The `spec.provider.bitwardensecretsmanager` block (ESO v2.9.0, apis/externalsecrets/v1/
// secretsstore_bitwarden_types.go), read with ESO's field names and checked with the wording of ESO's
// ValidateStore (providers/v1/bitwarden/provider.go). The CRD itself (organizationID, projectID and
// auth.secretRef.credentials required) is enforced by the strict schema table before this runs.

import type { SecretKeySelector } from '../types.js';
import { obj, selector, str } from '../shared/spec-read.js';

export const FIELD = 'spec.provider.bitwardensecretsmanager';

export interface BitwardenStoreConfig {
  /** The Bitwarden SDK server, e.g. https://bitwarden-sdk-server.external-secrets.svc:9998 (ESO appends /rest/api/1/...). */
  sdkUrl: string;
  /** Sent as Warden-Api-Url / Warden-Identity-Url, trailing '/' trimmed (the SDK server defaults empty ones). */
  apiUrl: string;
  identityUrl: string;
  /** caBundle as written (PEM or base64 of PEM). */
  caBundle?: string;
  caProvider?: { type: string; name: string; key: string; namespace?: string };
  organizationId: string;
  projectId: string;
  /** auth.secretRef.credentials: the machine account's access token. */
  credentials: SecretKeySelector;
}

type Problem = { field: string; message: string };

/** Header values may not hold control characters (Go's transport refuses them, Node's throws). */
const CONTROL = /[\u0000-\u001f\u007f]/;

function urlProblem(v: string): boolean {
  try {
    const u = new URL(v);
    return !(u.protocol === 'http:' || u.protocol === 'https:') || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '';
  } catch {
    return true;
  }
}

export function checkStore(spec: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const sdk = spec['bitwardenServerSDKURL'];
  if (typeof sdk !== 'string' || sdk === '') problems.push({ field: 'bitwardenServerSDKURL', message: 'bitwardenServerSDKURL not configured' });
  else if (urlProblem(sdk)) problems.push({ field: 'bitwardenServerSDKURL', message: `${FIELD}.bitwardenServerSDKURL: an http(s) URL without query, fragment or user info is required, such as https://bitwarden-sdk-server.external-secrets.svc.cluster.local:9998` });
  for (const f of ['apiURL', 'identityURL']) {
    const v = spec[f];
    if (typeof v === 'string' && CONTROL.test(v)) problems.push({ field: f, message: `${FIELD}.${f}: has a control character (it is sent as a request header)` });
  }
  if (!selector(obj(obj(obj(spec['auth'])?.['secretRef'])?.['credentials']))) {
    problems.push({ field: 'auth.secretRef.credentials', message: `missing: ${FIELD}.auth.secretRef.credentials (name and key)` });
  }
  const cp = obj(spec['caProvider']);
  if (spec['caProvider'] !== undefined && spec['caProvider'] !== null) {
    if (!cp || (cp['type'] !== 'Secret' && cp['type'] !== 'ConfigMap') || !str(cp['name']) || !str(cp['key'])) {
      problems.push({ field: 'caProvider', message: `${FIELD}.caProvider: type (Secret or ConfigMap), name and key are required` });
    }
  }
  return problems;
}

export function readStore(spec: Record<string, unknown>): BitwardenStoreConfig {
  const trim = (v: unknown) => (typeof v === 'string' ? v.replace(/\/$/, '') : '');
  const cfg: BitwardenStoreConfig = {
    sdkUrl: String(spec['bitwardenServerSDKURL']),
    apiUrl: trim(spec['apiURL']),
    identityUrl: trim(spec['identityURL']),
    organizationId: typeof spec['organizationID'] === 'string' ? spec['organizationID'] : '',
    projectId: typeof spec['projectID'] === 'string' ? spec['projectID'] : '',
    credentials: selector(obj(obj(obj(spec['auth'])?.['secretRef'])?.['credentials']))!,
  };
  if (typeof spec['caBundle'] === 'string' && spec['caBundle'] !== '') cfg.caBundle = spec['caBundle'];
  const cp = obj(spec['caProvider']);
  if (cp) {
    cfg.caProvider = { type: String(cp['type']), name: String(cp['name']), key: String(cp['key']) };
    if (str(cp['namespace'])) cfg.caProvider.namespace = cp['namespace'] as string;
  }
  return cfg;
}

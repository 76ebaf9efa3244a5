// The `spec.provider.gcpsm` block, read into a typed shape with ESO's field names and defaults.

import type { SecretKeySelector } from '../types.js';
import { obj, selector, str } from '../shared/spec-read.js';

export type AuthMode =
  | { kind: 'serviceAccountKey'; ref: SecretKeySelector }
  | { kind: 'workloadIdentity'; serviceAccount?: string; clusterProjectID?: string }
  | { kind: 'workloadIdentityFederation' }
  | { kind: 'default' };

export interface GcpStoreConfig {
  projectID?: string;
  location?: string;
  versionPolicy: 'LatestOrFail' | 'LatestOrFetch';
  auth: AuthMode;
}

type Problem = { field: string; message: string };

export function checkStore(spec: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const f of ['projectID', 'location', 'secretVersionSelectionPolicy']) {
    if (spec[f] !== undefined && typeof spec[f] !== 'string') problems.push({ field: f, message: `${f} must be a string` });
  }
  const policy = spec['secretVersionSelectionPolicy'];
  if (policy !== undefined && policy !== '' && policy !== 'LatestOrFail' && policy !== 'LatestOrFetch') {
    problems.push({ field: 'secretVersionSelectionPolicy', message: 'must be LatestOrFail or LatestOrFetch' });
  }
  const loc = spec['location'];
  if (typeof loc === 'string' && loc !== '' && !/^[a-z0-9-]+$/.test(loc)) {
    problems.push({ field: 'location', message: 'location must be a region name such as europe-west1' });
  }
  const auth = obj(spec['auth']);
  const secretRef = obj(auth?.['secretRef']);
  if (secretRef && !selector(secretRef['secretAccessKeySecretRef'])) {
    problems.push({ field: 'auth.secretRef.secretAccessKeySecretRef', message: 'name and key are required' });
  }
  const wi = obj(auth?.['workloadIdentity']);
  if (wi && !str(obj(wi['serviceAccountRef'])?.['name'])) {
    problems.push({ field: 'auth.workloadIdentity.serviceAccountRef.name', message: 'serviceAccountRef.name is required' });
  }
  return problems;
}

/** ESO's order: a service account key wins, then workload identity, then federation, then ADC. */
export function readStore(spec: Record<string, unknown>): GcpStoreConfig {
  const auth = obj(spec['auth']) ?? {};
  const secretRef = obj(auth['secretRef']);
  const wi = obj(auth['workloadIdentity']);
  let mode: AuthMode = { kind: 'default' };
  const keyRef = secretRef ? selector(secretRef['secretAccessKeySecretRef']) : undefined;
  if (keyRef) mode = { kind: 'serviceAccountKey', ref: keyRef };
  else if (wi) {
    mode = { kind: 'workloadIdentity' };
    const sa = str(obj(wi['serviceAccountRef'])?.['name']);
    if (sa) mode.serviceAccount = sa;
    const cp = str(wi['clusterProjectID']);
    if (cp) mode.clusterProjectID = cp;
  } else if (obj(auth['workloadIdentityFederation'])) mode = { kind: 'workloadIdentityFederation' };
  const cfg: GcpStoreConfig = {
    versionPolicy: spec['secretVersionSelectionPolicy'] === 'LatestOrFetch' ? 'LatestOrFetch' : 'LatestOrFail',
    auth: mode,
  };
  const projectID = str(spec['projectID']);
  if (projectID) cfg.projectID = projectID;
  const location = str(spec['location']);
  if (location) cfg.location = location;
  return cfg;
}

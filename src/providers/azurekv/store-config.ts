// The `spec.provider.azurekv` block, read into a typed shape with ESO's field names and defaults.

import type { SecretKeySelector } from '../types.js';
import { obj, selector, str } from '../shared/spec-read.js';

export type AuthType = 'ServicePrincipal' | 'ManagedIdentity' | 'WorkloadIdentity';

export interface AzureStoreConfig {
  vaultUrl: string;
  tenantId?: string;
  authType: AuthType;
  clientId?: SecretKeySelector;
  clientSecret?: SecretKeySelector;
  clientCertificate?: SecretKeySelector;
  tenantIdRef?: SecretKeySelector;
  serviceAccount?: { name: string; namespace?: string };
  identityId?: string;
  environmentType: string;
  /** ESO's `useAzureSDK`: the azcore-based code path, whose metadata and key JSON differ slightly. */
  useAzureSDK: boolean;
  activeDirectoryEndpoint?: string;
}

type Problem = { field: string; message: string };

const AUTH_TYPES = ['ServicePrincipal', 'ManagedIdentity', 'WorkloadIdentity'];
const ENVIRONMENTS = ['PublicCloud', 'USGovernmentCloud', 'ChinaCloud', 'GermanCloud', 'AzureStackCloud'];

export function checkStore(spec: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const url = spec['vaultUrl'];
  if (typeof url !== 'string' || url === '') problems.push({ field: 'vaultUrl', message: 'vaultUrl is required' });
  else {
    let ok = false;
    try {
      ok = new URL(url).protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) problems.push({ field: 'vaultUrl', message: 'vaultUrl must be an https URL such as https://my-vault.vault.azure.net' });
  }
  const authType = spec['authType'];
  if (authType !== undefined && !AUTH_TYPES.includes(authType as string)) {
    problems.push({ field: 'authType', message: `authType must be one of ${AUTH_TYPES.join(', ')}` });
  }
  const env = spec['environmentType'];
  if (env !== undefined && !ENVIRONMENTS.includes(env as string)) {
    problems.push({ field: 'environmentType', message: `environmentType must be one of ${ENVIRONMENTS.join(', ')}` });
  }
  const ref = obj(spec['authSecretRef']);
  for (const f of ['clientId', 'clientSecret', 'clientCertificate', 'tenantId']) {
    if (ref?.[f] !== undefined && !selector(ref[f])) problems.push({ field: `authSecretRef.${f}`, message: 'name and key are required' });
  }
  const ccc = obj(spec['customCloudConfig']);
  if (ccc) {
    if (spec['useAzureSDK'] !== true) {
      problems.push({ field: 'customCloudConfig', message: 'CustomCloudConfig requires UseAzureSDK to be set to true - the legacy SDK does not support custom clouds' });
    }
    if (!str(ccc['activeDirectoryEndpoint'])) {
      problems.push({ field: 'customCloudConfig.activeDirectoryEndpoint', message: 'activeDirectoryEndpoint is required in CustomCloudConfig' });
    }
  }
  if (env === 'AzureStackCloud' && !ccc) {
    problems.push({ field: 'customCloudConfig', message: 'CustomCloudConfig is required when EnvironmentType is AzureStackCloud' });
  }
  return problems;
}

export function readStore(spec: Record<string, unknown>): AzureStoreConfig {
  const ref = obj(spec['authSecretRef']) ?? {};
  const cfg: AzureStoreConfig = {
    vaultUrl: String(spec['vaultUrl']),
    // CRD default.
    authType: (str(spec['authType']) as AuthType | undefined) ?? 'ServicePrincipal',
    environmentType: str(spec['environmentType']) ?? 'PublicCloud',
    useAzureSDK: spec['useAzureSDK'] === true,
  };
  const tenantId = str(spec['tenantId']);
  if (tenantId) cfg.tenantId = tenantId;
  const clientId = selector(ref['clientId']);
  if (clientId) cfg.clientId = clientId;
  const clientSecret = selector(ref['clientSecret']);
  if (clientSecret) cfg.clientSecret = clientSecret;
  const clientCertificate = selector(ref['clientCertificate']);
  if (clientCertificate) cfg.clientCertificate = clientCertificate;
  const tenantIdRef = selector(ref['tenantId']);
  if (tenantIdRef) cfg.tenantIdRef = tenantIdRef;
  const sa = obj(spec['serviceAccountRef']);
  if (sa && str(sa['name'])) {
    cfg.serviceAccount = { name: sa['name'] as string };
    if (str(sa['namespace'])) cfg.serviceAccount.namespace = sa['namespace'] as string;
  }
  const identityId = str(spec['identityId']);
  if (identityId) cfg.identityId = identityId;
  const ad = str(obj(spec['customCloudConfig'])?.['activeDirectoryEndpoint']);
  if (ad) cfg.activeDirectoryEndpoint = ad;
  return cfg;
}

// The `spec.provider.aws` block of a store, read into a typed shape and checked the way ESO's
// webhook checks it. No SDK here: validation must not load it.

import type { SecretKeySelector } from '../types.js';

export type AwsService = 'SecretsManager' | 'ParameterStore';

export interface AwsTag {
  key: string;
  value: string;
}

export interface ServiceAccountRef {
  name: string;
  namespace?: string;
  audiences?: string[];
}

export interface AwsStoreSpec {
  service: AwsService;
  region?: string;
  role?: string;
  additionalRoles: string[];
  externalID?: string;
  sessionTags: AwsTag[];
  transitiveTagKeys: string[];
  sessionTagsPolicy: 'None' | 'Simple' | 'Custom';
  customSessionTags: Record<string, string>;
  prefix: string;
  auth: {
    secretRef?: {
      accessKeyID: SecretKeySelector;
      secretAccessKey: SecretKeySelector;
      sessionToken?: SecretKeySelector;
    };
    jwt?: { serviceAccountRef: ServiceAccountRef };
  };
}

export interface SpecProblem {
  field: string;
  message: string;
}

const FIELD = 'spec.provider.aws';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function selector(v: unknown): SecretKeySelector | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const name = str(o.name);
  const key = str(o.key);
  if (!name || !key) return undefined;
  return { name, key, ...(str(o.namespace) ? { namespace: str(o.namespace) } : {}) };
}

/** Problems a store spec has (ESO's webhook and CRD schema would reject these). */
export function validateAwsSpec(spec: Record<string, unknown>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const service = spec.service;
  if (service === 'CertificateManager') {
    problems.push({ field: `${FIELD}.service`, message: 'CertificateManager is not supported by eso-render (use SecretsManager or ParameterStore)' });
  } else if (service !== 'SecretsManager' && service !== 'ParameterStore') {
    problems.push({ field: `${FIELD}.service`, message: `must be SecretsManager or ParameterStore, got ${JSON.stringify(service ?? null)}` });
  }
  if (spec.region !== undefined && (typeof spec.region !== 'string' || !/^[a-z0-9-]*$/.test(spec.region))) {
    problems.push({ field: `${FIELD}.region`, message: `region not found: ${String(spec.region)}` });
  }
  for (const f of ['role', 'externalID', 'prefix'] as const) {
    if (spec[f] !== undefined && typeof spec[f] !== 'string') problems.push({ field: `${FIELD}.${f}`, message: 'must be a string' });
  }
  if (spec.additionalRoles !== undefined && !(Array.isArray(spec.additionalRoles) && spec.additionalRoles.every((r) => typeof r === 'string'))) {
    problems.push({ field: `${FIELD}.additionalRoles`, message: 'must be a list of role ARNs' });
  }
  if (spec.sessionTags !== undefined) {
    const ok = Array.isArray(spec.sessionTags) && spec.sessionTags.every((t) => typeof obj(t)?.key === 'string' && typeof obj(t)?.value === 'string');
    if (!ok) problems.push({ field: `${FIELD}.sessionTags`, message: 'must be a list of {key, value}' });
  }
  const policy = spec.sessionTagsPolicy;
  if (policy !== undefined && policy !== 'None' && policy !== 'Simple' && policy !== 'Custom') {
    problems.push({ field: `${FIELD}.sessionTagsPolicy`, message: 'must be None, Simple or Custom' });
  }
  const custom = obj(spec.customSessionTags);
  for (const reserved of ['esoNamespace', 'esoStoreName', 'esoStoreKind']) {
    if (custom && reserved in custom) {
      problems.push({ field: `${FIELD}.customSessionTags`, message: 'customSessionTags cannot contain automatically injected reserved keys: esoNamespace, esoStoreName, esoStoreKind' });
      break;
    }
  }
  const auth = obj(spec.auth);
  if (auth) {
    const secretRef = obj(auth.secretRef);
    const jwt = obj(auth.jwt);
    if (secretRef && jwt) problems.push({ field: `${FIELD}.auth`, message: 'only one of secretRef or jwt can be specified' });
    if (secretRef) {
      if (!selector(secretRef.accessKeyIDSecretRef)) problems.push({ field: `${FIELD}.auth.secretRef.accessKeyIDSecretRef`, message: 'needs name and key' });
      if (!selector(secretRef.secretAccessKeySecretRef)) problems.push({ field: `${FIELD}.auth.secretRef.secretAccessKeySecretRef`, message: 'needs name and key' });
      if (secretRef.sessionTokenSecretRef !== undefined && !selector(secretRef.sessionTokenSecretRef)) {
        problems.push({ field: `${FIELD}.auth.secretRef.sessionTokenSecretRef`, message: 'needs name and key' });
      }
    }
    if (jwt && !str(obj(jwt.serviceAccountRef)?.name)) {
      problems.push({ field: `${FIELD}.auth.jwt.serviceAccountRef.name`, message: 'is required' });
    }
  }
  return problems;
}

/** The spec as a typed value; call validateAwsSpec first (this throws on the first problem). */
export function parseAwsSpec(spec: Record<string, unknown>): AwsStoreSpec {
  const problems = validateAwsSpec(spec);
  if (problems.length > 0) throw new Error(`${problems[0]!.field}: ${problems[0]!.message}`);
  const auth = obj(spec.auth) ?? {};
  const secretRef = obj(auth.secretRef);
  const sa = obj(obj(auth.jwt)?.serviceAccountRef);
  const parsed: AwsStoreSpec = {
    service: spec.service as AwsService,
    region: str(spec.region),
    role: str(spec.role),
    additionalRoles: ((spec.additionalRoles as string[] | undefined) ?? []).filter((r) => r !== ''),
    externalID: str(spec.externalID),
    sessionTags: ((spec.sessionTags as AwsTag[] | undefined) ?? []).map((t) => ({ key: t.key, value: t.value })),
    transitiveTagKeys: Array.isArray(spec.transitiveTagKeys) ? spec.transitiveTagKeys.filter((k): k is string => typeof k === 'string') : [],
    sessionTagsPolicy: (spec.sessionTagsPolicy as AwsStoreSpec['sessionTagsPolicy'] | undefined) ?? 'None',
    customSessionTags: Object.fromEntries(Object.entries(obj(spec.customSessionTags) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')),
    prefix: typeof spec.prefix === 'string' ? spec.prefix : '',
    auth: {},
  };
  if (secretRef) {
    parsed.auth.secretRef = {
      accessKeyID: selector(secretRef.accessKeyIDSecretRef)!,
      secretAccessKey: selector(secretRef.secretAccessKeySecretRef)!,
      ...(secretRef.sessionTokenSecretRef !== undefined ? { sessionToken: selector(secretRef.sessionTokenSecretRef)! } : {}),
    };
  }
  if (sa) {
    parsed.auth.jwt = {
      serviceAccountRef: {
        name: str(sa.name)!,
        ...(str(sa.namespace) ? { namespace: str(sa.namespace) } : {}),
        ...(Array.isArray(sa.audiences) ? { audiences: sa.audiences.filter((a): a is string => typeof a === 'string') } : {}),
      },
    };
  }
  return parsed;
}

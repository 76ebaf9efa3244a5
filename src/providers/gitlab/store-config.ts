// The `spec.provider.gitlab` block (GitLab CI/CD variables), read with ESO's field names and checked with
// ESO's ValidateStore wording (providers/v1/gitlab/provider.go, v2.9.0), plus eso-render's refusals of
// project and group ids that would not stay one path segment.

import type { SecretKeySelector } from '../types.js';
import { obj, selector, str } from '../shared/spec-read.js';
import { pathProblem, quote } from '../../common/remote-keys.js';

/** The environment variable that replaces ESO's hard-coded default instance (https://gitlab.com/). */
export const GITLAB_URL_ENV = 'ESO_RENDER_GITLAB_URL';
export const DEFAULT_GITLAB_URL = 'https://gitlab.com/';

export interface GitLabStoreConfig {
  /** The store's `url` as written, or undefined (then the default instance). */
  url?: string;
  /** auth.SecretRef.accessToken */
  token: SecretKeySelector;
  projectID: string;
  inheritFromGroups: boolean;
  groupIDs: string[];
  environment: string;
  /** caBundle, decoded once from the manifest's base64 (the CRD's `format: byte`). */
  caBundle?: Buffer;
  caProvider?: { type: 'Secret' | 'ConfigMap'; name: string; key: string; namespace?: string };
}

type Problem = { field: string; message: string };

/** A project or group id as client-go sends it: a number or a namespace path (`group/sub/project`). */
const ID_TEXT = /^[A-Za-z0-9_.\-/]+$/;

/** Why `id` (a project or group id) is refused, or undefined. It is escaped into one path segment. */
export function idProblem(id: string): string | undefined {
  if (!ID_TEXT.test(id)) return 'characters a GitLab id or namespace path cannot have (letters, digits, _, ., - and /)';
  return pathProblem(id);
}

/** `store` (kind and namespace) is known when a client is made; the admission-time check has only the spec. */
export function checkStore(spec: Record<string, unknown>, store?: { kind: 'SecretStore' | 'ClusterSecretStore'; namespace?: string | undefined }): Problem[] {
  const problems: Problem[] = [];
  const ref = obj(obj(obj(spec['auth'])?.['SecretRef'])?.['accessToken']) ?? {};
  // esutils.ValidateSecretSelector, then ESO's own checks, in ESO's order (it stops at the first).
  if (store?.kind === 'ClusterSecretStore' && ref['namespace'] === undefined) {
    problems.push({ field: 'auth.SecretRef.accessToken.namespace', message: 'cluster scope requires namespace' });
  } else if (store?.kind === 'SecretStore' && typeof ref['namespace'] === 'string' && ref['namespace'] !== store.namespace) {
    problems.push({ field: 'auth.SecretRef.accessToken.namespace', message: 'namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore' });
  }
  const groupIDs = Array.isArray(spec['groupIDs']) ? (spec['groupIDs'] as unknown[]) : [];
  const projectID = typeof spec['projectID'] === 'string' ? spec['projectID'] : '';
  if (problems.length === 0 && projectID === '' && groupIDs.length === 0) problems.push({ field: 'projectID', message: 'projectID and groupIDs must not both be empty' });
  if (problems.length === 0 && spec['inheritFromGroups'] === true && groupIDs.length > 0) problems.push({ field: 'groupIDs', message: 'defining groupIDs and inheritFromGroups = true is not allowed' });
  if (problems.length === 0 && !str(ref['key'])) problems.push({ field: 'auth.SecretRef.accessToken.key', message: 'accessToken.key cannot be empty' });
  if (problems.length === 0 && !str(ref['name'])) problems.push({ field: 'auth.SecretRef.accessToken.name', message: 'accessToken.name cannot be empty' });
  if (problems.length > 0) return problems;
  // eso-render's own refusals: ids become one path segment each, the URL must be a plain http(s) base.
  if (projectID !== '') {
    const why = idProblem(projectID);
    if (why) problems.push({ field: 'projectID', message: `projectID ${quote(projectID)} has ${why}; it becomes one URL path segment, so eso-render refuses it before any request` });
  }
  groupIDs.forEach((g, i) => {
    const why = typeof g === 'string' ? (g === '' ? 'nothing (an empty id)' : idProblem(g)) : 'a value that is not a string';
    if (why) problems.push({ field: `groupIDs[${i}]`, message: `groupIDs[${i}] ${typeof g === 'string' ? quote(g) : ''} has ${why}; it becomes one URL path segment, so eso-render refuses it before any request` });
  });
  if (spec['url'] !== undefined && spec['url'] !== '') {
    const why = urlProblem(spec['url']);
    if (why) problems.push({ field: 'url', message: `spec.provider.gitlab.url: ${why}` });
  }
  return problems;
}

/** Why `url` cannot be the GitLab base URL, or undefined. */
export function urlProblem(url: unknown): string | undefined {
  if (typeof url === 'string') {
    try {
      const u = new URL(url);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === '' && u.username === '' && u.password === '' && (u.pathname === '/' || !pathProblem(u.pathname, { leadingSlash: true, trailingSlash: true }))) return undefined;
    } catch {
      // refused below
    }
  }
  return 'an http(s) URL without query, fragment, user info or dot segments is required, such as https://gitlab.example.com';
}

export function readStore(spec: Record<string, unknown>): GitLabStoreConfig {
  const ref = obj(obj(obj(spec['auth'])?.['SecretRef'])?.['accessToken']);
  const cfg: GitLabStoreConfig = {
    token: selector(ref)!,
    projectID: typeof spec['projectID'] === 'string' ? spec['projectID'] : '',
    inheritFromGroups: spec['inheritFromGroups'] === true,
    groupIDs: Array.isArray(spec['groupIDs']) ? (spec['groupIDs'] as string[]) : [],
    environment: typeof spec['environment'] === 'string' ? spec['environment'] : '',
  };
  if (typeof spec['url'] === 'string' && spec['url'] !== '') cfg.url = spec['url'];
  if (typeof spec['caBundle'] === 'string' && spec['caBundle'] !== '') cfg.caBundle = Buffer.from(spec['caBundle'], 'base64');
  const cp = obj(spec['caProvider']);
  if (cp) {
    cfg.caProvider = { type: cp['type'] === 'ConfigMap' ? 'ConfigMap' : 'Secret', name: String(cp['name'] ?? ''), key: String(cp['key'] ?? '') };
    if (typeof cp['namespace'] === 'string') cfg.caProvider.namespace = cp['namespace'];
  }
  return cfg;
}

/**
 * client-go's setBaseURL: a trailing `/` is added, then `api/v4/` unless the path already ends with it.
 * The store's `url`, else ESO_RENDER_GITLAB_URL, else https://gitlab.com/.
 */
export function baseUrlOf(cfg: GitLabStoreConfig, env: NodeJS.ProcessEnv = process.env): { base: URL; from: string } {
  let raw = cfg.url;
  let from = 'spec.provider.gitlab.url';
  if (raw === undefined) {
    const over = env[GITLAB_URL_ENV];
    if (over !== undefined && over.trim() !== '') {
      raw = over.trim();
      from = GITLAB_URL_ENV;
      const why = urlProblem(raw);
      if (why) throw new Error(`${GITLAB_URL_ENV}=${quote(raw)}: ${why}`);
    } else {
      raw = DEFAULT_GITLAB_URL;
      from = 'the default https://gitlab.com/';
    }
  }
  if (!raw.endsWith('/')) raw += '/';
  const base = new URL(raw);
  if (!base.pathname.endsWith('api/v4/')) base.pathname += 'api/v4/';
  return { base, from };
}

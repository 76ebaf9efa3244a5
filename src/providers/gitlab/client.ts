// ESO's GitLab provider (providers/v1/gitlab/gitlab.go and provider.go at v2.9.0) over the thin REST
// client: project variables first, then group variables (the groups of `groupIDs`, or the project's groups
// with `inheritFromGroups`, checked from the last to the first), each with the store's environment scope
// and then the `*` scope; `find` lists every page of each group's and then the project's variables and
// matches environment scopes locally, as ESO does. Each variable, listing and group discovery is requested
// once per run and shared by every ref that needs it.

import type { FindRef, ProviderContext, RemoteRef, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { compileGoRegexp, type GoRegexp } from '../../common/go-regexp.js';
import { gjsonGet } from '../shared/gjson.js';
import { parseGoJson, isGoObject, JsonSyntaxError, type GoValue } from '../shared/go-json.js';
import { PathEscapeError } from '../../common/remote-keys.js';
import { GitLabHttp, GitLabHttpError, GitLabNotFound, GitLabTransportError } from './http.js';
import type { GitLabStoreConfig } from './store-config.js';

interface Variable {
  key: string;
  value: string;
  environmentScope: string;
}

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** A body that does not decode into client-go's struct fails as json.Decoder would (fixed text, no data). */
class ShapeError extends Error {}

function toVariable(v: unknown, where: string): Variable {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ShapeError(`${where}: decoding response: json: cannot unmarshal the answer into a variable (not an object)`);
  const o = rec(v);
  for (const f of ['key', 'value', 'environment_scope'] as const) {
    if (o[f] !== undefined && o[f] !== null && typeof o[f] !== 'string') throw new ShapeError(`${where}: decoding response: json: cannot unmarshal the variable's ${f} into Go struct field of type string`);
  }
  return { key: (o['key'] as string) ?? '', value: (o['value'] as string) ?? '', environmentScope: (o['environment_scope'] as string) ?? '' };
}

/** client-go's PathEscape: url.PathEscape, then '.' as %2E (a namespace path stays one segment). */
function pathEscape(id: string): string {
  return encodeURIComponent(id).replace(/\./g, '%2E');
}

const isEmptyOrWildcard = (env: string) => env === '' || env === '*';

/** A most this many pages of one listing (X-Total-Pages is the server's word; the run must end). */
const MAX_PAGES = 10_000;

export class GitLabClient implements SecretsClient {
  private readonly where: string;
  private readonly variables = new Map<string, Promise<Variable>>();
  private readonly listings = new Map<string, Promise<Variable[]>>();
  private inherited?: Promise<string[]>;

  constructor(
    ctx: ProviderContext,
    private readonly cfg: GitLabStoreConfig,
    private readonly http: GitLabHttp,
  ) {
    this.where = storeLabel(ctx.store);
  }

  private fail(msg: string, retryable = false): never {
    throw new ProviderError(`${this.where}: ${msg}`, { retryable });
  }

  /** The message of a GitLab failure (status, transport, shape), never a body; other errors pass through. */
  private text(e: unknown): string {
    if (e instanceof GitLabHttpError || e instanceof GitLabNotFound || e instanceof GitLabTransportError || e instanceof ShapeError) return e.message;
    if (e instanceof PathEscapeError) return `refused to send the request: ${e.message}`;
    throw e;
  }

  private retryable(e: unknown): boolean {
    return (e instanceof GitLabHttpError || e instanceof GitLabTransportError) && e.retryable;
  }

  private wrap(prefix: string, e: unknown): never {
    if (e instanceof ProviderError) throw e;
    this.fail(`${prefix}${this.text(e)}`, this.retryable(e));
  }

  /** GetVariable of a project or a group: `GET <scope>/<id>/variables/<key>[?filter[environment_scope]=<env>]`. */
  private variable(scope: 'projects' | 'groups', id: string, key: string, env: string | undefined): Promise<Variable> {
    const cacheKey = JSON.stringify([scope, id, key, env ?? null]);
    let p = this.variables.get(cacheKey);
    if (!p) {
      const path = `${scope}/${pathEscape(id)}/variables/${encodeURIComponent(key)}`;
      const query: [string, string][] = env !== undefined ? [['filter[environment_scope]', env]] : [];
      p = this.http.getJson(path, query).then((a) => toVariable(a.value, this.http.describe(path)));
      this.variables.set(cacheKey, p);
    }
    return p;
  }

  /** ListVariables of a project or a group, every page (`page=N&per_page=100`) until X-Page reaches X-Total-Pages. */
  private listing(scope: 'projects' | 'groups', id: string): Promise<Variable[]> {
    const cacheKey = JSON.stringify([scope, id]);
    let p = this.listings.get(cacheKey);
    if (!p) {
      p = (async () => {
        const path = `${scope}/${pathEscape(id)}/variables`;
        const out: Variable[] = [];
        for (let page = 1; ; page++) {
          const a = await this.http.getJson(path, [['page', String(page)], ['per_page', '100']]);
          if (!Array.isArray(a.value)) throw new ShapeError(`${this.http.describe(path)}: decoding response: json: cannot unmarshal the answer into a list of variables (not an array)`);
          for (const v of a.value) out.push(toVariable(v, this.http.describe(path)));
          if (a.currentPage >= a.totalPages) break;
          if (page >= MAX_PAGES || page >= a.totalPages) {
            throw new ShapeError(`${this.http.describe(path)}: GitLab's pagination does not end (page ${page} answered X-Page ${a.currentPage} of X-Total-Pages ${a.totalPages}); refused to request more pages`);
          }
        }
        return out;
      })();
      this.listings.set(cacheKey, p);
    }
    return p;
  }

  /** ResolveGroupIDs: with inheritFromGroups, the project's groups (one unpaged list) by full_path length, shortest first. */
  private groupIDs(): Promise<string[]> {
    if (!this.cfg.inheritFromGroups) return Promise.resolve(this.cfg.groupIDs);
    this.inherited ??= (async () => {
      const path = `projects/${pathEscape(this.cfg.projectID)}/groups`;
      const a = await this.http.getJson(path);
      if (!Array.isArray(a.value)) throw new ShapeError(`${this.http.describe(path)}: decoding response: json: cannot unmarshal the answer into a list of groups (not an array)`);
      const groups = a.value.map((g) => {
        const o = rec(g);
        if (typeof o['id'] !== 'number' || !Number.isSafeInteger(o['id'])) throw new ShapeError(`${this.http.describe(path)}: decoding response: a group's id is not an integer`);
        return { id: String(o['id']), fullPath: typeof o['full_path'] === 'string' ? o['full_path'] : '' };
      });
      // sort.Sort by len(FullPath): Go's sort is stable for the few groups a project has (insertion sort).
      return groups
        .map((g, i) => ({ ...g, i }))
        .sort((x, y) => Buffer.byteLength(x.fullPath) - Buffer.byteLength(y.fullPath) || x.i - y.i)
        .map((g) => g.id);
    })();
    return this.inherited;
  }

  /** A group as messages name it: the store's id, or the place of a discovered group (fetched ids are not quoted). */
  private groupName(id: string, index: number): string {
    return this.cfg.inheritFromGroups ? `inherited group #${index + 1}` : id;
  }

  private async resolveGroups(): Promise<string[]> {
    try {
      return await this.groupIDs();
    } catch (e) {
      return this.wrap('', e);
    }
  }

  /** extractVariable: the raw value, or the gjson `property` of it. */
  private extract(key: string, property: string | undefined, value: string): Uint8Array {
    if (!property) {
      if (value === '') this.fail(`invalid secret received. no secret string for key: ${key}`);
      return Buffer.from(value, 'utf8');
    }
    const r = gjsonGet(value, property);
    if (!r.exists) this.fail(`key ${property} does not exist in secret ${key}`);
    return r.bytes;
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    // "Need to replace hyphens with underscores to work with GitLab API"
    const key = ref.key.replaceAll('-', '_');
    const env = this.cfg.environment;
    const filter = env !== '' ? env : undefined;
    let original: string;
    if (this.cfg.projectID !== '') {
      try {
        return this.extract(key, ref.property, (await this.variable('projects', this.cfg.projectID, key, filter)).value);
      } catch (e) {
        if (!(e instanceof GitLabNotFound)) this.wrap('', e);
      }
      if (isEmptyOrWildcard(env)) {
        original = '404 Not Found';
      } else {
        try {
          return this.extract(key, ref.property, (await this.variable('projects', this.cfg.projectID, key, '*')).value);
        } catch (e) {
          if (!(e instanceof GitLabNotFound)) this.wrap(`error getting variable ${key} from GitLab (including wildcard retry): `, e);
        }
        original = `error getting variable ${key} from GitLab (including wildcard retry): 404 Not Found`;
      }
    } else {
      // ESO asks for projects//variables/<key>, which GitLab answers 404; eso-render sends no such request.
      original = isEmptyOrWildcard(env) ? '404 Not Found' : `error getting variable ${key} from GitLab (including wildcard retry): 404 Not Found`;
    }
    const groups = await this.resolveGroups();
    // getGroupVariables sets the shared filter to '*' on its first fallback, so later groups are asked for '*' only.
    let groupFilter = filter;
    for (let i = groups.length - 1; i >= 0; i--) {
      const gid = groups[i]!;
      const name = this.groupName(gid, i);
      try {
        return this.extract(key, ref.property, (await this.variable('groups', gid, key, groupFilter)).value);
      } catch (e) {
        if (!(e instanceof GitLabNotFound)) this.wrap(this.cfg.inheritFromGroups ? `${name}: ` : '', e);
      }
      if (isEmptyOrWildcard(env)) continue;
      groupFilter = '*';
      try {
        return this.extract(key, ref.property, (await this.variable('groups', gid, key, '*')).value);
      } catch (e) {
        if (!(e instanceof GitLabNotFound)) this.wrap(`error getting group variable ${key} from GitLab: ${this.cfg.inheritFromGroups ? `${name}: ` : ''}`, e);
      }
    }
    return this.fail(original);
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    let data: Uint8Array;
    try {
      data = await this.getSecret(ref);
    } catch (e) {
      if (e instanceof ProviderError) throw new ProviderError(e.message.replace(`${this.where}: `, `${this.where}: error getting secret ${ref.key}: `), e.opts);
      throw e;
    }
    return this.unmarshalStrings(data);
  }

  /** json.Unmarshal into map[string]string: an object of strings (null is ""); the error names no data. */
  private unmarshalStrings(data: Uint8Array): Map<string, Uint8Array> {
    let v: GoValue;
    try {
      v = parseGoJson(Buffer.from(data).toString('utf8'));
    } catch (e) {
      if (e instanceof JsonSyntaxError) this.fail('unable to unmarshal secret from JSON: the value is not valid JSON');
      throw e;
    }
    if (v === null) return new Map();
    if (!isGoObject(v)) this.fail(`unable to unmarshal secret from JSON: json: cannot unmarshal ${goKind(v)} into Go value of type map[string]string`);
    const out = new Map<string, Uint8Array>();
    for (const [k, val] of v) {
      if (val === null) out.set(k, new Uint8Array());
      else if (typeof val === 'string') out.set(k, Buffer.from(val, 'utf8'));
      else this.fail(`unable to unmarshal secret from JSON: json: cannot unmarshal ${goKind(val)} into Go value of type string`);
    }
    return out;
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    let env = this.cfg.environment;
    if (ref.tags !== undefined) {
      let scope = '';
      for (const [tag, value] of Object.entries(ref.tags)) {
        if (tag !== 'environment_scope') this.fail("'find.tags' only supports 'environment_scope'");
        scope = value;
      }
      if (!isEmptyOrWildcard(env) && !isEmptyOrWildcard(scope)) this.fail("'find.tags' is constrained by 'environment_scope' of the store");
      env = scope;
    }
    if (ref.path !== undefined) this.fail("'find.path' is not implemented in the GitLab provider");
    if (!ref.name) this.fail("'find.name' is mandatory");
    let matcher: GoRegexp;
    try {
      matcher = compileGoRegexp(ref.name.regexp);
    } catch (e) {
      this.fail(`could not compile find.name.regexp [${ref.name.regexp}]: ${(e as Error).message}`);
    }
    const groups = await this.resolveGroups();
    if (this.cfg.projectID === '') {
      // ESO lists projects//variables after the groups, which GitLab answers 404 Not Found.
      this.fail("404 Not Found (ESO v2.9.0 lists the variables of the empty projectID after the groups' and fails; a find needs projectID)");
    }
    const lists = await Promise.all([
      ...groups.map((g, i) => this.listing('groups', g).catch((e: unknown) => this.wrap(this.cfg.inheritFromGroups ? `${this.groupName(g, i)}: ` : '', e))),
      this.listing('projects', this.cfg.projectID).catch((e: unknown) => this.wrap('', e)),
    ]);
    const out = new Map<string, Uint8Array>();
    const matches = (v: Variable): boolean => {
      const wildcard = isEmptyOrWildcard(v.environmentScope);
      if (!wildcard && !isEmptyOrWildcard(env) && v.environmentScope !== env) return false;
      return v.key !== '' && matcher.test(v.key);
    };
    // setGroupValues: a group's wildcard variable never replaces a value already set.
    for (const list of lists.slice(0, groups.length)) {
      for (const v of list) {
        if (!matches(v)) continue;
        if (out.has(v.key) && isEmptyOrWildcard(v.environmentScope)) continue;
        out.set(v.key, Buffer.from(v.value, 'utf8'));
      }
    }
    // processProjectVariables: a project wildcard variable never replaces a project scoped one.
    const scoped = new Set<string>();
    for (const v of lists[groups.length]!) {
      if (!matches(v)) continue;
      const wildcard = isEmptyOrWildcard(v.environmentScope);
      if (wildcard && scoped.has(v.key)) continue;
      out.set(v.key, Buffer.from(v.value, 'utf8'));
      if (!wildcard) scoped.add(v.key);
    }
    return out;
  }

  async close(): Promise<void> {
    this.http.close();
  }
}

function goKind(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (isGoObject(v)) return 'object';
  return 'number';
}

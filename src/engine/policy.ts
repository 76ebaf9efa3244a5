// The platform's tenancy policy (issues 10 and 14): which stores, keys and generators each Argo CD project,
// application and destination namespace may use. Without a policy every store is allowed, except that the
// shared sidecar (`generate`) refuses stores and generators an application defines in its own manifests
// (other than the fake store and the local generators, which hold only their own data) and generator
// writes. Every refusal names the rule, or says that no rule matched.

import type { AppContext, GeneratorGrant, KubeObject, TenancyPolicy, TenancyRule } from './types.js';
import type { ResolvedStore } from '../providers/types.js';
import { storeLabel } from '../common/store-label.js';

const globCache = new Map<string, RegExp>();
export function glob(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*') + '$', 's');
    globCache.set(pattern, re);
  }
  return re;
}

const anyOf = (patterns: string[] | undefined, value: string | undefined): boolean =>
  patterns === undefined || (value !== undefined && patterns.some((p) => glob(p).test(value)));

function ruleMatchesApp(rule: TenancyRule, ctx: AppContext): boolean {
  const m = rule.match ?? {};
  return anyOf(m.projects, ctx.project) && anyOf(m.apps, ctx.app) && anyOf(m.namespaces, ctx.namespace);
}

function who(ctx: AppContext): string {
  return `project ${JSON.stringify(ctx.project ?? '')} app ${JSON.stringify(ctx.app ?? '')} namespace ${JSON.stringify(ctx.namespace ?? '')}`;
}

/**
 * The webhook prefixes the rules matching this app give its own webhooks (TenancyRule.webhookURLs), with
 * the names of those rules; undefined when no matching rule sets any (then spec.webhook.allowedURLs alone).
 */
export function appWebhookURLs(policy: TenancyPolicy | undefined, ctx: AppContext): { urls: string[]; rules: string[] } | undefined {
  const rules = (policy?.rules ?? []).filter((r) => r.webhookURLs !== undefined && ruleMatchesApp(r, ctx));
  if (!rules.length) return undefined;
  return { urls: rules.flatMap((r) => r.webhookURLs!), rules: rules.map((r) => r.name) };
}

export class Policy {
  private readonly rules: TenancyRule[];

  constructor(
    private readonly policy: TenancyPolicy | undefined,
    private readonly ctx: AppContext,
    private readonly sharedSidecar: boolean,
  ) {
    this.rules = (policy?.rules ?? []).filter((r) => ruleMatchesApp(r, ctx));
  }

  /** May this app use this store at all? */
  checkStore(store: ResolvedStore): string | undefined {
    if (store.origin === 'stream' && this.sharedSidecar && store.provider !== 'fake') {
      const allowing = this.rules.find((r) => r.allowStreamStores);
      if (!allowing) {
        return `policy: ${storeLabel(store)} is defined in the application's own manifests; the shared sidecar only uses stores the platform supplies (no rule for ${who(this.ctx)} sets allowStreamStores)`;
      }
      return undefined;
    }
    if (!this.policy) return undefined;
    if (store.origin === 'stream' && this.rules.some((r) => r.allowStreamStores)) return undefined;
    if (store.origin === 'stream' && store.provider === 'fake') return undefined;
    if (!this.storeRules(store).length) {
      return `policy: no rule allows ${who(this.ctx)} to use ${storeLabel(store)}`;
    }
    return undefined;
  }

  private storeRules(store: ResolvedStore): { rule: TenancyRule; keys?: string[] }[] {
    const out: { rule: TenancyRule; keys?: string[] }[] = [];
    for (const rule of this.rules) {
      for (const s of rule.stores ?? []) {
        if (s.kind === store.kind && glob(s.name).test(store.name) && (store.kind === 'ClusterSecretStore' || anyOf(s.namespace ? [s.namespace] : undefined, store.namespace))) {
          out.push(s.keys ? { rule, keys: s.keys } : { rule });
        }
      }
    }
    return out;
  }

  /** May this app read this remote key from this store? */
  checkKey(store: ResolvedStore, key: string): string | undefined {
    if (!this.policy || (store.origin === 'stream' && (store.provider === 'fake' || this.rules.some((r) => r.allowStreamStores)))) return undefined;
    const rules = this.storeRules(store);
    if (rules.some((r) => r.keys === undefined || r.keys.some((k) => glob(k).test(key)))) return undefined;
    const names = rules.map((r) => r.rule.name).join(', ');
    return `policy: key ${JSON.stringify(key)} of ${storeLabel(store)} is not among the key patterns of rule ${names} for ${who(this.ctx)}`;
  }

  /**
   * May this app list this store under `path`? With key patterns, only a find confined under an allowed
   * prefix (a pattern ending in `*` that `path` starts with) is allowed: a find may return any key below it.
   */
  checkFind(store: ResolvedStore, path: string): string | undefined {
    if (!this.policy || (store.origin === 'stream' && (store.provider === 'fake' || this.rules.some((r) => r.allowStreamStores)))) return undefined;
    const rules = this.storeRules(store);
    const ok = rules.some((r) => r.keys === undefined || (path !== '' && r.keys.some((k) => k.endsWith('*') && !k.slice(0, -1).includes('*') && path.startsWith(k.slice(0, -1)))));
    if (ok) return undefined;
    const names = rules.map((r) => r.rule.name).join(', ');
    return `policy: rule ${names} restricts the keys of ${storeLabel(store)} for ${who(this.ctx)}; a find needs find.path under one of its key prefixes (got ${JSON.stringify(path)})`;
  }

  /** May an ExternalSecret of this app target (live in) this namespace? */
  checkTargetNamespace(namespace: string): string | undefined {
    if (!this.sharedSidecar) return undefined;
    if (this.ctx.namespace && namespace === this.ctx.namespace) return undefined;
    if (this.rules.some((r) => anyOf(r.targetNamespaces ?? [], namespace))) return undefined;
    // An application without a destination namespace does not get every namespace: fail closed.
    if (!this.ctx.namespace) {
      return `policy: the application has no destination namespace, and namespace ${JSON.stringify(namespace)} is not named in targetNamespaces of a rule for ${who(this.ctx)}`;
    }
    return `policy: namespace ${JSON.stringify(namespace)} is neither the application's destination namespace ${JSON.stringify(this.ctx.namespace)} nor named in targetNamespaces of a rule for ${who(this.ctx)}`;
  }

  /**
   * May this app use this generator, with the method it asks for? A generator that reaches a backend is a
   * store with an inline connection: checked like one, before any request is made.
   */
  checkGenerator(g: GeneratorUse): string | undefined {
    if (LOCAL_GENERATORS.has(g.kind)) return undefined;
    const label = `${g.kind} ${g.namespace}/${g.name}`;
    const method = generatorMethod(g.generator);
    const grants = this.generatorGrants(g);
    if (g.origin === 'stream' && this.sharedSidecar && !grants.length) {
      return `policy: generator ${label} is defined in the application's own manifests and reaches a backend; the shared sidecar only uses generators the platform supplies (no rule for ${who(this.ctx)} grants it with origin: application)`;
    }
    if (!this.policy && !this.sharedSidecar) return undefined;
    if (!grants.length) {
      if (!this.policy) return method && isWrite(method) ? writeRefusal(label, method, g.generator, 'no policy is configured') : undefined;
      return `policy: no rule allows ${who(this.ctx)} to use generator ${label}${g.origin === 'platform' ? ' (a platform generator needs a generators entry)' : ''}`;
    }
    if (method === undefined || grants.some((x) => methodAllowed(x.grant.methods, method))) return undefined;
    return writeRefusal(label, method, g.generator, `rule ${[...new Set(grants.map((x) => x.rule.name))].join(', ')} allows methods ${[...new Set(grants.flatMap((x) => x.grant.methods ?? defaultMethods))].join(', ')}`);
  }

  private generatorGrants(g: GeneratorUse): { rule: TenancyRule; grant: GeneratorGrant }[] {
    const origin = g.origin === 'stream' ? 'application' : 'platform';
    const out: { rule: TenancyRule; grant: GeneratorGrant }[] = [];
    for (const rule of this.rules) {
      for (const grant of rule.generators ?? []) {
        if ((grant.origin ?? 'platform') === origin && grant.kind === g.kind && glob(grant.name).test(g.name) && anyOf(grant.namespace ? [grant.namespace] : undefined, g.namespace)) {
          out.push({ rule, grant });
        }
      }
    }
    return out;
  }
}

/** One generatorRef, resolved: the generator, where it was defined, and the ExternalSecret namespace it serves. */
export interface GeneratorUse {
  kind: string;
  name: string;
  namespace: string;
  origin: 'stream' | 'platform';
  generator: KubeObject;
}

/** Generators that compute their output locally and reach no backend: allowed like the fake store. */
export const LOCAL_GENERATORS: ReadonlySet<string> = new Set(['Fake', 'Password', 'UUID']);

const defaultMethods = ['GET', 'LIST'];

/**
 * The Vault method a generator uses, as ESO reads VaultDynamicSecret's spec.method: "" or GET, LIST and
 * DELETE are themselves, any other string is a write (the Go client's Write, a PUT). Other kinds that
 * carry a method (Webhook) are named by it. Undefined for kinds without one.
 */
export function generatorMethod(gen: KubeObject): string | undefined {
  const spec = gen['spec'];
  const m = typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>)['method'] : undefined;
  if (gen.kind === 'VaultDynamicSecret') {
    if (m === undefined || m === '' || m === 'GET') return 'GET';
    if (m === 'LIST' || m === 'DELETE') return m;
    return typeof m === 'string' && /^(POST|PUT)$/.test(m) ? m : 'PUT';
  }
  return typeof m === 'string' && m !== '' ? m.toUpperCase() : undefined;
}

const isWrite = (method: string): boolean => !defaultMethods.includes(method);

function methodAllowed(allowed: string[] | undefined, method: string): boolean {
  const list = allowed ?? defaultMethods;
  if (list.includes(method)) return true;
  // POST and PUT are the same write to Vault.
  return (method === 'POST' || method === 'PUT') && (list.includes('POST') || list.includes('PUT'));
}

function writeRefusal(label: string, method: string, gen: KubeObject, why: string): string {
  const raw = (gen['spec'] as Record<string, unknown> | undefined)?.['method'];
  const given = typeof raw === 'string' && raw !== method ? `spec.method ${JSON.stringify(raw)}, which ESO sends as a write` : 'spec.method';
  return `policy: generator ${label} uses method ${method} (${given}), which writes to or deletes on the backend; ${why}: a rule's generators entry must list it in methods`;
}

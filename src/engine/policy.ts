// The platform's tenancy policy (issue 10): which stores and keys each Argo CD project, application and
// destination namespace may use. Without a policy every store is allowed, except that the shared sidecar
// (`generate`) refuses stores an application defines in its own manifests (other than the fake store,
// which holds only its own data). Every refusal names the rule, or says that no rule matched.

import type { AppContext, TenancyPolicy, TenancyRule } from './types.js';
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
}

// `spec.policy` of a RenderConfig: the tenancy policy (src/engine/policy.ts, docs/security.md), checked
// field by field. A misspelt key in a policy would widen or narrow access silently, so unknown fields are
// errors here as everywhere in the config.
import { WEBHOOK_PREFIX_RULE, webhookPrefix } from './webhook-section.js';
import type { GeneratorGrant, TenancyPolicy, TenancyRule } from '../engine/types.js';

/** Reports one problem at a spec path (`spec.policy.rules[0].match.apps`). */
export type Report = (specPath: string, message: string) => void;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownFields(obj: Record<string, unknown>, known: readonly string[], at: string, report: Report): void {
  for (const k of Object.keys(obj)) if (!known.includes(k)) report(`${at}.${k}`, `unknown field; expected one of ${known.join(', ')}`);
}

function stringList(v: unknown, at: string, report: Report): string[] | undefined {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
    report(at, 'must be a list of non-empty strings (glob patterns: * matches any run of characters)');
    return undefined;
  }
  return v as string[];
}

const ruleFields = ['name', 'match', 'stores', 'targetNamespaces', 'allowStreamStores', 'generators', 'webhookURLs'] as const;
const matchFields = ['projects', 'apps', 'namespaces'] as const;
const storeFields = ['kind', 'name', 'namespace', 'keys'] as const;
const generatorFields = ['kind', 'name', 'namespace', 'origin', 'methods'] as const;
/** Vault's HTTP verbs a VaultDynamicSecret may use (spec.method); POST and PUT are both Vault's write. */
export const generatorMethods = ['GET', 'LIST', 'POST', 'PUT', 'DELETE'] as const;

function readGeneratorGrant(s: unknown, at: string, report: Report): GeneratorGrant | undefined {
  if (!isRecord(s)) {
    report(at, 'must be a mapping with kind and name');
    return undefined;
  }
  unknownFields(s, generatorFields, at, report);
  if (typeof s.kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(s.kind)) {
    report(`${at}.kind`, 'must be a generator kind such as VaultDynamicSecret');
    return undefined;
  }
  if (typeof s.name !== 'string' || s.name === '') {
    report(`${at}.name`, 'must be a non-empty string (a glob pattern)');
    return undefined;
  }
  const g: GeneratorGrant = { kind: s.kind, name: s.name };
  if (s.namespace !== undefined) {
    if (typeof s.namespace !== 'string' || s.namespace === '') {
      report(`${at}.namespace`, 'must be a non-empty string');
      return undefined;
    }
    g.namespace = s.namespace;
  }
  if (s.origin !== undefined) {
    if (s.origin !== 'platform' && s.origin !== 'application') {
      report(`${at}.origin`, 'must be platform (generators of the platform configuration) or application (generators the app defines)');
      return undefined;
    }
    g.origin = s.origin;
  }
  if (s.methods !== undefined) {
    if (!Array.isArray(s.methods) || s.methods.some((m) => typeof m !== 'string' || !(generatorMethods as readonly string[]).includes(m))) {
      report(`${at}.methods`, `must be a list of ${generatorMethods.join(', ')}`);
      return undefined;
    }
    g.methods = s.methods as string[];
  }
  return g;
}

function readRule(v: unknown, at: string, report: Report): TenancyRule | undefined {
  if (!isRecord(v)) {
    report(at, 'must be a mapping with a name');
    return undefined;
  }
  unknownFields(v, ruleFields, at, report);
  if (typeof v.name !== 'string' || v.name === '') {
    report(`${at}.name`, 'must be a non-empty string (refusals name the rule)');
    return undefined;
  }
  const rule: TenancyRule = { name: v.name };
  if (v.match !== undefined) {
    if (!isRecord(v.match)) report(`${at}.match`, 'must be a mapping with projects, apps and/or namespaces');
    else {
      unknownFields(v.match, matchFields, `${at}.match`, report);
      const match: NonNullable<TenancyRule['match']> = {};
      for (const f of matchFields) {
        if (v.match[f] === undefined) continue;
        const list = stringList(v.match[f], `${at}.match.${f}`, report);
        if (list) match[f] = list;
      }
      rule.match = match;
    }
  }
  if (v.stores !== undefined) {
    if (!Array.isArray(v.stores)) report(`${at}.stores`, 'must be a list of {kind, name, namespace, keys}');
    else {
      rule.stores = [];
      v.stores.forEach((s, i) => {
        const sat = `${at}.stores[${i}]`;
        if (!isRecord(s)) return report(sat, 'must be a mapping with kind and name');
        unknownFields(s, storeFields, sat, report);
        if (s.kind !== 'SecretStore' && s.kind !== 'ClusterSecretStore') return report(`${sat}.kind`, 'must be SecretStore or ClusterSecretStore');
        if (typeof s.name !== 'string' || s.name === '') return report(`${sat}.name`, 'must be a non-empty string');
        const store: NonNullable<TenancyRule['stores']>[number] = { kind: s.kind, name: s.name };
        if (s.namespace !== undefined) {
          if (typeof s.namespace !== 'string' || s.namespace === '') return report(`${sat}.namespace`, 'must be a non-empty string');
          store.namespace = s.namespace;
        }
        if (s.keys !== undefined) {
          const keys = stringList(s.keys, `${sat}.keys`, report);
          if (!keys) return;
          store.keys = keys;
        }
        rule.stores!.push(store);
      });
    }
  }
  if (v.generators !== undefined) {
    if (!Array.isArray(v.generators)) report(`${at}.generators`, 'must be a list of {kind, name, namespace, origin, methods}');
    else {
      rule.generators = [];
      v.generators.forEach((g, i) => {
        const grant = readGeneratorGrant(g, `${at}.generators[${i}]`, report);
        if (grant) rule.generators!.push(grant);
      });
    }
  }
  if (v.targetNamespaces !== undefined) {
    const list = stringList(v.targetNamespaces, `${at}.targetNamespaces`, report);
    if (list) rule.targetNamespaces = list;
  }
  if (v.allowStreamStores !== undefined) {
    if (typeof v.allowStreamStores !== 'boolean') report(`${at}.allowStreamStores`, 'must be true or false');
    else rule.allowStreamStores = v.allowStreamStores;
  }
  if (v.webhookURLs !== undefined) {
    if (!Array.isArray(v.webhookURLs)) report(`${at}.webhookURLs`, 'must be a list of http(s) URL prefixes');
    else {
      rule.webhookURLs = [];
      v.webhookURLs.forEach((p, i) => {
        const href = webhookPrefix(p);
        if (href === undefined) report(`${at}.webhookURLs[${i}]`, WEBHOOK_PREFIX_RULE);
        else rule.webhookURLs!.push(href);
      });
    }
  }
  return rule;
}

/** The policy, or undefined when it has errors (all of them reported). */
export function readPolicy(v: unknown, report: Report): TenancyPolicy | undefined {
  let failed = false;
  const r: Report = (p, m) => {
    failed = true;
    report(p, m);
  };
  if (!isRecord(v)) {
    r('spec.policy', 'must be a mapping with rules');
    return undefined;
  }
  unknownFields(v, ['rules'], 'spec.policy', r);
  if (!Array.isArray(v.rules)) {
    r('spec.policy.rules', 'must be a list of rules');
    return undefined;
  }
  const rules = v.rules.map((x, i) => readRule(x, `spec.policy.rules[${i}]`, r));
  const names = new Set<string>();
  rules.forEach((rule, i) => {
    if (!rule) return;
    if (names.has(rule.name)) r(`spec.policy.rules[${i}].name`, `duplicate rule name ${JSON.stringify(rule.name)}`);
    names.add(rule.name);
  });
  return failed ? undefined : { rules: rules as TenancyRule[] };
}

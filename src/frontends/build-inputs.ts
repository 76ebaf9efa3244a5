// What an app folder's build may read, checked before kustomize or helm runs (issue 14, docs/security.md
// "The build stays in the repository"). A kustomization can name remote resources, bases and components
// (URLs, `github.com/org/repo//path?ref=x`, `git@host:org/repo`), remote files (patches, generator
// files), and a helm chart with `repo:`; a Chart.yaml can name dependencies by repository URL. In the
// shared sidecar any of these is a request to a server the tenant chooses, sent from the sidecar's
// network position. So every kustomization reachable from the app folder is walked and every entry that
// is not a file or folder of the repository (no URL, no absolute path, no `..` escape, no symlink out)
// is refused by file and field, before any tool starts. The platform may allow remote bases by URL glob
// (RenderConfig `spec.build.allowRemoteBases`, src/config/build-section.ts).
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const kustomizationFiles = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Glob with `*` for any run of characters; everything else literal. */
export function globMatch(glob: string, s: string): boolean {
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(s);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function realpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function within(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Looks remote to kustomize or helm: a scheme, scp-like git, or a host-named path (`github.com/...`). */
function looksRemote(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(s) || /^[^/\s]+@[^/\s]+:/.test(s) || /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//i.test(s);
}

interface Walk {
  root: string;
  allow: readonly string[];
  seen: Set<string>;
}

class Refused extends Error {}

function refuse(w: Walk, file: string, field: string, entry: string, why: string): never {
  const rel = path.relative(w.root, file) || path.basename(file);
  throw new Refused(`${rel}: ${field}: ${JSON.stringify(entry)} ${why}`);
}

/**
 * Checks one path entry of a kustomization. Returns the entry's real path when it is local, or undefined
 * when it is a remote entry the platform allows.
 */
function local(w: Walk, file: string, field: string, entry: string, remoteOk: boolean): string | undefined {
  if (looksRemote(entry)) {
    if (remoteOk && w.allow.some((g) => globMatch(g, entry))) return undefined;
    refuse(w, file, field, entry, remoteOk
      ? 'is remote: the sidecar fetches nothing an Application names; commit it to the repository, or ask the platform to allow it (spec.build.allowRemoteBases)'
      : 'is remote: the sidecar fetches nothing an Application names; commit it to the repository');
  }
  if (path.isAbsolute(entry)) refuse(w, file, field, entry, 'is an absolute path: use a path relative to the kustomization');
  const resolved = path.resolve(path.dirname(file), entry);
  const real = realpath(resolved);
  if (real === undefined) {
    // A missing local path: kustomize reports it by name (it is not a URL, so nothing is fetched).
    if (!within(w.root, resolved)) refuse(w, file, field, entry, 'is outside the repository');
    return undefined;
  }
  if (!within(w.root, real)) refuse(w, file, field, entry, 'is outside the repository');
  return real;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** An entry that is inline YAML (a patch or a generator config written in place), not a path. */
function inline(s: string): boolean {
  return s.includes('\n') || /^\s*[{[]/.test(s);
}

function kustomizationIn(dir: string): string | undefined {
  for (const f of kustomizationFiles) {
    const p = path.join(dir, f);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** A resource-like entry: a file, or a folder holding a kustomization to walk. */
function resourceEntry(w: Walk, file: string, field: string, entry: string, remoteOk: boolean): void {
  const real = local(w, file, field, entry, remoteOk);
  if (real === undefined) return;
  if (statSync(real).isDirectory()) {
    const k = kustomizationIn(real);
    if (k) walkKustomization(w, k);
  }
}

function walkKustomization(w: Walk, file: string): void {
  const real = realpath(file) ?? file;
  if (w.seen.has(real)) return;
  w.seen.add(real);
  let doc: unknown;
  try {
    doc = parseAllDocuments(readFileSync(real, 'utf8'))[0]?.toJS();
  } catch {
    return; // Not YAML: kustomize reports it; nothing can be fetched from a file it cannot read.
  }
  if (!isRecord(doc)) return;
  for (const f of ['resources', 'bases', 'components']) {
    for (const e of strings(doc[f])) resourceEntry(w, file, f, e, true);
  }
  for (const f of ['generators', 'transformers', 'validators']) {
    for (const e of strings(doc[f])) if (!inline(e)) resourceEntry(w, file, f, e, false);
  }
  for (const f of ['configurations', 'crds']) for (const e of strings(doc[f])) local(w, file, f, e, false);
  for (const e of strings(doc.patchesStrategicMerge)) if (!inline(e)) local(w, file, 'patchesStrategicMerge', e, false);
  for (const f of ['patches', 'patchesJson6902', 'replacements']) {
    const list = Array.isArray(doc[f]) ? (doc[f] as unknown[]) : [];
    list.forEach((p, i) => {
      if (typeof p === 'string' && !inline(p)) local(w, file, `${f}[${i}]`, p, false);
      else if (isRecord(p) && typeof p.path === 'string') local(w, file, `${f}[${i}].path`, p.path, false);
    });
  }
  if (isRecord(doc.openapi) && typeof doc.openapi.path === 'string') local(w, file, 'openapi.path', doc.openapi.path, false);
  for (const f of ['configMapGenerator', 'secretGenerator']) {
    const list = Array.isArray(doc[f]) ? (doc[f] as unknown[]) : [];
    list.forEach((g, i) => {
      if (!isRecord(g)) return;
      for (const e of strings(g.files)) local(w, file, `${f}[${i}].files`, e.includes('=') ? e.slice(e.indexOf('=') + 1) : e, false);
      for (const e of [...strings(g.envs), ...strings(g.env)]) local(w, file, `${f}[${i}].envs`, e, false);
    });
  }
  const charts = Array.isArray(doc.helmCharts) ? (doc.helmCharts as unknown[]) : [];
  charts.forEach((c, i) => {
    if (!isRecord(c)) return;
    if (typeof c.repo === 'string' && c.repo !== '' && !w.allow.some((g) => globMatch(g, c.repo as string))) {
      refuse(w, file, `helmCharts[${i}].repo`, c.repo, 'is a chart repository: the sidecar fetches nothing an Application names; vendor the chart into the repository (helmGlobals.chartHome), or ask the platform to allow it (spec.build.allowRemoteBases)');
    }
    if (typeof c.valuesFile === 'string') local(w, file, `helmCharts[${i}].valuesFile`, c.valuesFile, false);
    for (const e of strings(c.additionalValuesFiles)) local(w, file, `helmCharts[${i}].additionalValuesFiles`, e, false);
  });
  if (isRecord(doc.helmGlobals)) {
    for (const f of ['chartHome', 'configHome']) {
      const v = doc.helmGlobals[f];
      if (typeof v === 'string') local(w, file, `helmGlobals.${f}`, v, false);
    }
  }
}

function checkChart(w: Walk, dir: string): void {
  const chart = path.join(dir, 'Chart.yaml');
  if (!existsSync(chart)) return;
  let doc: unknown;
  try {
    doc = parseAllDocuments(readFileSync(chart, 'utf8'))[0]?.toJS();
  } catch {
    return;
  }
  if (!isRecord(doc) || !Array.isArray(doc.dependencies)) return;
  doc.dependencies.forEach((d: unknown, i: number) => {
    if (!isRecord(d) || typeof d.repository !== 'string' || d.repository === '') return;
    const repo = d.repository;
    if (repo.startsWith('file://')) {
      local(w, chart, `dependencies[${i}].repository`, repo.slice('file://'.length), false);
      return;
    }
    if (w.allow.some((g) => globMatch(g, repo))) return;
    refuse(w, chart, `dependencies[${i}].repository`, repo, 'is a chart repository: the sidecar fetches nothing an Application names; vendor the dependency under charts/, or ask the platform to allow it (spec.build.allowRemoteBases)');
  });
}

/**
 * Returns why the folder's build would read something outside the repository, or undefined when every
 * input is a file of it (or a remote the platform allows).
 */
export function checkBuildInputs(dir: string, repoRoot: string, mode: 'kustomize' | 'helm' | 'plain', allowRemote: readonly string[]): string | undefined {
  const w: Walk = { root: realpath(repoRoot) ?? repoRoot, allow: allowRemote, seen: new Set() };
  try {
    if (mode === 'kustomize') {
      const k = kustomizationIn(dir);
      if (k) walkKustomization(w, k);
    } else if (mode === 'helm') {
      checkChart(w, dir);
    }
  } catch (e) {
    if (e instanceof Refused) return e.message;
    throw e;
  }
  return undefined;
}

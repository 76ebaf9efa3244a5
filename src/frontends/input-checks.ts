// Checks of what the user pointed the CLI at (issue 16): a folder given with -f that holds no manifests
// (folders are not searched recursively), a --stores file that holds something other than stores, and the
// --namespace and --controller-class flags.

import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { KubeObject, RenderOptions, Result } from '../engine/types.js';
import { readControllerClass } from '../config/controller-section.js';

const MANIFEST = /\.(ya?ml|json)$/i;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function emptyFolderWarnings(paths: readonly string[], cwd: string): Result[] {
  const out: Result[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let entries: string[];
    try {
      if (!statSync(abs).isDirectory()) continue;
      entries = readdirSync(abs);
    } catch {
      continue;
    }
    if (entries.some((n) => MANIFEST.test(n) && !/^kustomization\.ya?ml$/i.test(n))) continue;
    const sub = entries.filter((n) => {
      try {
        return statSync(path.join(abs, n)).isDirectory();
      } catch {
        return false;
      }
    });
    out.push({
      severity: 'warning',
      message: `-f ${p}: the folder holds no .yaml, .yml or .json manifests` +
        (sub.length ? `; folders are not searched recursively, so its subfolders (${sub.slice(0, 5).join(', ')}${sub.length > 5 ? ', ...' : ''}) were not read: pass them with -f` : ''),
    });
  }
  return out;
}

/** Why a --stores file is not a file of stores, or undefined when every document is a store. */
export function notAStoreProblem(file: string, objects: readonly KubeObject[]): string | undefined {
  const others = objects.filter((o) => !/^external-secrets\.io\/v1(beta1)?$/.test(String(o.apiVersion)) || (o.kind !== 'SecretStore' && o.kind !== 'ClusterSecretStore'));
  if (objects.length === 0) return `${file} holds no manifests; --stores takes files of SecretStore and ClusterSecretStore manifests`;
  if (others.length === 0) return undefined;
  const kinds = [...new Set(others.map((o) => `${String(o.apiVersion ?? '<no apiVersion>')} ${String(o.kind ?? '<no kind>')}`))];
  return `${file} holds ${kinds.join(', ')}; --stores takes only SecretStore and ClusterSecretStore manifests (external-secrets.io/v1 or v1beta1); pass other manifests with -f`;
}

export function readClassAndNamespace(namespace: string | undefined, controllerClass: string | undefined, options: RenderOptions): string | undefined {
  if (namespace !== undefined) {
    if (!DNS_LABEL.test(namespace) || namespace.length > 63) return '--namespace must be a namespace name (a DNS-1123 label: lowercase letters, digits and "-")';
    options.context = { ...(options.context ?? {}), namespace };
  }
  if (controllerClass !== undefined) {
    const c = readControllerClass(controllerClass);
    if ('error' in c) return `--controller-class ${c.error}`;
    options.controllerClass = c.value;
  }
  return undefined;
}

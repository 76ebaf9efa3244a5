// The one resolver for credential references in store auth blocks: a platform folder laid out like
// mounted Secrets (`<namespace>/<name>/<key>`), and Secrets in the stream only when the configuration allows.

// fs.promises is read on first use: importing node:fs/promises loads a dozen of node's own modules
// (streams, readline, watchers) into every run, and only a run with a credentials folder reads files.
import fs from 'node:fs';
import path from 'node:path';
import type { KubeObject } from './types.js';
import type { CredentialResolver, ResolvedStore, SecretKeySelector } from '../providers/types.js';
import { ProviderError } from '../providers/types.js';
import { storeLabel } from '../common/store-label.js';

export interface CredentialSources {
  credentialsDir?: string;
  /** Secrets from the stream, consulted only when allowed. */
  streamSecrets: KubeObject[];
  allowStreamCredentials: boolean;
  /** ServiceAccounts in the stream. */
  serviceAccounts: KubeObject[];
  /** ServiceAccounts the platform configuration declares. */
  platformServiceAccounts?: KubeObject[];
  /**
   * Set in the shared sidecar (docs/security.md, Tenancy): a store the app defines resolves credentials and
   * ServiceAccounts only in the app's destination namespace, as a namespaced SecretStore would in ESO; a
   * platform store resolves ServiceAccounts only from the platform's list, never from the app's stream.
   */
  tenancy?: { appNamespace?: string };
  /** Stream Secrets that served as credentials; they are not emitted (see render.ts, step 6). */
  consumed?: Set<KubeObject>;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const KEY = /^[-._a-zA-Z0-9]+$/;

export function makeCredentialResolver(store: ResolvedStore, src: CredentialSources): CredentialResolver {
  return {
    async resolve(ref: SecretKeySelector, field: string): Promise<Uint8Array> {
      const where = `${storeLabel(store)} ${field}`;
      // ESO: a SecretStore may only read its own namespace; a ClusterSecretStore must name one.
      // An app-defined store in the shared sidecar acts as a SecretStore of the app's destination namespace.
      const confined = src.tenancy !== undefined && store.origin === 'stream';
      const namespace = store.kind === 'SecretStore' ? store.namespace : (ref.namespace ?? (confined ? src.tenancy?.appNamespace : undefined));
      if (!namespace) throw new ProviderError(`${where}: secret reference ${ref.name}/${ref.key} must name a namespace in a ClusterSecretStore`);
      if (confined && namespace !== src.tenancy?.appNamespace) throw outsideAppNamespace(where, `credential ${namespace}/${ref.name}`, src.tenancy?.appNamespace);
      if (!ref.name || !NAME.test(ref.name) || !NAME.test(namespace) || !ref.key || !KEY.test(ref.key)) {
        throw new ProviderError(`${where}: invalid secret reference (name, namespace or key)`);
      }
      if (src.credentialsDir) {
        const file = path.join(src.credentialsDir, namespace, ref.name, ref.key);
        try {
          return await fs.promises.readFile(file);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
            throw new ProviderError(`${where}: cannot read credential ${namespace}/${ref.name}/${ref.key} from the credentials directory (${(e as NodeJS.ErrnoException).code})`);
          }
        }
      }
      if (src.allowStreamCredentials) {
        const s = src.streamSecrets.find((o) => o.metadata?.name === ref.name && (o.metadata?.namespace ?? '') === namespace);
        if (s) {
          src.consumed?.add(s);
          const data = s['data'] as Record<string, string> | undefined;
          const stringData = s['stringData'] as Record<string, string> | undefined;
          if (stringData && typeof stringData[ref.key] === 'string') return Buffer.from(stringData[ref.key]!, 'utf8');
          if (data && typeof data[ref.key] === 'string') return Buffer.from(data[ref.key]!, 'base64');
        }
      }
      const places = [src.credentialsDir ? 'the credentials directory' : undefined, src.allowStreamCredentials ? 'the stream' : undefined]
        .filter(Boolean)
        .join(' or ');
      throw new ProviderError(
        `${where}: credential ${namespace}/${ref.name} key ${ref.key} not found` + (places ? ` in ${places}` : ' (no credentials directory configured and stream credentials are not allowed)'),
      );
    },
    async resolveSecret(ref: { name: string; namespace?: string }, field: string) {
      const where = `${storeLabel(store)} ${field}`;
      const confined = src.tenancy !== undefined && store.origin === 'stream';
      const namespace = store.kind === 'SecretStore' ? store.namespace : (ref.namespace ?? (confined ? src.tenancy?.appNamespace : undefined));
      if (!namespace) throw new ProviderError(`${where}: no namespace on ClusterScoped webhook secret ${ref.name}`);
      if (confined && namespace !== src.tenancy?.appNamespace) throw outsideAppNamespace(where, `credential ${namespace}/${ref.name}`, src.tenancy?.appNamespace);
      if (!ref.name || !NAME.test(ref.name) || !NAME.test(namespace)) throw new ProviderError(`${where}: invalid secret reference (name or namespace)`);
      if (src.credentialsDir) {
        const dir = path.join(src.credentialsDir, namespace, ref.name);
        let names: string[] | undefined;
        try {
          names = (await fs.promises.readdir(dir, { withFileTypes: true })).filter((d) => d.isFile() && KEY.test(d.name)).map((d) => d.name);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
            throw new ProviderError(`${where}: cannot read credential ${namespace}/${ref.name} from the credentials directory (${(e as NodeJS.ErrnoException).code})`);
          }
        }
        if (names) {
          const data = new Map<string, Uint8Array>();
          for (const n of names.sort()) data.set(n, await fs.promises.readFile(path.join(dir, n)));
          return { data };
        }
      }
      if (src.allowStreamCredentials) {
        const s = src.streamSecrets.find((o) => o.metadata?.name === ref.name && (o.metadata?.namespace ?? '') === namespace);
        if (s) {
          src.consumed?.add(s);
          const data = new Map<string, Uint8Array>();
          for (const [k, v] of Object.entries((s['data'] ?? {}) as Record<string, unknown>)) if (typeof v === 'string') data.set(k, Buffer.from(v, 'base64'));
          for (const [k, v] of Object.entries((s['stringData'] ?? {}) as Record<string, unknown>)) if (typeof v === 'string') data.set(k, Buffer.from(v, 'utf8'));
          const labels = (s.metadata?.labels ?? {}) as Record<string, string>;
          return { data, labels };
        }
      }
      throw new ProviderError(`${where}: failed to get clustersecretstore webhook secret ${ref.name}: credential ${namespace}/${ref.name} not found` + (src.credentialsDir || src.allowStreamCredentials ? '' : ' (no credentials directory configured and stream credentials are not allowed)'));
    },
    serviceAccount(name: string, namespace: string): KubeObject | undefined {
      const match = (o: KubeObject) => o.metadata?.name === name && (o.metadata?.namespace ?? '') === namespace;
      const platform = src.platformServiceAccounts ?? [];
      // The platform's declaration of a ServiceAccount wins over one of the same name in the stream.
      if (!src.tenancy) return platform.find(match) ?? src.serviceAccounts.find(match);
      // A platform store takes its identity from the platform only: an app cannot point it at a role.
      if (store.origin === 'platform') {
        const declared = platform.find(match);
        if (!declared && src.serviceAccounts.some(match)) {
          throw new ProviderError(
            `${storeLabel(store)}: ServiceAccount ${namespace}/${name} is not declared by the platform (spec.serviceAccounts or spec.serviceAccountFiles of the RenderConfig); the one the application ships is not used for a platform store's identity`,
          );
        }
        return declared;
      }
      if (namespace !== src.tenancy.appNamespace) throw outsideAppNamespace(storeLabel(store), `ServiceAccount ${namespace}/${name}`, src.tenancy.appNamespace);
      return platform.find(match) ?? src.serviceAccounts.find(match);
    },
  };
}

function outsideAppNamespace(where: string, what: string, appNamespace: string | undefined): ProviderError {
  return new ProviderError(
    `${where}: ${what} is outside the application's destination namespace ${JSON.stringify(appNamespace ?? '')}; in the shared sidecar a store or generator defined in the application's own manifests may only use credentials and ServiceAccounts of that namespace`,
  );
}

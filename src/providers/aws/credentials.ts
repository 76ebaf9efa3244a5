// Who the AWS clients act as: the store's auth block (secretRef or jwt, else the SDK's default chain),
// then `additionalRoles` assumed in order, then `role` with externalID and session tags (ESO's order).

import { readFile } from 'node:fs/promises';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient, type Tag } from '@aws-sdk/client-sts';
import { ProviderError, type ProviderContext } from '../types.js';
import { describeStore, rewrite } from './errors.js';
import { ambientIdentityRefused } from '../shared/ambient.js';
import { clientOptions, instrument, type CredentialProvider, type Credentials } from './sdk-options.js';
import type { AwsStoreSpec } from './store-spec.js';

export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
const SESSION_NAME = 'eso-render';
const WEB_IDENTITY_SESSION_NAME = 'external-secrets-provider-aws';

const FIELD = 'spec.provider.aws.auth';

export interface StoreCredentials {
  /** For the store's service clients; undefined means the SDK's default chain. */
  provider: CredentialProvider | undefined;
  /** Releases the STS clients (their keep-alive sockets). */
  close(): void;
}

/** Each STS client made for a store, so close() can release them. */
type StsClients = STSClient[];

export async function storeCredentials(ctx: ProviderContext, spec: AwsStoreSpec, region: string | undefined): Promise<StoreCredentials> {
  const clients: StsClients = [];
  const close = () => clients.forEach((c) => c.destroy());
  try {
    return { provider: await chain(ctx, spec, region, clients), close };
  } catch (e) {
    close();
    throw e;
  }
}

async function chain(ctx: ProviderContext, spec: AwsStoreSpec, region: string | undefined, clients: StsClients): Promise<CredentialProvider | undefined> {
  let creds = await baseCredentials(ctx, spec, region, clients);
  for (const roleArn of spec.additionalRoles) {
    creds = assumeRole(ctx, region, creds, roleArn, {}, clients);
  }
  if (spec.role) {
    creds = assumeRole(ctx, region, creds, spec.role, {
      externalId: spec.externalID,
      tags: sessionTags(ctx, spec),
      transitiveTagKeys: spec.transitiveTagKeys,
    }, clients);
  }
  return creds;
}

async function baseCredentials(ctx: ProviderContext, spec: AwsStoreSpec, region: string | undefined, clients: StsClients): Promise<CredentialProvider | undefined> {
  const { secretRef, jwt } = spec.auth;
  if (ctx.refuseAmbientIdentity && !secretRef) {
    // An app-defined store in the shared sidecar: neither the default chain nor the process's web identity.
    throw ambientIdentityRefused(
      describeStore(ctx.store),
      jwt ? "the sidecar's web identity token, AWS_WEB_IDENTITY_TOKEN_FILE, which auth.jwt uses offline" : "the AWS SDK's default chain: environment, shared files, IRSA web identity, container and instance metadata",
      `${FIELD}.secretRef`,
    );
  }
  if (secretRef) {
    const text = async (ref: typeof secretRef.accessKeyID, field: string) =>
      Buffer.from(await ctx.credentials.resolve(ref, `${FIELD}.secretRef.${field}`)).toString('utf8');
    const creds: Credentials = {
      accessKeyId: await text(secretRef.accessKeyID, 'accessKeyIDSecretRef'),
      secretAccessKey: await text(secretRef.secretAccessKey, 'secretAccessKeySecretRef'),
      ...(secretRef.sessionToken ? { sessionToken: await text(secretRef.sessionToken, 'sessionTokenSecretRef') } : {}),
    };
    return async () => creds;
  }
  if (jwt) return webIdentity(ctx, spec, region, clients);
  return undefined;
}

/**
 * ESO asks the cluster for a token of the referenced ServiceAccount. Offline there is no cluster, so the
 * ServiceAccount only names the role (its IRSA annotation) and the token is this process's own
 * (`AWS_WEB_IDENTITY_TOKEN_FILE`); the role's trust policy must accept that token's subject.
 */
function webIdentity(ctx: ProviderContext, spec: AwsStoreSpec, region: string | undefined, clients: StsClients): CredentialProvider {
  const ref = spec.auth.jwt!.serviceAccountRef;
  const store = describeStore(ctx.store);
  const namespace = ctx.store.kind === 'SecretStore' ? ctx.store.namespace : ref.namespace;
  if (!namespace) {
    throw new ProviderError(`${FIELD}.jwt.serviceAccountRef.namespace is required for ${store}: a ClusterSecretStore has no ExternalSecret namespace to default to offline`);
  }
  const sa = ctx.credentials.serviceAccount(ref.name, namespace);
  if (!sa) {
    throw new ProviderError(`ServiceAccount ${namespace}/${ref.name} referenced by ${FIELD}.jwt.serviceAccountRef of ${store} was not found in the stream or the platform configuration`);
  }
  const roleArn = sa.metadata?.annotations?.[ROLE_ARN_ANNOTATION];
  if (!roleArn) {
    throw new ProviderError(`an IAM role must be associated with service account ${ref.name} (namespace: ${namespace}): annotation ${ROLE_ARN_ANNOTATION} is missing (${store})`);
  }
  const tokenFile = process.env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (!tokenFile) {
    throw new ProviderError(`${FIELD}.jwt of ${store} assumes ${roleArn} with this process's web identity token, but AWS_WEB_IDENTITY_TOKEN_FILE is not set`);
  }
  const sts = instrument(new STSClient(clientOptions(region, undefined, 'AWS_STS_ENDPOINT')), ctx);
  clients.push(sts);
  return once(ctx, `STS (AssumeRoleWithWebIdentity ${roleArn})`, async () => {
    let token: string;
    try {
      token = (await readFile(tokenFile, 'utf8')).trim();
    } catch (e) {
      throw new ProviderError(`cannot read the web identity token file named by AWS_WEB_IDENTITY_TOKEN_FILE for ${store}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      const out = await sts.send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: WEB_IDENTITY_SESSION_NAME, WebIdentityToken: token }),
        { abortSignal: ctx.signal },
      );
      return fromSts(out.Credentials, roleArn, store);
    } catch (e) {
      throw rewrite(e, { store: ctx.store, region: region ?? '?', op: `AssumeRoleWithWebIdentity ${roleArn}` }, ctx.signal);
    }
  });
}

interface AssumeOptions {
  externalId?: string;
  tags?: Tag[];
  transitiveTagKeys?: string[];
}

function assumeRole(
  ctx: ProviderContext,
  region: string | undefined,
  source: CredentialProvider | undefined,
  roleArn: string,
  o: AssumeOptions,
  clients: StsClients,
): CredentialProvider {
  const sts = instrument(new STSClient(clientOptions(region, source, 'AWS_STS_ENDPOINT')), ctx);
  clients.push(sts);
  const store = describeStore(ctx.store);
  return once(ctx, `STS (AssumeRole ${roleArn})`, async () => {
    try {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: `${SESSION_NAME}-${Date.now()}`,
          ...(o.externalId ? { ExternalId: o.externalId } : {}),
          ...(o.tags && o.tags.length > 0 ? { Tags: o.tags } : {}),
          ...(o.tags && o.tags.length > 0 && o.transitiveTagKeys && o.transitiveTagKeys.length > 0 ? { TransitiveTagKeys: o.transitiveTagKeys } : {}),
        }),
        { abortSignal: ctx.signal },
      );
      return fromSts(out.Credentials, roleArn, store);
    } catch (e) {
      throw rewrite(e, { store: ctx.store, region: region ?? '?', op: `AssumeRole ${roleArn}` }, ctx.signal);
    }
  });
}

/** ESO's sessionTagsPolicy: Simple/Custom replace `sessionTags` with esoNamespace/esoStoreName/esoStoreKind (+ custom). */
function sessionTags(ctx: ProviderContext, spec: AwsStoreSpec): Tag[] {
  if (spec.sessionTagsPolicy === 'None') return spec.sessionTags.map((t) => ({ Key: t.key, Value: t.value }));
  if (ctx.store.kind !== 'SecretStore') {
    throw new ProviderError(
      `spec.provider.aws.sessionTagsPolicy ${spec.sessionTagsPolicy} of ${describeStore(ctx.store)} tags the session with the ExternalSecret's namespace, which one ClusterSecretStore client cannot know offline; use sessionTags instead`,
    );
  }
  const m = new Map<string, string>();
  if (spec.sessionTagsPolicy === 'Custom') {
    for (const [k, v] of Object.entries(spec.customSessionTags)) if (k !== '' && v !== '') m.set(k, v);
  }
  m.set('esoNamespace', ctx.store.namespace ?? '');
  m.set('esoStoreName', ctx.store.name);
  m.set('esoStoreKind', ctx.store.kind);
  return [...m].map(([Key, Value]) => ({ Key, Value }));
}

function fromSts(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined, roleArn: string, store: string): Credentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new ProviderError(`STS returned no credentials for ${roleArn} (${store})`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
}

/**
 * One STS call per run, shared by every concurrent request (a run is far shorter than a session). While
 * it has not answered, the engine knows the store waits on `step` (a deadline then names it).
 */
function once(ctx: ProviderContext, step: string, fn: () => Promise<Credentials>): CredentialProvider {
  let p: Promise<Credentials> | undefined;
  return () => {
    if (!p) {
      const done = ctx.awaitingToken?.(step);
      p = fn();
      p.then(() => done?.(), () => undefined);
    }
    return p;
  };
}

// Kinds of ESO's API groups. An unknown kind there (`ExternalSecrets`, `SecretStores`) is a mistake the API
// server would refuse ("no matches for kind"), so it is an error, with the kind meant.

import type { KubeObject } from '../engine/types.js';
import { ESO_GROUP, GENERATOR_GROUP } from './model.js';
import { schemaKinds, schemaRoot, schemaNodeAt } from './strict.js';
import { closest } from '../common/suggest.js';

/** ESO v2.9.0's kinds in external-secrets.io that eso-render does not read (passed through untouched). */
const OTHER_ESO_KINDS = ['PushSecret', 'ClusterPushSecret'];

function generatorKinds(): string[] {
  const root = schemaRoot(`${GENERATOR_GROUP}/v1alpha1`, 'ClusterGenerator');
  const kindEnum = root ? schemaNodeAt(root, ['spec', 'kind'])?.e : undefined;
  return [...new Set([...(kindEnum ?? []).map(String), ...schemaKinds(GENERATOR_GROUP), 'GeneratorState'])];
}

/** The problem with an object's kind in an ESO group, if any. */
export function unknownEsoKind(obj: KubeObject): { field: string; message: string } | undefined {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const group = obj.apiVersion.split('/')[0];
  let known: string[];
  if (group === ESO_GROUP) known = [...schemaKinds(ESO_GROUP), ...OTHER_ESO_KINDS];
  else if (group === GENERATOR_GROUP) known = generatorKinds();
  else return undefined;
  if (known.includes(obj.kind)) return undefined;
  const near = closest(obj.kind, known);
  return {
    field: 'kind',
    message: `unknown kind ${JSON.stringify(obj.kind)} in API group ${group}${near ? `: did you mean ${JSON.stringify(near)}?` : ` (known kinds: ${known.sort().join(', ')})`}`,
  };
}

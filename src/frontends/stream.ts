// Reading and writing manifest streams. Implemented by the stream I/O work; see the tests beside it.
import type { Item, KubeObject } from '../engine/types.js';

/** Parse a multi-document YAML stream, a JSON object, or a JSON/YAML `List`, into items. */
export function parseManifests(_text: string | Uint8Array, _origin?: string): Item[] {
  throw new Error('not implemented');
}

/** Write items as a YAML stream; untouched items keep their original text. */
export function writeManifests(_items: readonly Item[]): string {
  throw new Error('not implemented');
}

/** Serialise a new object (a generated Secret) with YAML 1.1-safe quoting. */
export function stringifyObject(_obj: KubeObject): string {
  throw new Error('not implemented');
}

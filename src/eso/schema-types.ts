// The shape of src/eso/schema-table.generated.ts (written by scripts/gen-eso-schema.mjs from ESO's CRDs).

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'any';

export interface SchemaNode {
  t: SchemaType;
  /** properties: field name → node index */
  p?: Readonly<Record<string, number>>;
  /** required field names */
  r?: readonly string[];
  /** additionalProperties: a node index, true (anything), false (nothing) */
  ap?: number | boolean;
  /** items: node index */
  i?: number;
  e?: readonly unknown[];
  pat?: string;
  /** format: int32, int64, byte, date-time, duration (ours: fields ESO parses as Go durations) */
  f?: string;
  mnl?: number;
  mxl?: number;
  mni?: number;
  mxi?: number;
  mnp?: number;
  mxp?: number;
  min?: number;
  max?: number;
  /** has a CRD default: the API server sets it before checking `required` */
  d?: 1;
  /** nullable */
  n?: 1;
  /** x-kubernetes-preserve-unknown-fields */
  x?: 1;
}

export interface SchemaRoot {
  scope: 'Namespaced' | 'Cluster';
  served: boolean;
  node: number;
}

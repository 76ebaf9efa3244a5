// The function-table entry shape of briefs/template-contract.md, as the crypto and ESO tables use it.
export interface FuncEntry {
  name: string;
  /** Go signature as reflect prints it; the executor converts arguments from it. */
  sig: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fn: (...args: any[]) => unknown;
  /** Output changes on every call (random keys, salts, IVs): the renderer warns about drift. */
  nondeterministic?: true;
}

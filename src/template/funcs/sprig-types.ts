// The shape of one entry in a function table (see briefs/template-contract.md): `sig` is the Go
// signature the executor uses to convert arguments; `fn` throws an Error to return a Go error.

export interface FuncEntry {
  name: string;
  sig: string;
  // Arguments arrive already converted to the Go parameter types of `sig`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fn: (...args: any[]) => unknown;
  nondeterministic?: true;
}

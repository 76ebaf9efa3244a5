// Bounds on the manifest input of one run (issue 14, "bounded work"): its size in bytes and its number
// of YAML documents, empty ones included (20 MB of `---` lines is five million documents). Each stream
// read is checked on its own; a command that calls beginInput also adds up every stream of its run
// (the files of `-f`, an app's files in `generate`), so many small streams cannot exceed it either.
// Errors name the limit and where it is set, never any of the input.
import { defaultLimits, limitSetting, type RenderLimits } from '../common/limits.js';
import { ManifestError } from './yaml-errors.js';

let limits = { inputBytes: defaultLimits.inputBytes, documents: defaultLimits.documents };
let run: { bytes: number; documents: number } | undefined;

/** Starts a run's input accounting, with the configured limits (defaults for those not given). */
export function beginInput(l: Partial<RenderLimits> = {}): void {
  limits = { inputBytes: l.inputBytes ?? defaultLimits.inputBytes, documents: l.documents ?? defaultLimits.documents };
  run = { bytes: 0, documents: 0 };
}

export function inputLimits(): { inputBytes: number; documents: number } {
  return limits;
}

export function tooLarge(origin: string | undefined): ManifestError {
  return new ManifestError(`the input is larger than the limit of ${limits.inputBytes} bytes (${limitSetting.inputBytes})`, { file: origin });
}

/** Takes `bytes` of input; throws a ManifestError past the limit. */
export function takeBytes(bytes: number, origin: string | undefined): void {
  const total = bytes + (run?.bytes ?? 0);
  if (total > limits.inputBytes) throw tooLarge(origin);
  if (run) run.bytes = total;
}

/** How many more documents this stream may hold. */
export function documentsLeft(): number {
  return limits.documents - (run?.documents ?? 0);
}

export function takeDocuments(n: number): void {
  if (run) run.documents += n;
}

export function tooManyDocuments(origin: string | undefined): ManifestError {
  return new ManifestError(`the input holds more than ${limits.documents} YAML documents (${limitSetting.documents})`, { file: origin });
}

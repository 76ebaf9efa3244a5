// `eso-render render` for a stream that names no ESO API group anywhere in its bytes (issue 19): such a
// stream has nothing to render, so it is written back as it came, without loading the yaml package or
// any other front-end module. Taken only when the line scan (stream-scan.ts) reads every document with
// certainty and the command has no option that could change the output; anything else goes through the
// whole `render` command. What a passed-through stream is not checked for: docs/benchmarks.md,
// "Lazy reading".
//
// The input limits (input-limits.ts) hold here too, before anything is read: with no option there is no
// configuration, so the default limits apply, and a stream above either (its bytes, or the documents the
// scan counts) is left to the whole command, which refuses it with its usual message.
import { defaultLimits } from '../common/limits.js';
import type { CommandIO } from './render-cmd.js';
import { mentionsEso, scanStream } from './stream-scan.js';
import { summaryLine } from './summary.js';

/** The exit code when the stream was passed through, undefined when `render` must run in full. */
export async function passThrough(argv: readonly string[], io: CommandIO): Promise<number | undefined> {
  let quiet = false;
  let format: 'text' | 'json' = 'text';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '--log-format' && (argv[i + 1] === 'text' || argv[i + 1] === 'json')) format = argv[++i] as 'text' | 'json';
    else if (a === '--log-format=text' || a === '--log-format=json') format = a.slice(13) as 'text' | 'json';
    else return undefined;
  }
  if (!io.stdinBytes) return undefined;
  const bytes = await io.stdinBytes();
  if (bytes.length > defaultLimits.inputBytes) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
  if (mentionsEso(text)) return undefined;
  const docs = scanStream(text, defaultLimits.documents);
  if (!docs) return undefined;
  const resources = docs.filter((d) => d.apiVersion !== undefined).length;
  if (!quiet) {
    const stats = { resourcesIn: resources, resourcesOut: resources, externalSecrets: 0, secretsEmitted: 0, requests: {}, retries: 0, durationMs: 0 };
    io.stderr(summaryLine({ ok: true, items: [], results: [], stats }, format));
  }
  // A stream with no resource is written as '' (stream.ts, writeManifests).
  io.stdout(resources === 0 ? '' : text);
  return 0;
}

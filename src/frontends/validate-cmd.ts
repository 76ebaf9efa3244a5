// `eso-render validate`: checks that need no credentials, for CI and as a kpt validator.
// With a ResourceList on stdin it answers as a KRM validator: the items unchanged, plus results.

import { render } from '../engine/render.js';
import { validate } from '../engine/validate.js';
import { readCommandInput, type CommandIO } from './render-cmd.js';
import { parseResourceList, writeResourceList, NotAResourceListError } from './resource-list.js';
import { loadRenderConfig } from '../config/renderconfig.js';
import { krmBaseDir } from './krm.js';
import { formatResults, printableResults } from './result-text.js';

export const validateUsage = `Usage: eso-render validate [options]

Checks manifests without credentials and without contacting any backend: field types, ESO's CRD and
admission rules, store references and conditions, the tenancy policy, template parsing, and templates
reading keys that no data entry provides. Prints every finding; exits 1 when any is an error.
With a kpt/kustomize ResourceList on stdin it acts as a KRM validator (items are returned unchanged).

Takes the same options as 'eso-render render' (-f, --config, --stores, --log-format, ...).
`;

export async function runValidate(argv: string[], io: CommandIO): Promise<number> {
  const wantsFiles = argv.some((a) => a === '-f' || a.startsWith('--filename') || a === '-h' || a === '--help');
  const stdinText = wantsFiles ? undefined : await io.stdin();
  if (stdinText !== undefined && /^\s*(kind:\s*ResourceList|apiVersion:\s*config\.kubernetes\.io)/m.test(stdinText)) {
    try {
      const rl = parseResourceList(stdinText);
      // Relative paths resolve as for the KRM function (the kpt package or kustomization folder).
      const cfg = loadRenderConfig(rl.functionConfig, krmBaseDir(rl.functionConfig, rl.items, io.cwd));
      if (cfg.problems.some((p) => p.severity === 'error')) {
        io.stdout(writeResourceList({ apiVersion: rl.apiVersion, kind: rl.kind, items: rl.items, results: printableResults(cfg.problems) }));
        return 1;
      }
      const out = await validate([...rl.items, ...cfg.resources], cfg.options);
      io.stdout(writeResourceList({ apiVersion: rl.apiVersion, kind: rl.kind, items: rl.items, results: printableResults(out.results) }));
      io.stderr(formatResults(out.results));
      return out.ok ? 0 : 1;
    } catch (e) {
      if (!(e instanceof NotAResourceListError)) throw e;
    }
  }
  const input = await readCommandInput('validate', validateUsage, argv, io, stdinText);
  if (typeof input === 'number') return input;
  const out = input.redact ? await render(input.items, { ...input.options, redact: true }) : await validate(input.items, input.options);
  out.results.unshift(...input.warnings);
  input.report(out.results.filter((r) => r.severity !== 'info'));
  const errors = out.results.filter((r) => r.severity === 'error').length;
  if (!input.quiet) io.stderr(`eso-render validate: ${errors === 0 ? 'ok' : 'FAILED'}: ${errors} errors, ${out.results.filter((r) => r.severity === 'warning').length} warnings\n`);
  return errors === 0 ? 0 : 1;
}

// Fixture-driven cases, one folder each (kyaml's testdata/<case>/ style):
//   input.yaml             the stream given to `eso-render render` on stdin
//   config.yaml            optional RenderConfig, passed with --config
//   command                optional: the eso-render command (default render); several lines (render, validate)
//                          run each command on the same input, each held to the same expectations
//   args                   optional extra CLI arguments, one per line
//   expected.yaml          the exact stdout of a successful run, or
//   errors.txt             one regular expression per line that stderr must match (exit 1, empty stdout);
//                          <command>.errors.txt, when present, replaces it for that command
//   warnings.txt           optional, for a successful run: regular expressions stderr must match
// Every case also checks that no value held by a fake store in the input or config appears on stderr.
// UPDATE_EXPECTED=1 rewrites expected.yaml from the actual output (read the diff before committing it);
// refused under CI.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { mayUpdateExpected } from '../setup/tools.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const cases = readdirSync(here, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

function fakeValues(text: string): string[] {
  const values: string[] = [];
  for (const d of parseAllDocuments(text)) {
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === 'object') {
        const rec = o as Record<string, unknown>;
        const fake = (rec['provider'] as Record<string, any> | undefined)?.['fake'];
        if (fake && Array.isArray(fake.data)) for (const e of fake.data) if (typeof e?.value === 'string' && e.value.length >= 4) values.push(e.value);
        Object.values(rec).forEach(walk);
      }
    };
    walk(d.toJS());
  }
  return values;
}

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> };
const objects = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj).filter((o) => o && typeof o === 'object');
const id = (o: Obj) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const CONSUMED = new Set(['ExternalSecret', 'ClusterExternalSecret', 'SecretStore', 'ClusterSecretStore']);

/**
 * What holds for any successful render, whatever the golden says: no ExternalSecret left; every Secret
 * that names its ExternalSecret is that ExternalSecret's target, in its namespace, with base64 data;
 * every other input resource passes through (stores and generators are consumed unless kept).
 */
function ruleViolations(input: string, output: string, args: string[]): string[] {
  if (input.trim() === '' || args[0] !== 'render') return [];
  const ins = objects(input);
  const outs = objects(output);
  const problems: string[] = [];
  // Stores of another controller class (and what uses them) pass through for an in-cluster ESO.
  const otherClass = new Set(ins.filter((o) => /SecretStore$/.test(o.kind ?? '') && o.spec?.controller).map((o) => o.metadata?.name));
  for (const o of outs) {
    if (o.kind !== 'ExternalSecret' && o.kind !== 'ClusterExternalSecret') continue;
    const ref = o.spec?.secretStoreRef?.name ?? o.spec?.externalSecretSpec?.secretStoreRef?.name;
    if (!otherClass.has(ref)) problems.push(`${id(o)} left in the output`);
  }
  const es = new Map(ins.filter((o) => o.kind === 'ExternalSecret').map((o) => [`${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`, o]));
  const fromCes = ins.some((o) => o.kind === 'ClusterExternalSecret');
  for (const s of outs.filter((o) => o.kind === 'Secret')) {
    for (const [k, v] of Object.entries(s.data ?? {})) if (Buffer.from(String(v), 'base64').toString('base64') !== String(v)) problems.push(`${id(s)} data.${k} is not canonical base64`);
    const refs = s.metadata?.annotations?.['eso-render.dev/external-secret'];
    if (!refs || fromCes) continue;
    // One Secret may have several writers (Merge/CreateOrMerge on one target): a comma-separated list.
    for (const ref of refs.split(',')) {
      const owner = es.get(ref);
      if (!owner) {
        problems.push(`${id(s)} names ExternalSecret ${ref}, which the input does not hold`);
        continue;
      }
      const want = owner.spec?.target?.name ?? owner.metadata?.name;
      if (s.metadata?.name !== want) problems.push(`${id(s)} is not ${ref}'s target ${want}`);
      if ((s.metadata?.namespace ?? 'default') !== (owner.metadata?.namespace ?? 'default')) problems.push(`${id(s)} is not in ${ref}'s namespace`);
    }
  }
  const keep = args.includes('--keep-stores');
  const outIds = new Set(outs.map(id));
  for (const o of ins) {
    const consumed = CONSUMED.has(o.kind ?? '') || String(o.apiVersion ?? '').startsWith('generators.external-secrets.io/');
    if (consumed && !(keep && o.kind !== 'ExternalSecret' && o.kind !== 'ClusterExternalSecret')) continue;
    // A Secret of the input may be replaced by (merged into) a rendered one of the same name: still there.
    if (!outIds.has(id(o))) problems.push(`${id(o)} from the input is missing from the output`);
  }
  return problems;
}

describe('fixture cases (test/cases/<name>)', () => {
  for (const name of cases) {
    const dir = path.join(here, name);
    const commandFile = path.join(dir, 'command');
    const commands = existsSync(commandFile) ? readFileSync(commandFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : ['render'];
    for (const command of commands) {
      it(commands.length > 1 ? `${name} (${command})` : name, async () => {
        const inputFile = path.join(dir, 'input.yaml');
        const input = existsSync(inputFile) ? readFileSync(inputFile, 'utf8') : '';
        const args = [command];
        let secrets = fakeValues(input);
        if (existsSync(path.join(dir, 'config.yaml'))) {
          args.push('--config', path.join(dir, 'config.yaml'));
          secrets = secrets.concat(fakeValues(readFileSync(path.join(dir, 'config.yaml'), 'utf8')));
        }
        if (existsSync(path.join(dir, 'args'))) args.push(...readFileSync(path.join(dir, 'args'), 'utf8').split('\n').filter(Boolean));
        const r = await runCli(args, input, { cwd: dir });
        for (const s of secrets) expect(r.stderr, 'a store value leaked to stderr').not.toContain(s);
        const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '');
        const errorsFile = [path.join(dir, `${command}.errors.txt`), path.join(dir, 'errors.txt')].find((f) => existsSync(f));
        if (errorsFile) {
          expect(r.stdout, 'nothing on stdout when a run fails').toBe('');
          expect(r.code, r.stderr).toBe(1);
          for (const line of lines(errorsFile)) expect(r.stderr).toMatch(new RegExp(line));
          return;
        }
        expect(r.stderr).not.toMatch(/\[error\]/);
        expect(r.code, r.stderr).toBe(0);
        const warningsFile = path.join(dir, 'warnings.txt');
        if (existsSync(warningsFile)) for (const line of lines(warningsFile)) expect(r.stderr).toMatch(new RegExp(line));
        const expectedFile = [path.join(dir, `${command}.expected.yaml`), path.join(dir, 'expected.yaml')].find((f) => existsSync(f));
        if (!expectedFile) {
          expect(existsSync(warningsFile), 'a successful case states its stdout (expected.yaml) or its warnings (warnings.txt)').toBe(true);
          return;
        }
        // Rules every successful render obeys, checked beside the golden file (which could be regenerated wrong).
        expect(ruleViolations(input, r.stdout, args), 'rule-based checks').toEqual([]);
        if (mayUpdateExpected()) writeFileSync(expectedFile, r.stdout);
        expect(r.stdout).toBe(readFileSync(expectedFile, 'utf8'));
      });
    }
  }
});

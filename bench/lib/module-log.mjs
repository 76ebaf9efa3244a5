// Loaded with `node --import`: appends every module the process resolves (ES imports through a resolve
// hook, CommonJS requires through Module._resolveFilename) to ESO_BENCH_MODULE_LOG, one per line, so the
// cold-start scenario can show which packages a run loaded.
import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';

const log = process.env.ESO_BENCH_MODULE_LOG;
if (log) {
  const hook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  const original = Module._resolveFilename;
  Module._resolveFilename = function (...args) {
    const file = original.apply(this, args);
    appendFileSync(log, `${file}\n`);
    return file;
  };
}

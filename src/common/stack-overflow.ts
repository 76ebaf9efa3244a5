// JavaScript stack exhaustion, as the template engine (src/template/) and the engine that runs it
// (src/engine/assemble.ts) both recognise and word it: a template's recursion ends on the JavaScript stack
// long before Go's limit of 100,000 nested template calls (docs/templates.md, "Deep nesting").

/** JS stack exhaustion (runaway template recursion), which must not become a function's error. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * What a template run that exhausted the stack says: Go's words, and where this limit lies instead of
 * Go's. The depth reached depends on what each call nests and on V8's compiler (ADR 11), so the text
 * names the simple case's, measured, and never the depth reached (which a value could have chosen).
 */
export const STACK_ENDED =
  "exceeded maximum template depth (eso-render's stack ends after about 850 nested template calls, fewer when each call nests blocks; Go's limit is 100000)";

// Public face of the template engine (Go text/template + sprig + ESO's functions).
// The engine in this folder implements these; the rest of eso-render imports only this file.

export interface TemplateOptions {
  leftDelim: string;
  rightDelim: string;
  /** ESO uses missingkey=error for template.data/templateFrom/metadata; rewrite.transform does not. */
  missingKey: 'error' | 'default';
}

export const defaultTemplateOptions: TemplateOptions = { leftDelim: '{{', rightDelim: '}}', missingKey: 'error' };

/** A parse or execution error, worded like Go's (`template: key:1:3: executing "key" at <.x>: ...`). */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly kind: 'parse' | 'exec',
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/**
 * Render `text` (template named `name`, as ESO's template.New(key)) against `data` (ESO's
 * map[string]string of provider values, bytes preserved). Returns the output bytes, untrimmed.
 * Throws TemplateError. Error messages never contain data values.
 */
export function executeTemplate(
  _name: string,
  _text: string,
  _data: ReadonlyMap<string, Uint8Array>,
  _opts: TemplateOptions = defaultTemplateOptions,
): Uint8Array {
  throw new TemplateError('template engine not implemented yet', 'exec');
}

/** Parse only (for `validate`); throws TemplateError on a parse error. */
export function checkTemplate(_name: string, _text: string, _opts: TemplateOptions = defaultTemplateOptions): void {}

/** Names of non-deterministic functions (now, rand*, uuidv4, genCA, bcrypt, ...) the template calls. */
export function nondeterministicFunctions(
  _text: string,
  _opts: TemplateOptions = defaultTemplateOptions,
): string[] {
  return [];
}

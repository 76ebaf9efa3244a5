// `spec.controllerClass` of a RenderConfig (and `--controller-class`): the ESO controller class eso-render
// renders for, as ESO's own --controller-class flag. Stores whose spec.controller names another class, and
// the ExternalSecrets that use them, pass through untouched for an in-cluster ESO of that class.

/** ESO's default --controller-class. */
export const DEFAULT_CONTROLLER_CLASS = 'default';

const CLASS = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** The class, or a message saying what is wrong with the value. */
export function readControllerClass(v: unknown): { value: string } | { error: string } {
  if (typeof v !== 'string' || !CLASS.test(v) || v.length > 253) {
    return { error: 'must be a controller class name (letters, digits, "-", "_" and ".", as in a store\'s spec.controller)' };
  }
  return { value: v };
}

// Bounded work for templates (issue 14): an operation budget, an output budget and the run's deadline.
// One Budget serves every template of a run. Execution is synchronous, so the deadline is read from the
// clock (a timer could not fire while a template runs): every 1024 operations and before every costly
// function. The executor charges nodes walked and loop turns; functions charge the work they do (list
// sizes, bytes made, key generation); serialisers charge every node they would visit (guards.ts).
//
// Once exhausted, a budget stays exhausted: every later charge throws again, so a function that catches
// errors (the non-must sprig variants do) cannot swallow it, and the executor re-checks after each call.
import { defaultLimits, limitSetting } from '../common/limits.js';

export type BudgetKind = 'operations' | 'output' | 'deadline';

/** An exhausted budget. Its message names the budget and where it is set, nothing else. */
export class BudgetExceeded extends Error {
  constructor(
    readonly budget: BudgetKind,
    message: string,
  ) {
    super(message);
    this.name = 'BudgetExceeded';
  }
}

export interface BudgetLimits {
  operations: number;
  outputBytes: number;
  /** Epoch milliseconds; Infinity for none. */
  deadline: number;
  /** The run's deadline as the user set it (for the message), in milliseconds. */
  deadlineMs?: number;
}

export class Budget {
  private ops: number;
  private out: number;
  private tick = 0;
  exhausted: BudgetExceeded | undefined;

  constructor(readonly limits: BudgetLimits) {
    this.ops = limits.operations;
    this.out = limits.outputBytes;
  }

  /** Takes `n` operations; throws when none are left or the deadline has passed. */
  charge(n = 1): void {
    if (this.exhausted) throw this.exhausted;
    this.ops -= n;
    if (this.ops < 0) this.fail('operations');
    this.tick += n;
    if (this.tick >= 1024) {
      this.tick = 0;
      this.checkTime();
    }
  }

  /** Takes `n` bytes of template output. */
  output(n: number): void {
    if (this.exhausted) throw this.exhausted;
    this.out -= n;
    if (this.out < 0) this.fail('output');
  }

  /** A single value (a function's result) may not be larger than the whole output budget. */
  value(bytes: number): void {
    if (bytes > this.limits.outputBytes) this.fail('output');
  }

  /**
   * Throws once the deadline has passed, or when less than `reserveMs` is left: a slow function that
   * cannot be interrupted (key generation) starts only if the time it may take is still there.
   */
  checkTime(reserveMs = 0): void {
    if (this.exhausted) throw this.exhausted;
    if (Date.now() + reserveMs > this.limits.deadline) this.fail(reserveMs > 0 ? 'reserve' : 'deadline');
  }

  /** Rethrows when exhausted (after a function that may have caught the error). */
  check(): void {
    if (this.exhausted) throw this.exhausted;
  }

  private fail(why: BudgetKind | 'reserve'): never {
    const l = this.limits;
    const kind: BudgetKind = why === 'reserve' ? 'deadline' : why;
    const msg =
      kind === 'operations'
        ? `the template operation budget of ${l.operations} is used up (raise ${limitSetting.templateOperations})`
        : kind === 'output'
          ? `the template output budget of ${l.outputBytes} bytes is used up (raise ${limitSetting.templateOutputBytes})`
          : `the run's deadline${l.deadlineMs !== undefined ? ` (${l.deadlineMs} ms)` : ''} ${why === 'reserve' ? 'leaves too little time for a slow function (key generation, bcrypt)' : 'passed while templates were running'}`;
    this.exhausted = new BudgetExceeded(kind, msg);
    throw this.exhausted;
  }
}

/** A budget with the default limits and no deadline (unit tests, `validate`). */
export function defaultBudget(): Budget {
  return new Budget({ operations: defaultLimits.templateOperations, outputBytes: defaultLimits.templateOutputBytes, deadline: Infinity });
}

// The budget of the template running now. Set by executeTemplate for the duration of one synchronous run,
// so functions deep in the library (serialisers, parsers) can charge without a parameter on every call.
let active: Budget | undefined;

export function activeBudget(): Budget | undefined {
  return active;
}

export function withBudget<T>(b: Budget, fn: () => T): T {
  const saved = active;
  active = b;
  try {
    return fn();
  } finally {
    active = saved;
  }
}

/** Charge the running template's budget (no-op outside a template). */
export function charge(n = 1): void {
  active?.charge(n);
}

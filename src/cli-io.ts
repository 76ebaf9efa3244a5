// The process's side of a command: stdin read once (the pass-through and the whole command may both ask
// for it), stdout and stderr, and the exit once both are flushed. Shared by dist/cli.js and the single
// executable's small main (src/sea-main.ts), which hands the same CommandIO to the rest of the program.
import type { CommandIO } from './frontends/render-cmd.js';

/** stdin's `error` listener once nothing waits for it: a function of its own, for a closure made in the
 * promise's executor would hold `reject`, so the promise, so the bytes, for the whole run. */
const ignoreError = (): void => {};

export function processIO(): CommandIO {
  let stdinRead: Promise<Buffer> | undefined;
  const readStdinBytes = (): Promise<Buffer> =>
    (stdinRead ??= new Promise((resolve, reject) => {
      let chunks: Buffer[] = [];
      const onData = (c: Buffer) => void chunks.push(c);
      process.stdin.on('data', onData);
      process.stdin.once('end', () => {
        // Left attached, the listeners would hold the input for the whole run: onData the chunks, and
        // `reject` (a function of the promise) the promise and so the bytes it resolved to.
        process.stdin.off('data', onData);
        process.stdin.off('error', reject);
        process.stdin.on('error', ignoreError); // nothing is waiting for stdin any more
        const bytes = Buffer.concat(chunks);
        chunks = [];
        resolve(bytes);
      });
      process.stdin.on('error', reject);
    }));
  return {
    stdin: async () => (await readStdinBytes()).toString('utf8'),
    stdinBytes: readStdinBytes,
    releaseStdin: () => {
      // Read once more after this, stdin would be empty: fail instead of handing out nothing.
      stdinRead = Promise.reject(new Error('internal: stdin was read after it was released'));
      stdinRead.catch(() => {});
    },
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit once stdout and stderr are flushed: SDK timers (retry sleeps, keep-alive sockets) must not hold the process. */
export function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/** Exit with the command's code, or 2 with the error's name only on an unexpected error. */
export function finish(run: Promise<number>): void {
  run.then(exitAfterFlush, (e: unknown) => {
    // Never a stack trace to the user: it could carry values from a provider's response.
    process.stderr.write(`eso-render: internal error: ${e instanceof Error ? e.name : 'unknown'}\n`);
    exitAfterFlush(2);
  });
}

// A counting semaphore: at most `limit` tasks run at once; the rest wait in order. The engine bounds
// requests per store and overall; providers whose one call fans out (a find reading every match) use the
// same gate so the fan-out stays within the store's bound.

export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, Math.floor(limit) || 1);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** The same gate as a function, for call sites that pass it around. */
export function makeLimiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  const l = new Limiter(max);
  return (fn) => l.run(fn);
}

// Reads many ids through a batch call, with a way out: when the role may not call the batch operation,
// the first denial switches the whole run to single reads (once, silently), and ids a batch answer
// does not account for are read singly too. Each id gets exactly one promise.

import { chunks, type Limiter } from './limiter.js';

export type BatchAnswer<T> = Map<string, { value: T } | { error: Error }>;

export interface BatchLoaderOptions<T> {
  size: number;
  limiter: Limiter;
  /** One batch request (paginated inside if needed); ids it does not mention are read singly. */
  batch(ids: string[]): Promise<BatchAnswer<T>>;
  single(id: string): Promise<T>;
  isDenied(e: unknown): boolean;
  /** The error every id of a failed batch call reports. */
  failed(e: unknown, ids: string[]): Error;
}

export class BatchLoader<T> {
  private mode: 'untried' | 'allowed' | 'denied' = 'untried';
  private probe: Promise<void> | undefined;

  constructor(private readonly o: BatchLoaderOptions<T>) {}

  get denied(): boolean {
    return this.mode === 'denied';
  }

  /** Another use of the batch operation (a find by filter) was denied: stop trying it in this run. */
  markDenied(): void {
    this.mode = 'denied';
  }

  /** Starts reading `ids` (distinct); the promises settle as their batch answers. */
  load(ids: readonly string[]): Map<string, Promise<T>> {
    const out = new Map<string, Promise<T>>();
    const settle = new Map<string, { resolve(v: T): void; reject(e: unknown): void }>();
    for (const id of ids) {
      const p = new Promise<T>((resolve, reject) => settle.set(id, { resolve, reject }));
      // Nobody may ever ask for a failed id; do not let its rejection go unhandled.
      p.catch(() => undefined);
      out.set(id, p);
    }
    const finish = (id: string, r: Promise<T>) => r.then(settle.get(id)!.resolve, settle.get(id)!.reject);
    const singly = (batchIds: string[]) => {
      for (const id of batchIds) finish(id, this.o.limiter.run(() => this.o.single(id)));
    };
    const runChunk = async (chunk: string[]): Promise<void> => {
      if (this.mode === 'denied') return singly(chunk);
      let answer: BatchAnswer<T>;
      try {
        answer = await this.o.limiter.run(() => this.o.batch(chunk));
      } catch (e) {
        if (this.o.isDenied(e)) {
          this.mode = 'denied';
          return singly(chunk);
        }
        const err = this.o.failed(e, chunk);
        for (const id of chunk) settle.get(id)!.reject(err);
        return;
      }
      this.mode = 'allowed';
      const missing: string[] = [];
      for (const id of chunk) {
        const a = answer.get(id);
        if (!a) missing.push(id);
        else if ('value' in a) settle.get(id)!.resolve(a.value);
        else settle.get(id)!.reject(a.error);
      }
      singly(missing);
    };
    const all = chunks([...ids], this.o.size);
    void (async () => {
      // Until the batch call is known to be allowed, one chunk goes first, so a denial costs one request.
      if (this.mode === 'untried') {
        if (!this.probe) {
          const first = all.shift();
          this.probe = first ? runChunk(first) : Promise.resolve();
        }
        await this.probe;
      }
      await Promise.all(all.map(runChunk));
    })();
    return out;
  }
}

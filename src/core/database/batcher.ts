import { requestContext } from '../logging/request-context';

/**
 * Batches concurrent database calls of one kind (ledger postings: group commit; the login lookup
 * of every authenticated request). Callers queue their item; whenever fewer than `maxInFlight`
 * batches are at the database, the queued items (up to `maxBatch`) go there as one batch: one
 * round trip (and, for postings, one commit) for many items. There is no timer: when the database
 * is idle a lone item goes at once, when it is busy the items arriving meanwhile are gathered, so
 * every item is still read or written after its caller asked.
 *
 * A batch that fails as a whole is handled by what its failure says:
 * - the database refused it (`mayRetryEach`: it wrote nothing): each item is sent again on its
 *   own, one after another in arrival order, so one item's error never becomes another's;
 * - anything else (the connection dropped, a wrong answer): the batch may have been written, so
 *   nothing is sent again and every caller gets `outcomeUnknown(error)`.
 */
export interface BatcherOptions<P, R> {
  maxInFlight: number;
  maxBatch: number;
  /**
   * Items that must be ready before a batch is sent beside one already at the database (default
   * 1). A few items are better sent together once the batch in flight returns than as a tiny batch
   * of their own, which would pay a round trip and a commit for little.
   */
  minBatchBeside?: number;
  /**
   * What an item locks (for postings: its account numbers). A batch sent beside others takes only
   * items that share no key with the batches in flight, so batches never wait on each other's row
   * locks (a waiting batch would hold a connection and PostgreSQL's cleanup horizon for nothing);
   * items of one key are sent in the order they came.
   */
  keysOf?(item: P): readonly string[];
  /** Sends several items in one round trip; resolves with one result per item, in order. */
  runBatch(items: P[]): Promise<R[]>;
  /** Sends one item (with its own retries, if any). */
  runOne(item: P): Promise<R>;
  /** Whether a failed batch surely wrote nothing, so that its items may be sent again (default: yes, for reads). */
  mayRetryEach?(error: unknown): boolean;
  /** What the callers of a batch that may or may not have been written get (default: the error). */
  outcomeUnknown?(error: unknown): unknown;
  onBatchFailed?(error: unknown, size: number, retried: boolean): void;
}

interface Waiting<P, R> {
  item: P;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class Batcher<P, R> {
  private queue: Waiting<P, R>[] = [];
  private inFlight = 0;
  /** Keys held by the batches in flight, with how many batches hold each. */
  private readonly busy = new Map<string, number>();

  constructor(private readonly options: BatcherOptions<P, R>) {
    if (!(options.maxInFlight >= 1 && options.maxBatch >= 1)) throw new Error('Batcher needs maxInFlight ≥ 1 and maxBatch ≥ 1');
  }

  submit(item: P): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return; // only beside a batch in flight, whose end pumps again
      const keys = this.options.keysOf ? batch.flatMap((w) => this.options.keysOf!(w.item)) : [];
      for (const k of keys) this.busy.set(k, (this.busy.get(k) ?? 0) + 1);
      this.inFlight++;
      // a batch serves many requests: it runs outside the context of the one that happened to send it
      void requestContext.exit(() => this.send(batch)).finally(() => {
        for (const k of keys) {
          const n = this.busy.get(k)! - 1;
          if (n === 0) this.busy.delete(k);
          else this.busy.set(k, n);
        }
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The next batch: the front of the queue, or beside batches in flight only what does not clash. */
  private take(): Waiting<P, R>[] {
    const { maxBatch, keysOf } = this.options;
    if (this.inFlight === 0) return this.queue.splice(0, maxBatch);
    const taken: Waiting<P, R>[] = [];
    const rest: Waiting<P, R>[] = [];
    const held = new Set<string>(); // keys of items left waiting: later items of those keys wait too
    for (const w of this.queue) {
      const keys = keysOf?.(w.item) ?? [];
      if (taken.length < maxBatch && !keys.some((k) => this.busy.has(k) || held.has(k))) taken.push(w);
      else {
        keys.forEach((k) => held.add(k));
        rest.push(w);
      }
    }
    if (taken.length < (this.options.minBatchBeside ?? 1)) return [];
    this.queue = rest;
    return taken;
  }

  private async send(batch: Waiting<P, R>[]): Promise<void> {
    if (batch.length === 1) return this.one(batch[0]);
    let results: R[];
    try {
      results = await this.options.runBatch(batch.map((w) => w.item));
    } catch (error) {
      const retry = this.options.mayRetryEach?.(error) ?? true;
      try {
        this.options.onBatchFailed?.(error, batch.length, retry);
      } catch {
        /* a failing report must not strand the callers */
      }
      if (!retry) return this.failAll(batch, error);
      for (const w of batch) await this.one(w); // in arrival order, one at a time
      return;
    }
    if (results?.length !== batch.length) {
      return this.failAll(batch, new Error(`batch returned ${results?.length} results for ${batch.length} items`));
    }
    batch.forEach((w, i) => w.resolve(results[i]));
  }

  private failAll(batch: Waiting<P, R>[], error: unknown): void {
    const reason = this.options.outcomeUnknown ? this.options.outcomeUnknown(error) : error;
    for (const w of batch) w.reject(reason);
  }

  private async one(w: Waiting<P, R>): Promise<void> {
    try {
      w.resolve(await this.options.runOne(w.item));
    } catch (error) {
      w.reject(error);
    }
  }
}

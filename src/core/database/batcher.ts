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
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      // a batch serves many requests: it runs outside the context of the one that happened to send it
      void requestContext.exit(() => this.send(batch)).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
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

import { Batcher } from './batcher';

/** A fake database: batches and single postings resolve when the test releases them. */
function harness(maxInFlight = 1, maxBatch = 4) {
  const calls: { kind: 'batch' | 'one'; items: number[]; release: (fail?: boolean) => void }[] = [];
  const gc = new Batcher<number, string>({
    maxInFlight,
    maxBatch,
    runBatch: (items) =>
      new Promise((resolve, reject) => {
        calls.push({ kind: 'batch', items, release: (fail) => (fail ? reject(new Error('batch aborted')) : resolve(items.map((i) => `r${i}`))) });
      }),
    runOne: (item) =>
      new Promise((resolve, reject) => {
        calls.push({ kind: 'one', items: [item], release: () => (item === 13 ? reject(new Error('broken 13')) : resolve(`one${item}`)) });
      }),
  });
  const tick = () => new Promise((r) => setImmediate(r));
  return { gc, calls, tick };
}

describe('batching concurrent database calls', () => {
  it('sends a lone item at once and gathers the ones arriving meanwhile into batches', async () => {
    const { gc, calls, tick } = harness(1, 4);
    const results = [1, 2, 3, 4, 5, 6, 7].map((i) => gc.submit(i));
    expect(calls.map((c) => [c.kind, c.items])).toEqual([['one', [1]]]);
    calls[0].release();
    await tick();
    expect(calls.map((c) => [c.kind, c.items])).toEqual([['one', [1]], ['batch', [2, 3, 4, 5]]]); // at most maxBatch
    calls[1].release();
    await tick();
    expect(calls[2]).toMatchObject({ kind: 'batch', items: [6, 7] });
    calls[2].release();
    expect(await Promise.all(results)).toEqual(['one1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('keeps up to maxInFlight batches at the database', async () => {
    const { gc, calls } = harness(2, 10);
    [1, 2, 3].forEach((i) => void gc.submit(i));
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
  });

  it('after a batch the database refused, sends each on its own, one at a time in order, so one broken item fails alone', async () => {
    const { gc, calls, tick } = harness(1, 10);
    const first = gc.submit(1);
    const rest = [12, 13, 14].map((i) => gc.submit(i).then((r) => ({ ok: r }), (e: Error) => ({ error: e.message })));
    calls[0].release();
    await first;
    await tick();
    calls[1].release(true); // the batch [12, 13, 14] aborts
    for (const expected of [12, 13, 14]) {
      await tick();
      // only one at a time: the next is sent when the previous has answered
      expect(calls.slice(2).map((c) => [c.kind, c.items])).toEqual([12, 13, 14].filter((i) => i <= expected).map((i) => ['one', [i]]));
      calls[calls.length - 1].release();
    }
    expect(await Promise.all(rest)).toEqual([{ ok: 'one12' }, { error: 'broken 13' }, { ok: 'one14' }]);
  });

  const settleAll = <T,>(ps: Promise<T>[]) => Promise.all(ps.map((p) => p.then((r) => ({ ok: r }), (e: Error) => ({ error: e.message }))));

  it('sends nothing again when a batch may have been written (lost connection, wrong answer): every caller learns the outcome is unknown', async () => {
    const sent: string[] = [];
    const make = (runBatch: (items: number[]) => Promise<string[]>) =>
      new Batcher<number, string>({
        maxInFlight: 1,
        maxBatch: 10,
        runBatch: async (items) => {
          sent.push(`batch ${items.join(',')}`);
          return runBatch(items);
        },
        runOne: async (i) => {
          sent.push(`one ${i}`);
          return `one${i}`;
        },
        mayRetryEach: (e) => (e as { code?: string }).code === '23505', // only what the database refused
        outcomeUnknown: (e) => new Error(`unknown: ${(e as Error).message}`),
      });
    const lost = make(async () => {
      throw new Error('Connection terminated unexpectedly');
    });
    expect(await settleAll([1, 2, 3].map((i) => lost.submit(i)))).toEqual([
      { ok: 'one1' },
      { error: 'unknown: Connection terminated unexpectedly' },
      { error: 'unknown: Connection terminated unexpectedly' },
    ]);
    const short = make(async () => ['only one']);
    expect(await settleAll([4, 5, 6].map((i) => short.submit(i)))).toEqual([
      { ok: 'one4' },
      { error: 'unknown: batch returned 1 results for 2 items' },
      { error: 'unknown: batch returned 1 results for 2 items' },
    ]);
    const refused = make(async () => {
      throw Object.assign(new Error('duplicate key'), { code: '23505' });
    });
    expect(await settleAll([7, 8, 9].map((i) => refused.submit(i)))).toEqual([{ ok: 'one7' }, { ok: 'one8' }, { ok: 'one9' }]);
    expect(sent).toEqual(['one 1', 'batch 2,3', 'one 4', 'batch 5,6', 'one 7', 'batch 8,9', 'one 8', 'one 9']);
  });

  it('settles every caller even when reporting a failed batch throws, and refuses an impossible configuration', async () => {
    const gc = new Batcher<number, string>({
      maxInFlight: 1,
      maxBatch: 10,
      runBatch: async () => {
        throw new Error('refused');
      },
      runOne: async (i) => `one${i}`,
      onBatchFailed: () => {
        throw new Error('the logger broke');
      },
    });
    expect(await Promise.all([1, 2, 3].map((i) => gc.submit(i)))).toEqual(['one1', 'one2', 'one3']);
    expect(() => new Batcher<number, string>({ maxInFlight: 0, maxBatch: 10, runBatch: async () => [], runOne: async () => '' })).toThrow(/maxInFlight/);
    expect(() => new Batcher<number, string>({ maxInFlight: 1, maxBatch: 0, runBatch: async () => [], runOne: async () => '' })).toThrow(/maxBatch/);
  });
});

import { getPriority } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../errors/domain-error';
import { WORKER_NICENESS } from './worker-entry';
import { WorkerPool } from './worker-pool';
import { rejection as refusal } from '../../../test/support/errors';

const ENTRY = join(__dirname, '../../../test/fixtures/pool-worker');

describe('WorkerPool', () => {
  let pool: WorkerPool;
  afterEach(async () => {
    await pool?.close();
  });

  it('runs jobs in workers and returns plain data; a DomainError keeps its code and details', async () => {
    pool = new WorkerPool({ entry: ENTRY, size: 2, timeoutMs: 20_000, maxOldGenerationSizeMb: 128 });
    const results = await Promise.all([1, 2, 3].map((n) => pool.run<{ length: number; n: number }>('echo', { bytes: Buffer.alloc(10 * n), n })));
    expect(results).toEqual([{ length: 10, n: 2 }, { length: 20, n: 4 }, { length: 30, n: 6 }]);
    expect(pool.workers).toBe(2);
    const refused = await refusal(pool.run('refuse', {}));
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'FILE_TOO_COMPLEX', details: { part: 'xl/worksheets/sheet1.xml' } });
    const crashed = await refusal(pool.run('crash', {}));
    expect(crashed).not.toBeInstanceOf(DomainError);
    expect(crashed.message).toBe('boom');
    expect(pool.replaced).toBe(0);
  });

  it('terminates a job past its time limit (FILE_PARSE_TIMEOUT), replaces the worker, and serves the next job', async () => {
    pool = new WorkerPool({ entry: ENTRY, size: 1, timeoutMs: 1_500, maxOldGenerationSizeMb: 128 });
    await pool.run('echo', { bytes: Buffer.alloc(1), n: 1 }); // the worker is up: the limit counts the job only
    const started = Date.now();
    const refused = await refusal(pool.run('hang', {}));
    expect(refused).toMatchObject({ code: 'FILE_PARSE_TIMEOUT', details: { limitMs: 1_500 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(pool.replaced).toBe(1);
    await expect(pool.run('echo', { bytes: Buffer.alloc(5), n: 4 })).resolves.toEqual({ length: 5, n: 8 });
  });

  it('refuses a job that exhausts the heap limit (FILE_PARSE_MEMORY_EXCEEDED) and replaces the worker', async () => {
    pool = new WorkerPool({ entry: ENTRY, size: 1, timeoutMs: 60_000, maxOldGenerationSizeMb: 64 });
    const refused = await refusal(pool.run('hog', {}));
    expect(refused).toMatchObject({ code: 'FILE_PARSE_MEMORY_EXCEEDED', details: { limitMb: 64 } });
    expect(pool.replaced).toBe(1);
    await expect(pool.run('echo', { bytes: Buffer.alloc(2), n: 1 })).resolves.toEqual({ length: 2, n: 2 });
  });

  it('refuses jobs past the queue bound (503 FILE_PARSE_BUSY) and refuses queued jobs at close', async () => {
    pool = new WorkerPool({ entry: ENTRY, size: 1, timeoutMs: 30_000, maxOldGenerationSizeMb: 64, maxQueue: 1 });
    await pool.run('echo', { bytes: Buffer.alloc(1), n: 1 });
    const running = refusal(pool.run('hang', {}));
    const queued = refusal(pool.run('echo', { bytes: Buffer.alloc(1), n: 1 }));
    expect(await refusal(pool.run('echo', { bytes: Buffer.alloc(1), n: 1 }))).toMatchObject({ code: 'FILE_PARSE_BUSY' });
    await pool.close();
    expect(await running).toMatchObject({ code: 'SHUTTING_DOWN' });
    expect(await queued).toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('refuses waiting jobs when a worker cannot start, without starting worker after worker', async () => {
    pool = new WorkerPool({ entry: join(__dirname, '../../../test/fixtures/broken-worker'), size: 1, timeoutMs: 5_000, maxOldGenerationSizeMb: 64 });
    const [a, b] = await Promise.all([refusal(pool.run('echo', {})), refusal(pool.run('echo', {}))]);
    expect(a.message).toMatch(/cannot start/);
    expect(b.message).toMatch(/cannot start/);
    expect(pool.workers).toBe(0);
  });

  it('runs its workers at a lower scheduling priority than the thread that serves requests (Linux)', async () => {
    pool = new WorkerPool({ entry: ENTRY, size: 1, timeoutMs: 5_000, maxOldGenerationSizeMb: 64 });
    const main = getPriority();
    expect(await pool.run('priority', {})).toBe(process.platform === 'linux' ? Math.max(main, WORKER_NICENESS) : main); // absolute niceness; raising it needs no privilege
    expect(getPriority()).toBe(main);
  });

  it('refuses jobs once closed', async () => {
    pool = new WorkerPool({ entry: ENTRY, size: 1, timeoutMs: 5_000, maxOldGenerationSizeMb: 64 });
    await pool.close();
    expect(await refusal(pool.run('echo', { bytes: Buffer.alloc(1), n: 1 }))).toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});

import { join } from 'node:path';
import type { RuntimeConfig } from '../config/runtime-config';
import { DomainError } from '../errors/domain-error';
import { requestContext } from '../logging/request-context';
import { FileWorkers } from './workers.module';

const ENTRY = join(__dirname, '../../../test/fixtures/pool-worker');

const as = <T>(loginId: string, f: () => Promise<T>) => requestContext.run({ requestId: `r-${loginId}`, loginId }, f);
const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ ok: v }),
    (e: unknown) => ({ code: e instanceof DomainError ? e.code : String(e) }),
  );

describe('FileWorkers: a login has at most PER_LOGIN jobs waiting or running', () => {
  let workers: FileWorkers;
  afterEach(async () => {
    await workers?.onModuleDestroy();
  });

  it("refuses a login's job past its share at once (503 FILE_PARSE_BUSY) while another login's job is queued and served", async () => {
    const config = { env: { FILE_WORKERS: 1, FILE_PARSE_TIMEOUT_MS: 1_000, FILE_PARSE_MEMORY_MB: 128 } } as unknown as RuntimeConfig;
    workers = new FileWorkers(config, ENTRY);
    expect(FileWorkers.PER_LOGIN).toBe(2);
    // two jobs of login A that hold the worker until the time limit, then a third of A and one of B
    const a1 = outcome(as('A', () => workers.run('hang', {})));
    const a2 = outcome(as('A', () => workers.run('hang', {})));
    const started = Date.now();
    const a3 = await outcome(as('A', () => workers.run('echo', { bytes: Buffer.alloc(1), n: 1 })));
    expect(a3).toEqual({ code: 'FILE_PARSE_BUSY' });
    expect(Date.now() - started).toBeLessThan(500); // refused at once, not after A's jobs
    const b1 = outcome(as('B', () => workers.run('echo', { bytes: Buffer.alloc(3), n: 2 })));
    expect(await a1).toEqual({ code: 'FILE_PARSE_TIMEOUT' });
    expect(await a2).toEqual({ code: 'FILE_PARSE_TIMEOUT' });
    expect(await b1).toEqual({ ok: { length: 3, n: 4 } });
    // A's share is free again once its jobs ended; jobs outside a request are not counted
    expect(await outcome(as('A', () => workers.run('echo', { bytes: Buffer.alloc(2), n: 1 })))).toEqual({ ok: { length: 2, n: 2 } });
    expect(await outcome(workers.run('echo', { bytes: Buffer.alloc(1), n: 3 }))).toEqual({ ok: { length: 1, n: 6 } });
  });
});

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../errors/domain-error';
import './worker-errors';

/**
 * A small pool of worker threads for work that must not run on the event loop (parsing uploaded
 * files). Each job runs under a wall-clock limit and each worker under a heap limit; a worker that
 * exceeds either is terminated and replaced, and the job is refused with its own code
 * (FILE_PARSE_TIMEOUT, FILE_PARSE_MEMORY_EXCEEDED). Jobs and results cross as structured clones.
 *
 * The entry is a module exporting nothing that, when loaded in a worker, answers the protocol of
 * `serveTasks` (worker-entry.ts). A `.ts` entry (Jest runs the sources) is compiled on load with
 * @swc/core, which only the tests have; the built registry runs the compiled `.js`.
 */
export interface WorkerPoolOptions {
  /** Absolute path of the worker entry without its extension, or with `.js` / `.ts`. */
  entry: string;
  /** Number of workers (default: the machine's parallelism, between 1 and 4). */
  size?: number;
  /** Wall-clock limit of one job from the moment a ready worker takes it, in ms. */
  timeoutMs: number;
  /** V8 old-generation heap limit of each worker, in MB. */
  maxOldGenerationSizeMb: number;
  /** Jobs waiting for a worker before further jobs are refused (503 FILE_PARSE_BUSY). */
  maxQueue?: number;
}

interface Job {
  task: string;
  payload: unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
  /** Set when the slot's worker is being ended on purpose (timeout, shutdown). */
  ending?: 'timeout' | 'memory' | 'close';
  /** What the worker threw outside a job (a failed start-up). */
  crash?: Error;
}

interface Reply {
  ready?: true;
  ok?: boolean;
  value?: unknown;
  error?: { code?: string; details?: Record<string, unknown>; texts?: { ja: string; en: string }; message?: string; stack?: string };
}

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1 || 1));
}

/** Compiles TypeScript sources on require (tests only): the worker runs the same sources Jest does. */
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Module = require('node:module');
const { transformSync } = require(require.resolve('@swc/core', { paths: [workerData.root] }));
Module._extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
require('reflect-metadata');
require(workerData.entry);
`;

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly size: number;
  private readonly maxQueue: number;
  private readonly entry: { file: string; ts: boolean };
  private closed = false;
  /** Workers replaced after a timeout or memory exhaustion (for tests and logs). */
  replaced = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = Math.max(1, options.size ?? defaultPoolSize());
    this.maxQueue = options.maxQueue ?? 64;
    this.entry = resolveEntry(options.entry);
  }

  /** Runs `task` in a worker; rejects with the task's DomainError, or the pool's own codes. */
  run<T>(task: string, payload: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new DomainError('SHUTTING_DOWN'));
    if (this.queue.length >= this.maxQueue) return Promise.reject(new DomainError('FILE_PARSE_BUSY'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, payload, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Ends every worker; queued and running jobs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new DomainError('SHUTTING_DOWN'));
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        slot.ending = 'close';
        clearTimeout(slot.timer);
        slot.job?.reject(new DomainError('SHUTTING_DOWN'));
        slot.job = undefined;
        return slot.worker.terminate();
      }),
    );
  }

  /** Number of live workers (started lazily, up to the pool size). */
  get workers(): number {
    return this.slots.length;
  }

  private dispatch(): void {
    while (this.queue.length) {
      const idle = this.slots.find((s) => s.ready && !s.job);
      if (!idle) {
        if (this.slots.length < this.size) this.spawn();
        return;
      }
      this.start(idle, this.queue.shift()!);
    }
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => this.end(slot, 'timeout'), this.options.timeoutMs);
    slot.worker.postMessage({ task: job.task, payload: job.payload });
  }

  private spawn(): void {
    const resourceLimits = { maxOldGenerationSizeMb: this.options.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, this.options.maxOldGenerationSizeMb / 8)) };
    const worker = this.entry.ts
      ? new Worker(TS_BOOTSTRAP, { eval: true, workerData: { entry: this.entry.file, root: process.cwd() }, resourceLimits })
      : new Worker(this.entry.file, { resourceLimits });
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    // referenced while it starts or works (a job keeps the process alive), not while idle
    worker.on('message', (reply: Reply) => this.reply(slot, reply));
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') slot.ending ??= 'memory';
      else slot.crash = error;
    });
    worker.on('exit', () => this.exited(slot));
  }

  private reply(slot: Slot, reply: Reply): void {
    if (reply.ready) {
      slot.ready = true;
      slot.worker.unref();
      this.dispatch();
      return;
    }
    const job = slot.job;
    if (!job) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.unref();
    if (reply.ok) job.resolve(reply.value);
    else job.reject(toError(reply.error ?? {}));
    this.dispatch();
  }

  private end(slot: Slot, why: 'timeout'): void {
    slot.ending = why;
    void slot.worker.terminate();
  }

  /** A worker ended: refuse its job with the reason, and replace it if jobs wait. */
  private exited(slot: Slot): void {
    clearTimeout(slot.timer);
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const job = slot.job;
    slot.job = undefined;
    if (slot.ending === 'close') return;
    if (slot.ending === 'timeout' || slot.ending === 'memory') this.replaced++;
    if (job) {
      if (slot.ending === 'timeout') job.reject(new DomainError('FILE_PARSE_TIMEOUT', { limitMs: this.options.timeoutMs }));
      else if (slot.ending === 'memory') job.reject(new DomainError('FILE_PARSE_MEMORY_EXCEEDED', { limitMb: this.options.maxOldGenerationSizeMb }));
      else job.reject(slot.crash ?? new Error('file worker exited'));
    }
    if (this.closed) return;
    if (!slot.ready) {
      // it never started (a broken build, no memory to load the parser): refuse what waits rather
      // than start worker after worker; the next job tries again
      const error = slot.ending === 'memory' ? new DomainError('FILE_PARSE_MEMORY_EXCEEDED', { limitMb: this.options.maxOldGenerationSizeMb }) : (slot.crash ?? new Error('file worker did not start'));
      if (!this.slots.length) for (const waiting of this.queue.splice(0)) waiting.reject(error);
      return;
    }
    // keep the pool warm: a replacement starts at once (its start-up is not a job's time)
    if (this.slots.length < this.size) this.spawn();
    this.dispatch();
  }
}

function toError(e: NonNullable<Reply['error']>): Error {
  if (e.code) return new DomainError(e.code, e.details ?? {}, e.texts);
  const error = new Error(e.message ?? 'file worker failed');
  if (e.stack) error.stack = e.stack;
  return error;
}

function resolveEntry(entry: string): { file: string; ts: boolean } {
  const base = resolve(entry).replace(/\.(js|ts)$/, '');
  if (existsSync(`${base}.js`)) return { file: `${base}.js`, ts: false };
  if (existsSync(`${base}.ts`)) return { file: `${base}.ts`, ts: true };
  throw new Error(`worker entry ${base}(.js|.ts) not found`);
}

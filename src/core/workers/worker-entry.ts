import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread, parentPort } from 'node:worker_threads';
import { DomainError } from '../errors/domain-error';

/** Niceness of a file worker's thread: on a busy machine request handling goes first. */
export const WORKER_NICENESS = 10;

/**
 * Lowers this worker thread's scheduling priority, not the process's: on Linux a thread is a task
 * with its own id (/proc/thread-self → <pid>/task/<tid>), and setpriority on that id changes that
 * thread alone. Elsewhere, or if refused, the thread keeps the default priority.
 */
function yieldToRequests(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, WORKER_NICENESS);
  } catch {
    // not Linux, or not allowed
  }
}

/** A task run in a worker thread: plain data in, plain data (structured clone) out. */
export type WorkerTask = (payload: never) => unknown | Promise<unknown>;

/**
 * Bytes a task returns in an ArrayBuffer of their own (a written workbook) are moved to the other
 * thread, not copied; a view into a larger or shared buffer (Node's Buffer pool) is copied as usual.
 */
function transferable(value: unknown): ArrayBuffer[] {
  if (!(value instanceof Uint8Array)) return [];
  const { buffer } = value;
  return buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buffer.byteLength ? [buffer] : [];
}

/**
 * Serves `tasks` to a WorkerPool from inside a worker (at a lower scheduling priority than the
 * thread that serves requests): announces readiness once loaded, runs one
 * job at a time, and answers with the value or the error (a DomainError keeps its code, details
 * and texts; anything else travels as message and stack, a 500 on the other side).
 */
export function serveTasks(tasks: Record<string, WorkerTask>): void {
  if (isMainThread || !parentPort) throw new Error('serveTasks runs in a worker thread');
  const port = parentPort;
  port.on('message', async (job: { task: string; payload: unknown }) => {
    try {
      const task = tasks[job.task];
      if (!task) throw new Error(`unknown worker task ${job.task}`);
      const value = await task(job.payload as never);
      port.postMessage({ ok: true, value }, transferable(value));
    } catch (error) {
      if (error instanceof DomainError) {
        port.postMessage({ ok: false, error: { code: error.code, details: error.details, texts: error.texts } });
      } else {
        const e = error as Error;
        port.postMessage({ ok: false, error: { message: e?.message ?? String(error), stack: e?.stack } });
      }
    }
  });
  yieldToRequests();
  port.postMessage({ ready: true });
}

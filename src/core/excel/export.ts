import { DomainError } from '../errors/domain-error';
import type { FileWorkers } from '../workers/workers.module';
import './export-errors';
import { asBuffer } from './table-workbook';

/** The pool's refusals, named for an export (the pool's own codes speak of reading a file). */
const EXPORT_CODES: Record<string, string> = {
  FILE_PARSE_TIMEOUT: 'EXPORT_TIMEOUT',
  FILE_PARSE_MEMORY_EXCEEDED: 'EXPORT_MEMORY_EXCEEDED',
  FILE_PARSE_BUSY: 'EXPORT_BUSY',
};

/**
 * Runs an export task in a file worker (plain data in, the xlsx bytes out) and returns the bytes
 * as a Buffer, without a copy. A job the pool cuts short or refuses is a 503 with its own code
 * (EXPORT_TIMEOUT, EXPORT_MEMORY_EXCEEDED, EXPORT_BUSY, with the pool's details).
 */
export async function runExport(workers: Pick<FileWorkers, 'run'>, task: string, payload: unknown): Promise<Buffer> {
  try {
    return asBuffer(await workers.run<Uint8Array>(task, payload));
  } catch (error) {
    const code = error instanceof DomainError ? EXPORT_CODES[error.code] : undefined;
    if (code) throw new DomainError(code, (error as DomainError).details);
    throw error;
  }
}

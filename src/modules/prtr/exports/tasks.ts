import type { FileWorkers } from '../../../core/workers/workers.module';
import { parseElectronicFile, type ParsedElectronicFile } from './electronic-file';

/** What the file workers run for the PRTR module (src/workers/file-worker.ts serves them). */
export const prtrFileTasks = {
  'prtr.electronic-file'({ file }: { file: Uint8Array }): ParsedElectronicFile {
    return parseElectronicFile(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
  },
};

/** Reads an electronic filing file in a file worker. */
export function readElectronicFile(workers: FileWorkers, file: Buffer): Promise<ParsedElectronicFile> {
  return workers.run<ParsedElectronicFile>('prtr.electronic-file', { file });
}

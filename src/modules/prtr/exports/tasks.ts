import { runExport } from '../../../core/excel/export';
import { ownBytes } from '../../../core/excel/table-workbook';
import type { FileWorkers } from '../../../core/workers/workers.module';
import { parseElectronicFile, type ParsedElectronicFile } from './electronic-file';
import { buildFilingWorkbook } from './form-xlsx';
import type { FilingRecord } from './record';

/** What the file workers run for the PRTR module (src/workers/file-worker.ts serves them). */
export const prtrFileTasks = {
  'prtr.electronic-file'({ file }: { file: Uint8Array }): ParsedElectronicFile {
    return parseElectronicFile(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
  },
  /** The printable form; the record crosses as a structured clone (its Dates and the substances' Map included). */
  async 'prtr.form-xlsx'({ record, generatedAt }: { record: FilingRecord; generatedAt: string }): Promise<Uint8Array> {
    return ownBytes(await buildFilingWorkbook(record, { generatedAt: new Date(generatedAt) }));
  },
};

/** Reads an electronic filing file in a file worker. */
export function readElectronicFile(workers: FileWorkers, file: Buffer): Promise<ParsedElectronicFile> {
  return workers.run<ParsedElectronicFile>('prtr.electronic-file', { file });
}

/** Writes the printable form (.xlsx) in a file worker. */
export async function writeFilingWorkbook(workers: FileWorkers, record: FilingRecord, generatedAt = new Date()): Promise<Buffer> {
  return runExport(workers, 'prtr.form-xlsx', { record, generatedAt: generatedAt.toISOString() });
}

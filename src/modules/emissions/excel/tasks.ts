import Decimal from 'decimal.js';
import { runExport } from '../../../core/excel/export';
import { ownBytes } from '../../../core/excel/table-workbook';
import type { FileWorkers } from '../../../core/workers/workers.module';
import { parseReport, type Expected, type ParsedReport } from './parse';
import { buildTemplate, type TemplatePrefill } from './template';
import { assertPlainJpeg, assertPlainPng } from './image-guard';
import { assertPlainPdf } from './pdf-guard';
import { assertPlainXlsx, sniff, type FileSniff } from './xlsx-guard';

/** A ParsedReport as it crosses threads (Decimals as their exact text). */
interface PlainReport {
  holderNumber: string;
  fiscalYear: number;
  kind: ParsedReport['kind'];
  rows: { row: number; kind: string; quantity: string; emissions: string }[];
  total: string;
}

/** A Buffer again after the structured clone (which delivers a plain Uint8Array). */
const asBuffer = (u8: Uint8Array) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);

/** What the file workers run for the emissions module (src/workers/file-worker.ts serves them). */
export const emissionsFileTasks = {
  async 'emissions.calculation-report'({ file, expected }: { file: Uint8Array; expected: Expected }): Promise<PlainReport> {
    const parsed = await parseReport(asBuffer(file), expected);
    return {
      ...parsed,
      rows: parsed.rows.map((r) => ({ ...r, quantity: r.quantity.toString(), emissions: r.emissions.toString() })),
      total: parsed.total.toString(),
    };
  },
  /** An attachment, verification report or review document: an xlsx, PDF, PNG or JPEG without active content. */
  'emissions.inspect-file'({ file }: { file: Uint8Array }): FileSniff {
    const buf = asBuffer(file);
    const kind = sniff(buf);
    if (kind === 'xlsx-zip') assertPlainXlsx(buf);
    if (kind === 'pdf') assertPlainPdf(buf);
    if (kind === 'png') assertPlainPng(buf);
    if (kind === 'jpeg') assertPlainJpeg(buf);
    return kind;
  },
  /** The designated form, its header prefilled or blank. */
  async 'emissions.template'({ prefill }: { prefill: TemplatePrefill }): Promise<Uint8Array> {
    return ownBytes(await buildTemplate(prefill));
  },
};

/** Parses and recomputes a calculation report in a file worker. */
export async function readCalculationReport(workers: FileWorkers, file: Buffer, expected: Expected): Promise<ParsedReport> {
  const plain = await workers.run<PlainReport>('emissions.calculation-report', { file, expected });
  return {
    ...plain,
    rows: plain.rows.map((r) => ({ ...r, quantity: new Decimal(r.quantity), emissions: new Decimal(r.emissions) })),
    total: new Decimal(plain.total),
  };
}

/** Checks an uploaded file in a file worker; returns what it is. */
export function inspectFile(workers: FileWorkers, file: Buffer): Promise<FileSniff> {
  return workers.run<FileSniff>('emissions.inspect-file', { file });
}

/** Writes the designated form (.xlsx) in a file worker, its header prefilled or blank. */
export async function writeTemplate(workers: FileWorkers, prefill: TemplatePrefill = {}): Promise<Buffer> {
  return runExport(workers, 'emissions.template', { prefill });
}

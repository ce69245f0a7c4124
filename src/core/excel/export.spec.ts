import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { DomainError } from '../errors/domain-error';
import '../workers/worker-errors';
import { WorkerPool } from '../workers/worker-pool';
import { buildAuditWorkbook } from '../../modules/audit/tasks';
import type { FileWorkers } from '../workers/workers.module';
import { runExport } from './export';
import { rejection as refusal } from '../../../test/support/errors';

const refusing = (error: unknown) => ({ run: () => Promise.reject(error) }) as unknown as FileWorkers;

describe('runExport', () => {
  it('returns the bytes as a Buffer over the same memory', async () => {
    const bytes = new Uint8Array([80, 75, 3, 4]);
    const file = await runExport({ run: async () => bytes } as unknown as FileWorkers, 'x', {});
    expect(Buffer.isBuffer(file)).toBe(true);
    expect(file.buffer).toBe(bytes.buffer);
    expect(file.subarray(0, 2).toString()).toBe('PK');
  });

  it("names the pool's refusals for an export (503, with the pool's details) and passes other errors on", async () => {
    expect(await refusal(runExport(refusing(new DomainError('FILE_PARSE_TIMEOUT', { limitMs: 10_000 })), 'x', {}))).toMatchObject({ code: 'EXPORT_TIMEOUT', details: { limitMs: 10_000 } });
    expect(await refusal(runExport(refusing(new DomainError('FILE_PARSE_MEMORY_EXCEEDED', { limitMb: 512 })), 'x', {}))).toMatchObject({ code: 'EXPORT_MEMORY_EXCEEDED', details: { limitMb: 512 } });
    expect(await refusal(runExport(refusing(new DomainError('FILE_PARSE_BUSY')), 'x', {}))).toMatchObject({ code: 'EXPORT_BUSY' });
    expect(await refusal(runExport(refusing(new DomainError('SHUTTING_DOWN')), 'x', {}))).toMatchObject({ code: 'SHUTTING_DOWN' });
    const crash = await refusal(runExport(refusing(new Error('boom')), 'x', {}));
    expect(crash).not.toBeInstanceOf(DomainError);
    expect(crash.message).toBe('boom');
  });

  it('writes the audit trail in a file worker of the registry (the task registered in file-worker.ts)', async () => {
    const pool = new WorkerPool({ entry: join(__dirname, '../../workers/file-worker'), size: 1, timeoutMs: 60_000, maxOldGenerationSizeMb: 256 });
    try {
      const workers = { run: (task: string, payload: unknown) => pool.run(task, payload) } as FileWorkers;
      const row = { loginId: 'sec-1', role: 'secretariat', targetType: 'transfers', targetId: 'AST-101', requestId: null, clientIp: '10.0.0.1' };
      const file = await buildAuditWorkbook(workers, [
        { ...row, at: '2026-11-30T23:59:59.000Z', action: 'POST /api/v1/transfers', outcome: 'ok', status: 201 },
        { ...row, at: '2026-11-30T14:59:59.999Z', action: 'POST /api/v1/transfers', outcome: 'INSUFFICIENT_BALANCE', status: 422 },
      ]);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      expect(ws.getCell('A1').value).toBe('日時 / Time (JST)');
      expect([ws.getCell('A2').value, ws.getCell('G2').value, ws.getCell('H2').value]).toEqual(['2026-12-01 08:59:59', 'ok', 201]);
      expect([ws.getCell('A3').value, ws.getCell('G3').value, ws.getCell('H3').value]).toEqual(['2026-11-30 23:59:59', 'INSUFFICIENT_BALANCE', 422]);
    } finally {
      await pool.close();
    }
  });
});

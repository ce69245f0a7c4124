// Event-loop stall of an Excel export (a script, not a test):
//   npm run bench:export-stall      (BENCH_ROWS, default 10000; BENCH_RUNS, default 3)
// Writes the audit-trail workbook of BENCH_ROWS events (plain data, no database) with exceljs, in
// this process and through the file-worker pool the registry uses, and prints the time and the
// longest event-loop stall during each (monitorEventLoopDelay, resolution 10 ms): in process the
// write holds the loop for its whole time, through the pool only the hand-over of rows and bytes.
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { asBuffer, writeTableWorkbook } from '../src/core/excel/table-workbook';
import { WorkerPool } from '../src/core/workers/worker-pool';
import type { FileWorkers } from '../src/core/workers/workers.module';
import { auditWorkbook, buildAuditWorkbook, type AuditRow } from '../src/modules/audit/tasks';

interface Figures {
  times: number[];
  maxStallMs: number;
  bytes: number;
}

async function measure(runs: number, write: () => Promise<Buffer>): Promise<Figures> {
  const times: number[] = [];
  let bytes = 0;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const file = await write();
    times.push(performance.now() - t0);
    bytes = file.length;
  }
  delay.disable();
  times.sort((a, b) => a - b);
  return { times, maxStallMs: delay.max / 1e6, bytes };
}

const median = (f: Figures) => f.times[Math.floor(f.times.length / 2)];
const line = (label: string, f: Figures) =>
  `${label}: min ${f.times[0].toFixed(0)} ms, median ${median(f).toFixed(0)} ms, max ${f.times[f.times.length - 1].toFixed(0)} ms over ${f.times.length} runs; longest event-loop stall ${f.maxStallMs.toFixed(0)} ms`;

function events(n: number): AuditRow[] {
  const start = Date.parse('2026-04-01T00:00:00Z');
  return Array.from({ length: n }, (_, i) => ({
    at: new Date(start + i * 1234).toISOString(),
    loginId: `holder-${i % 97}`,
    role: i % 3 ? 'holder_a' : 'secretariat',
    action: i % 2 ? 'POST /api/v1/transfers' : 'PUT /api/v1/target-holders/:id/contacts',
    targetType: i % 2 ? 'transfers' : 'target-holders',
    targetId: `AST-${100000 + i}`,
    outcome: i % 5 ? 'ok' : 'INSUFFICIENT_BALANCE',
    status: i % 5 ? 201 : 422,
    requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    clientIp: `10.0.${(i >> 8) & 255}.${i & 255}`,
  }));
}

async function rowCount(file: Buffer): Promise<number> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  return wb.worksheets[0].rowCount;
}

async function main() {
  const n = Number(process.env.BENCH_ROWS ?? 10000);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const rows = events(n);

  const inProcess = await measure(runs, async () => asBuffer(await writeTableWorkbook(auditWorkbook(rows))));

  // the registry's pool as the app configures it by default (512 MB); started and warmed outside the timing
  const pool = new WorkerPool({ entry: join(__dirname, '../src/workers/file-worker'), timeoutMs: 60_000, maxOldGenerationSizeMb: 512 });
  const workers = { run: (task: string, payload: unknown) => pool.run(task, payload) } as FileWorkers;
  let viaPool: Figures;
  let last: Buffer;
  try {
    await buildAuditWorkbook(workers, rows.slice(0, 10));
    viaPool = await measure(runs, async () => (last = await buildAuditWorkbook(workers, rows)));
  } finally {
    await pool.close();
  }
  const written = await rowCount(last!);
  if (written !== n + 1) throw new Error(`the pool's workbook has ${written} rows, expected ${n + 1}`);

  console.log(`audit trail: ${n} events, ${(viaPool.bytes / 1024).toFixed(0)} KiB`);
  console.log(line('in process ', inProcess));
  console.log(line('worker pool', viaPool));
  console.log(
    `bench-export-stall rows=${n} median_ms=${median(inProcess).toFixed(0)} worker_median_ms=${median(viaPool).toFixed(0)} ` +
      `stall_ms=${inProcess.maxStallMs.toFixed(0)} worker_stall_ms=${viaPool.maxStallMs.toFixed(0)} target_stall_ms=100 ${viaPool.maxStallMs < 100 ? 'ok' : 'STALLS'}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

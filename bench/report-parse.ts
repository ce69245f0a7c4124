// Parse-time benchmark for the calculation report (a script, not a test):
//   npm run bench:report-parse      (BENCH_ROWS, default 10000; BENCH_RUNS, default 5)
// Builds a filled designated form with exceljs, then times parseReport() (guard + exceljs load +
// recomputation) over several runs, in this process and through the file-worker pool the registry
// uses, and prints the figures with the longest event-loop stall during each (monitorEventLoopDelay):
// in process the parse holds the loop for its whole time, through the pool it should not.
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WorkerPool } from '../src/core/workers/worker-pool';
import { EMISSION_FACTORS } from '../src/modules/emissions/excel/factors';
import { parseReport, type Expected } from '../src/modules/emissions/excel/parse';
import { readCalculationReport } from '../src/modules/emissions/excel/tasks';
import { buildTemplate } from '../src/modules/emissions/excel/template';
import type { FileWorkers } from '../src/core/workers/workers.module';

interface Figures {
  times: number[];
  maxStallMs: number;
  total: string;
}

async function measure(runs: number, rows: number, parse: () => Promise<{ rows: unknown[]; total: { toFixed(n: number): string } }>): Promise<Figures> {
  const times: number[] = [];
  let total = '';
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const parsed = await parse();
    times.push(performance.now() - t0);
    total = parsed.total.toFixed(3);
    if (parsed.rows.length !== rows) throw new Error(`parsed ${parsed.rows.length} rows`);
  }
  delay.disable();
  times.sort((a, b) => a - b);
  return { times, maxStallMs: delay.max / 1e6, total };
}

const median = (f: Figures) => f.times[Math.floor(f.times.length / 2)];
const line = (label: string, f: Figures) =>
  `${label}: min ${f.times[0].toFixed(0)} ms, median ${median(f).toFixed(0)} ms, max ${f.times[f.times.length - 1].toFixed(0)} ms over ${f.times.length} runs; longest event-loop stall ${f.maxStallMs.toFixed(0)} ms`;

async function main() {
  const rows = Number(process.env.BENCH_ROWS ?? 10000);
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const data = Array.from({ length: rows }, (_, i) => ({ kind: EMISSION_FACTORS[i % EMISSION_FACTORS.length].label, quantity: ((i * 37) % 1000) + 0.25 }));
  const expected: Expected = { holderNumber: 'T00001', fiscalYear: 2013, kind: 'base_year' };
  const file = await buildTemplate({ ...expected, facility: 'bench' }, data);

  const inProcess = await measure(runs, rows, () => parseReport(file, expected));

  // the registry's pool, as the app configures it by default (10 s, 512 MB); started and warmed outside the timing
  const pool = new WorkerPool({ entry: join(__dirname, '../src/workers/file-worker'), timeoutMs: 60_000, maxOldGenerationSizeMb: 512 });
  const workers = { run: (task: string, payload: unknown) => pool.run(task, payload) } as FileWorkers;
  await readCalculationReport(workers, await buildTemplate(expected, [{ kind: EMISSION_FACTORS[0].label, quantity: 1 }]), expected);
  let viaPool: Figures;
  try {
    viaPool = await measure(runs, rows, () => readCalculationReport(workers, file, expected));
  } finally {
    await pool.close();
  }
  if (viaPool.total !== inProcess.total) throw new Error(`totals differ: ${inProcess.total} in process, ${viaPool.total} through the pool`);

  console.log(`file ${(file.length / 1024).toFixed(0)} KiB, ${rows} rows, total ${inProcess.total} t-CO2`);
  console.log(line('in process ', inProcess));
  console.log(line('worker pool', viaPool));
  const m = median(viaPool);
  console.log(
    `bench-report-parse rows=${rows} median_ms=${median(inProcess).toFixed(0)} worker_median_ms=${m.toFixed(0)} ` +
      `stall_ms=${inProcess.maxStallMs.toFixed(0)} worker_stall_ms=${viaPool.maxStallMs.toFixed(0)} target_ms=1000 ${m < 1000 ? 'ok' : 'SLOW'}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

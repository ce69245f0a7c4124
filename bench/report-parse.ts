// Parse-time benchmark for the calculation report (a script, not a test):
//   npm run bench:report-parse      (BENCH_ROWS, default 10000; BENCH_RUNS, default 5)
// Builds a filled designated form with exceljs, then times parseReport() (guard + exceljs load +
// recomputation) over several runs and prints the figures.
import { EMISSION_FACTORS } from '../src/modules/emissions/excel/factors';
import { parseReport } from '../src/modules/emissions/excel/parse';
import { buildTemplate } from '../src/modules/emissions/excel/template';

async function main() {
  const rows = Number(process.env.BENCH_ROWS ?? 10000);
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const data = Array.from({ length: rows }, (_, i) => ({ kind: EMISSION_FACTORS[i % EMISSION_FACTORS.length].label, quantity: ((i * 37) % 1000) + 0.25 }));
  const expected = { holderNumber: 'T00001', fiscalYear: 2013, kind: 'base_year' as const };
  const file = await buildTemplate({ ...expected, facility: 'bench' }, data);
  const times: number[] = [];
  let total = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const parsed = await parseReport(file, expected);
    times.push(performance.now() - t0);
    total = parsed.total.toFixed(3);
    if (parsed.rows.length !== rows) throw new Error(`parsed ${parsed.rows.length} rows`);
  }
  times.sort((a, b) => a - b);
  console.log(`file ${(file.length / 1024).toFixed(0)} KiB, ${rows} rows, total ${total} t-CO2`);
  console.log(`parse: min ${times[0].toFixed(0)} ms, median ${times[Math.floor(runs / 2)].toFixed(0)} ms, max ${times[runs - 1].toFixed(0)} ms over ${runs} runs`);
  console.log(`bench-report-parse rows=${rows} median_ms=${times[Math.floor(runs / 2)].toFixed(0)} target_ms=1000 ${times[Math.floor(runs / 2)] < 1000 ? 'ok' : 'SLOW'}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

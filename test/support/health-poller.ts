import { spawn } from 'node:child_process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A /health poller in its own process: polls until told to stop on stdin, then prints its figures. */
const POLLER = `
const url = process.argv[1];
let stop = false, slowest = 0, polls = 0, failures = 0;
process.stdin.on('data', () => (stop = true));
(async () => {
  process.stdout.write('polling\\n');
  while (!stop) {
    const t0 = performance.now();
    try { const r = await fetch(url); await r.arrayBuffer(); if (r.status !== 200) failures++; } catch { failures++; }
    slowest = Math.max(slowest, performance.now() - t0);
    polls++;
    await new Promise((r) => setTimeout(r, 5));
  }
  process.stdout.write(JSON.stringify({ slowest, polls, failures }));
  process.exit(0);
})();
`;

export interface PollFigures {
  /** The slowest /health answer, in ms. */
  slowest: number;
  polls: number;
  failures: number;
}

/**
 * Runs `work` while a separate process asks `${baseUrl}/health` every 5 ms (so neither the test
 * process's event loop nor its garbage collector is in the figure): the work's result and the
 * poller's figures. Point it at a registry in its own process (spawnRegistry).
 */
export async function whileHealthPolled<T>(baseUrl: string, work: () => Promise<T>): Promise<{ result: T } & PollFigures> {
  const poller = spawn(process.execPath, ['-e', POLLER, `${baseUrl}/health`], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  poller.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => poller.on('exit', () => resolve()));
  while (!out.includes('polling')) await sleep(5);
  // a few polls first, so the figure covers the whole of the work
  await sleep(30);
  let result: T;
  try {
    result = await work();
  } finally {
    poller.stdin!.end('stop\n');
    await exited;
  }
  const figures = JSON.parse(out.slice(out.indexOf('{'))) as PollFigures;
  return { result, ...figures };
}

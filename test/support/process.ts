import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const MAIN_JS = join(__dirname, '../../dist/src/main.js');

export interface RegistryProcess {
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the base URL once the registry logs that it started. */
  ready: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the compiled registry (`node dist/src/main.js`) as a newcomer would, with this environment. */
export function spawnRegistry(env: Record<string, string>): RegistryProcess {
  const proc = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"msg":"registry started","url":"(http:\/\/localhost:\d+)"/.exec(out);
      if (m) resolve(m[1]);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`registry exited (${code}) before it started:\n${out}`)));
  });
  ready.catch(() => {});
  return { proc, output: () => out, ready, exited };
}

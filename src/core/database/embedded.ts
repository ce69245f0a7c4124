import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) persisted in DATA_DIR/pgdata and
 * served on a loopback port by pglite-socket, so the app reaches it through the same TypeORM
 * `postgres` driver, the same `pg` pool and the same migrations as a real server.
 *
 * PGlite is a single session: pglite-socket queues statements and keeps a transaction's
 * statements together, but statements of different connections may interleave outside a
 * transaction (unnamed prepared statements would then clash). The app therefore uses ONE pooled
 * connection in this mode: every query is serialised, which is the honest limit of the embedded
 * mode (development, demos, a first look), not a production setting.
 */
export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** Connection slots on the socket server: one in use plus room for a pool reconnect. */
const SOCKET_MAX_CONNECTIONS = 4;

export async function startEmbeddedDatabase(dataDirSetting: string): Promise<EmbeddedDatabase> {
  const dataDir = resolve(dataDirSetting);
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = acquireLock(join(dataDir, 'embedded-db.lock'));
  try {
    const db = await PGlite.create(join(dataDir, 'pgdata'));
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: SOCKET_MAX_CONNECTIONS });
    await server.start();
    const [host, port] = server.getServerConn().split(':');
    let closed = false;
    return {
      url: `postgres://postgres@${host}:${port}/postgres`,
      dataDir,
      async close() {
        if (closed) return;
        closed = true;
        await server.stop();
        await db.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/** One process per data folder: PGlite would corrupt a folder opened twice. */
function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8'));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(`the data folder ${path.replace(/\/[^/]+$/, '')} is in use by process ${owner}`);
      }
      unlinkSync(path); // stale lock from a process that died
    }
  }
  throw new Error(`could not lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The embedded mode's JWT secret: generated once, kept in the data folder (mode 0600). */
export function embeddedJwtSecret(dataDirSetting: string, generate: () => string): string {
  const dataDir = resolve(dataDirSetting);
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  const secret = generate();
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

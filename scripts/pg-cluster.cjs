// Throwaway PostgreSQL clusters from the installed Debian binaries, for the test command (when no
// server is reachable) and for the tests that stop and restart a server. CommonJS so that both the
// test runner (scripts/test.mjs) and Jest tests can load it.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const CLUSTER_USER = 'postgres';

function findBinDir() {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

/** Installs Debian's postgresql package when no server binaries are present (needs root). */
function ensureBinaries(log = console.error) {
  let bin = findBinDir();
  if (bin) return bin;
  if (process.getuid && process.getuid() !== 0) {
    throw new Error('PostgreSQL server binaries are missing; install the "postgresql" package (apt-get install postgresql)');
  }
  log('[pg] installing the postgresql package (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env });
  bin = findBinDir();
  if (!bin) throw new Error('postgresql was installed but no initdb was found under /usr/lib/postgresql');
  return bin;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a server binary, as the postgres system user when we are root (postgres refuses root). */
function run(binary, args) {
  const cmd = isRoot() ? 'runuser' : binary;
  const argv = isRoot() ? ['-u', CLUSTER_USER, '--', binary, ...args] : args;
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${path.basename(binary)} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

function ensureUser() {
  if (!isRoot()) return;
  if (spawnSync('id', ['-u', CLUSTER_USER]).status === 0) return;
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', CLUSTER_USER]);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates and starts a cluster in a new temporary folder on a free loopback port.
 * Returns { url, port, dir, stop(), start(), destroy() }.
 */
async function startCluster(options = {}) {
  const log = options.log ?? (() => {});
  const bin = ensureBinaries(log);
  ensureUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-pg-'));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (isRoot()) execFileSync('chown', ['-R', `${CLUSTER_USER}:`, dir]);
  const port = options.port ?? (await freePort());
  run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '-N']);
  const pgctl = path.join(bin, 'pg_ctl');
  const serverOpts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const cluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    start() {
      run(pgctl, ['-D', dataDir, '-o', serverOpts, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    },
    stop(mode = 'fast') {
      run(pgctl, ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    },
    destroy() {
      try {
        cluster.stop('immediate');
      } catch {
        /* not running */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  log(`[pg] throwaway cluster on 127.0.0.1:${port} (${dir})`);
  return cluster;
}

/** True when a PostgreSQL server accepts a connection at the URL. */
async function canConnect(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

module.exports = { startCluster, canConnect, findBinDir, ensureBinaries };

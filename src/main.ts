import 'reflect-metadata';
import { createApp, resolveRuntime } from './app';
import { ConfigError, loadEnv } from './core/config/env';
import { JsonLogger } from './core/logging/json-logger';
import type { Server } from 'node:https';
import { createTlsServer } from './modules/prtr/tls-server';
import { shortenKeepAliveForShutdown } from './core/http/keep-alive';

async function main() {
  const startedAt = process.hrtime.bigint();
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee config/example.env for the settings.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = new JsonLogger(env.LOG_LEVEL);
  const { config, embedded } = await resolveRuntime(env);
  const app = await createApp(config, logger);
  let tls: Server | undefined;
  if (env.PRTR_CLIENT_CERT_REQUIRED) {
    // HTTPS with client certificates for the PRTR filer routes (see src/modules/prtr/tls-server.ts)
    await app.init();
    tls = await createTlsServer(app, env);
    await new Promise<void>((resolve, reject) => tls!.once('error', reject).listen(env.PORT, env.HOST, resolve));
  } else {
    await app.listen(env.PORT, env.HOST);
  }
  const server = tls ?? app.getHttpServer();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.log(
    {
      msg: 'registry started',
      url: `${tls ? 'https' : 'http'}://localhost:${port}`,
      docs: `${tls ? 'https' : 'http'}://localhost:${port}/api/docs`,
      database: embedded ? `embedded (PGlite in ${embedded.dataDir})` : 'postgresql',
      bootMs: Math.round(Number(process.hrtime.bigint() - startedAt) / 1e6),
    },
    'Main',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'shutting down', signal }, 'Main');
    const force = setTimeout(() => {
      logger.error({ msg: 'in-flight requests did not finish in time; exiting' }, 'Main');
      process.exit(1);
    }, env.SHUTDOWN_GRACE_MS + 5000);
    force.unref();
    try {
      // Stops accepting connections, waits for in-flight requests, then closes the pool.
      shortenKeepAliveForShutdown(server);
      if (tls) await new Promise((resolve) => tls!.close(resolve));
      await app.close();
      await embedded?.close();
      logger.log({ msg: 'stopped' }, 'Main');
      process.exit(0);
    } catch (error) {
      logger.error({ msg: 'error while stopping', error: (error as Error).message }, 'Main');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`registry failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});

import { DynamicModule, Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/runtime-config';
import { DomainError } from '../errors/domain-error';
import { requestContext } from '../logging/request-context';
import { WorkerPool } from './worker-pool';
import './worker-errors';

const WORKER_ENTRY = Symbol('WORKER_ENTRY');

/**
 * The registry's file workers: uploaded workbooks and electronic filing files are read here, off
 * the event loop (sizes and limits from FILE_WORKERS, FILE_PARSE_TIMEOUT_MS, FILE_PARSE_MEMORY_MB).
 * Workers start on the first job and end with the application.
 */
@Injectable()
export class FileWorkers implements OnModuleDestroy {
  readonly pool: WorkerPool;

  constructor(@Inject(APP_CONFIG) config: RuntimeConfig, @Inject(WORKER_ENTRY) entry: string) {
    this.pool = new WorkerPool({
      entry,
      size: config.env.FILE_WORKERS || undefined,
      timeoutMs: config.env.FILE_PARSE_TIMEOUT_MS,
      maxOldGenerationSizeMb: config.env.FILE_PARSE_MEMORY_MB,
    });
  }

  /** Jobs of one login waiting or running at a time: one login cannot fill the pool's queue for everyone. */
  static readonly PER_LOGIN = 2;
  private readonly perLogin = new Map<string, number>();

  /**
   * Runs a task in a worker. A request's login may have PER_LOGIN jobs waiting or running; past
   * that its next job is refused at once (503 FILE_PARSE_BUSY), so other users' files and exports
   * do not queue behind one login's.
   */
  run<T>(task: string, payload: unknown): Promise<T> {
    const login = requestContext.get()?.loginId;
    if (login === undefined) return this.pool.run<T>(task, payload);
    const held = this.perLogin.get(login) ?? 0;
    if (held >= FileWorkers.PER_LOGIN) return Promise.reject(new DomainError('FILE_PARSE_BUSY', { perLogin: FileWorkers.PER_LOGIN }));
    this.perLogin.set(login, held + 1);
    return this.pool.run<T>(task, payload).finally(() => {
      const left = (this.perLogin.get(login) ?? 1) - 1;
      if (left > 0) this.perLogin.set(login, left);
      else this.perLogin.delete(login);
    });
  }

  async onModuleDestroy() {
    await this.pool.close();
  }
}

@Global()
@Module({})
export class WorkersModule {
  /** `entry`: the worker module (path without extension: the built .js, or the .ts under Jest). */
  static register(entry: string): DynamicModule {
    return {
      module: WorkersModule,
      providers: [{ provide: WORKER_ENTRY, useValue: entry }, FileWorkers],
      exports: [FileWorkers],
    };
  }
}

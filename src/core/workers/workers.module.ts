import { DynamicModule, Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/runtime-config';
import { WorkerPool } from './worker-pool';

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

  run<T>(task: string, payload: unknown): Promise<T> {
    return this.pool.run<T>(task, payload);
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

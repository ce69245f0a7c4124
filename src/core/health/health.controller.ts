import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../auth/permissions';
import { APP_CONFIG, type RuntimeConfig } from '../config/runtime-config';
import { DomainError } from '../errors/domain-error';

const CHECK_TIMEOUT_MS = 3000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and database check' })
  @ApiOkResponse({ schema: { example: { status: 'ok', database: { mode: 'postgresql', latencyMs: 1.2 } } } })
  @ApiServiceUnavailableResponse({ description: 'the database cannot be reached' })
  async check() {
    const started = process.hrtime.bigint();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.db.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('health check timed out')), CHECK_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      void error; // the reason stays in the server log, not in a public answer
      throw new DomainError('DATABASE_UNAVAILABLE');
    } finally {
      clearTimeout(timer);
    }
    const latencyMs = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
    return {
      status: 'ok',
      database: { mode: this.config.embedded ? 'embedded' : 'postgresql', latencyMs },
    };
  }
}

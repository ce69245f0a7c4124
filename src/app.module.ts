import { join } from 'node:path';
import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './core/auth/auth.module';
import { Clock } from './core/clock/clock';
import { APP_CONFIG, type RuntimeConfig } from './core/config/runtime-config';
import { dataSourceOptions } from './core/database/data-source-options';
import { AllExceptionsFilter } from './core/errors/all-exceptions.filter';
import { HealthController } from './core/health/health.controller';
import { ApiValidationPipe } from './core/http/validation.pipe';
import { WorkersModule } from './core/workers/workers.module';
import { IdentityModule } from './modules/identity/identity.module';
import { LedgerModule } from './modules/ledger/ledger.module';
import { EmissionsModule } from './modules/emissions/emissions.module';
import { ComplianceModule } from './modules/compliance/compliance.module';
import { AuditModule } from './modules/audit/audit.module';
import { PrtrModule } from './modules/prtr/prtr.module';

@Global()
@Module({})
class ConfigModule {
  static register(config: RuntimeConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }, Clock], exports: [APP_CONFIG, Clock] };
  }
}

@Module({})
export class AppModule {
  static register(config: RuntimeConfig, extraModules: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        // uploaded files are read in worker threads: the compiled .js (dist) or, under Jest, the .ts source
        WorkersModule.register(join(__dirname, 'workers', 'file-worker')),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({ url: config.databaseUrl, poolSize: config.poolSize }),
          // The embedded database always migrates at start; a real server only when asked to.
          migrationsRun: config.embedded || config.env.MIGRATIONS_RUN,
          retryAttempts: config.env.NODE_ENV === 'test' ? 1 : 10,
          retryDelay: 2000,
        }),
        AuthModule,
        IdentityModule,
        LedgerModule,
        EmissionsModule,
        ComplianceModule,
        AuditModule,
        PrtrModule,
        ...extraModules,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useClass: ApiValidationPipe },
      ],
    };
  }
}

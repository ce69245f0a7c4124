import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { uploadOptions } from '../../core/http/files';
import { IdentityModule } from '../identity/identity.module';
import { LedgerModule } from '../ledger/ledger.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { EmissionsController } from './emissions.controller';
import { BankingService } from './banking.service';
import { EmissionsService } from './emissions.service';
import { OverviewService } from './overview.service';

@Module({
  imports: [
    IdentityModule,
    LedgerModule,
    NotificationsModule,
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => uploadOptions(config.env.UPLOAD_LIMIT_BYTES, 16 * 1024), // review comments: 4,000 characters
    }),
  ],
  controllers: [EmissionsController],
  providers: [EmissionsService, BankingService, OverviewService],
})
export class EmissionsModule {}

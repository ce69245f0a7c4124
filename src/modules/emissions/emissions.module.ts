import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
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
      useFactory: (config: RuntimeConfig) => ({
        storage: memoryStorage(),
        // File names in multipart headers are UTF-8 in every current browser and client; busboy's
        // default (latin1) would store 敷地図.pdf as mojibake and send it back so on download.
        defParamCharset: 'utf8',
        // Review comments may be 4,000 characters (the DTO and the column); in UTF-8 a Japanese
        // character takes 3 bytes, so the field must hold 12,000 bytes: 16 KiB leaves room.
        limits: { fileSize: config.env.UPLOAD_LIMIT_BYTES, files: 1, fields: 5, fieldSize: 16 * 1024 },
      }),
    }),
  ],
  controllers: [EmissionsController],
  providers: [EmissionsService, BankingService, OverviewService],
})
export class EmissionsModule {}

import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type RuntimeConfig } from '../../core/config/runtime-config';
import { uploadOptions } from '../../core/http/files';
import { IdentityModule } from '../identity/identity.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { EmissionsController } from './emissions.controller';
import { EmissionsService } from './emissions.service';

@Module({
  imports: [
    IdentityModule,
    NotificationsModule,
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => uploadOptions(config.env.UPLOAD_LIMIT_BYTES, 16 * 1024), // review comments: 4,000 characters
    }),
  ],
  controllers: [EmissionsController],
  providers: [EmissionsService],
  exports: [EmissionsService],
})
export class EmissionsModule {}

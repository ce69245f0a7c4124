import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { IdentityModule } from '../identity/identity.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { CertificatesService } from './certificates.service';
import { ClientCertificateGuard } from './client-certificate.guard';
import { PrtrClock } from './clock';
import { FilersService } from './filers.service';
import { FilingsService } from './filings.service';
import { InquiriesService } from './inquiries.service';
import { MasterDataService } from './master/master-data.service';
import { PrtrFilingsController, PrtrOfficersController, PrtrPublicController } from './prtr.controller';
import './prtr-errors';
import './exports/export-errors';

@Module({
  imports: [
    IdentityModule,
    NotificationsModule,
    // file names in multipart headers are UTF-8 (busboy's default, latin1, garbles Japanese names in the audit trail)
    MulterModule.register({ storage: memoryStorage(), defParamCharset: 'utf8', limits: { fileSize: 2 * 1024 * 1024, files: 1, fields: 5, fieldSize: 8192 } }),
  ],
  controllers: [PrtrPublicController, PrtrOfficersController, PrtrFilingsController],
  providers: [MasterDataService, CertificatesService, FilersService, FilingsService, InquiriesService, ClientCertificateGuard, PrtrClock],
  exports: [CertificatesService, PrtrClock],
})
export class PrtrModule {}

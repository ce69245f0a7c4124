import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { uploadOptions } from '../../core/http/files';
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
    MulterModule.register(uploadOptions(2 * 1024 * 1024, 8192)),
  ],
  controllers: [PrtrPublicController, PrtrOfficersController, PrtrFilingsController],
  providers: [MasterDataService, CertificatesService, FilersService, FilingsService, InquiriesService, ClientCertificateGuard, PrtrClock],
  exports: [CertificatesService, PrtrClock],
})
export class PrtrModule {}

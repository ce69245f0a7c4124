import { Module } from '@nestjs/common';
import { ACTOR_RESOLVER } from '../../core/auth/roles';
import { RateLimitGuard } from '../../core/http/rate-limit';
import { LedgerModule } from '../ledger/ledger.module';
import { NotificationsModule } from '../notifications/notifications.module';
import {
  ContactChangeApplicationsController,
  RegistrationApplicationsController,
  TradingParticipantApplicationsController,
  TradingParticipantsController,
} from './applications.controller';
import { ApplicationsService } from './applications.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BootstrapService } from './bootstrap.service';
import { ContactListController, LoginsController, TargetHoldersController, VerifiersController } from './directory.controller';
import { DirectoryService } from './directory.service';
import './identity-errors';
import { LoginsService } from './logins.service';

@Module({
  imports: [LedgerModule, NotificationsModule],
  controllers: [
    AuthController,
    LoginsController,
    RegistrationApplicationsController,
    TradingParticipantApplicationsController,
    TradingParticipantsController,
    ContactChangeApplicationsController,
    TargetHoldersController,
    VerifiersController,
    ContactListController,
  ],
  providers: [
    AuthService,
    BootstrapService,
    LoginsService,
    ApplicationsService,
    DirectoryService,
    RateLimitGuard,
    { provide: ACTOR_RESOLVER, useExisting: AuthService },
  ],
  exports: [AuthService, DirectoryService, LoginsService],
})
export class IdentityModule {}

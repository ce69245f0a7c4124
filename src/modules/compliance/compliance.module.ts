import { Module } from '@nestjs/common';
import { EmissionsModule } from '../emissions/emissions.module';
import { REPORT_APPROVALS } from '../emissions/report-approvals';
import { IdentityModule } from '../identity/identity.module';
import { LedgerModule } from '../ledger/ledger.module';
import { RETIREMENT_PHASES } from '../ledger/retirement-phases';
import { NotificationsModule } from '../notifications/notifications.module';
import { BankingService } from './banking.service';
import { ComplianceController } from './compliance.controller';
import { ComplianceService } from './compliance.service';
import { OverviewService } from './overview.service';

/**
 * Phases, participants, standing, banking, phase close and the overview. Implements the interfaces
 * the ledger (RETIREMENT_PHASES) and emissions (REPORT_APPROVALS) declare.
 */
@Module({
  imports: [IdentityModule, LedgerModule, EmissionsModule, NotificationsModule],
  controllers: [ComplianceController],
  providers: [
    ComplianceService,
    BankingService,
    OverviewService,
    { provide: RETIREMENT_PHASES, useExisting: ComplianceService },
    { provide: REPORT_APPROVALS, useExisting: ComplianceService },
  ],
})
export class ComplianceModule {}

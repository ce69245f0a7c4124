import { CreateLogins1795446369766 } from './1795446369766-CreateLogins';
import { CreateIdentity1795446948538 } from './1795446948538-CreateIdentity';
import { CreateLedger1795447708438 } from './1795447708438-CreateLedger';
import { CreateEmissions1795449040670 } from './1795449040670-CreateEmissions';
import { CreateBankingApplications1795449580767 } from './1795449580767-CreateBankingApplications';
import { ExtendNotificationOutbox1795449967703 } from './1795449967703-ExtendNotificationOutbox';
import { CreateAuditTrail1795450314486 } from './1795450314486-CreateAuditTrail';
import { CreatePrtr1795460000000 } from './1795460000000-CreatePrtr';
import { CreateBatchedWrites1795470000000 } from './1795470000000-CreateBatchedWrites';
import { SetBasedBatchWrites1795480000000 } from './1795480000000-SetBasedBatchWrites';
import { AccountStatus1795490000000 } from './1795490000000-AccountStatus';
import { LoginAttemptInProgress1795490000001 } from './1795490000001-LoginAttemptInProgress';
import { UnitVintages1795500000000 } from './1795500000000-UnitVintages';
import { PostingAuditEvents1795510000000 } from './1795510000000-PostingAuditEvents';

/**
 * Every migration, in order. Listed explicitly (not globbed) so the app, the CLI, scripts and Jest
 * load exactly the same set; a test checks that every file in this folder is listed here.
 */
export const ALL_MIGRATIONS: Function[] = [CreateLogins1795446369766, CreateIdentity1795446948538, CreateLedger1795447708438, CreateEmissions1795449040670, CreateBankingApplications1795449580767, ExtendNotificationOutbox1795449967703, CreateAuditTrail1795450314486, CreatePrtr1795460000000, CreateBatchedWrites1795470000000, SetBasedBatchWrites1795480000000, AccountStatus1795490000000, LoginAttemptInProgress1795490000001, UnitVintages1795500000000, PostingAuditEvents1795510000000];

import { BankingApplication } from './banking-application.entity';
import { PhaseParticipant } from './phase-participant.entity';
import { Phase } from './phase.entity';
import { ReportFile } from './report-file.entity';
import { ReportTransition } from './report-transition.entity';
import { Report } from './report.entity';

export { BankingApplication, Phase, PhaseParticipant, Report, ReportFile, ReportTransition };
export const EMISSIONS_ENTITIES = [Phase, PhaseParticipant, Report, ReportFile, ReportTransition, BankingApplication];

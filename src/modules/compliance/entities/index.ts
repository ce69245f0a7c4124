import { BankingApplication } from './banking-application.entity';
import { PhaseParticipant } from './phase-participant.entity';
import { Phase } from './phase.entity';

export { BankingApplication, Phase, PhaseParticipant };
export const COMPLIANCE_ENTITIES = [Phase, PhaseParticipant, BankingApplication];

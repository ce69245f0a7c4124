import { Application } from './application.entity';
import { LoginAttempt } from './login-attempt.entity';
import { Login } from './login.entity';
import { TargetHolder } from './target-holder.entity';
import { TradingParticipant } from './trading-participant.entity';
import { VerifierAssignment } from './verifier-assignment.entity';
import { Verifier } from './verifier.entity';

export { Application, Login, LoginAttempt, TargetHolder, TradingParticipant, Verifier, VerifierAssignment };
export const IDENTITY_ENTITIES = [Login, LoginAttempt, TargetHolder, Verifier, VerifierAssignment, TradingParticipant, Application];

import { LoginAttempt } from './login-attempt.entity';
import { Login } from './login.entity';

export { Login, LoginAttempt };
export const IDENTITY_ENTITIES = [Login, LoginAttempt];

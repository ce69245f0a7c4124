import type { components } from './schema';

// The shapes the UI uses, from the generated OpenAPI types.
export type LoginResponse = components['schemas']['LoginResponse'];
export type MeResponse = components['schemas']['MeResponse'];
export type Role = MeResponse['role'];
export type RegistrationApplication = components['schemas']['RegistrationApplicationDto'];
export type TradingParticipantApplication = components['schemas']['TradingParticipantApplicationDto'];

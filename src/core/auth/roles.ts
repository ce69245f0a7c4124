export const ROLES = [
  'secretariat',
  'holder_a',
  'holder_b',
  'verifier',
  'trading_participant',
  'prtr_filer',
  'prtr_local_gov',
  'prtr_ministry',
] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: resolved from a verified token on every authenticated request. */
export interface Actor {
  /** The login's internal id (uuid). */
  id: string;
  /** The login ID the user types. */
  loginId: string;
  role: Role;
  mustChangePassword: boolean;
  targetHolderId: string | null;
  verifierId: string | null;
  tradingParticipantId: string | null;
  /** prtr_filer: its business. */
  prtrBusinessId?: string | null;
  /** prtr_local_gov: the prefecture it serves. */
  prtrPrefectureCode?: string | null;
  /** prtr_ministry: the minister it serves. */
  prtrMinisterCode?: string | null;
}

export interface TokenClaims {
  sub: string;
  lid: string;
  role: Role;
  /** Token version: bumped on every password change, so older tokens stop working. */
  tv: number;
  /** Expiry (seconds since the epoch), set when the token is signed. */
  exp?: number;
}

/** Implemented by the identity module: turns verified claims into the current actor, or null. */
export interface ActorResolver {
  resolve(claims: TokenClaims): Promise<Actor | null>;
}
export const ACTOR_RESOLVER = Symbol('ACTOR_RESOLVER');

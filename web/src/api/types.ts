// The shapes of the routes the UI uses so far (src/modules/identity/dto/login.dto.ts on the server).
export type Role =
  | 'secretariat'
  | 'holder_a'
  | 'holder_b'
  | 'verifier'
  | 'trading_participant'
  | 'prtr_filer'
  | 'prtr_local_gov'
  | 'prtr_ministry';

export interface LoginResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  role: Role;
  mustChangePassword: boolean;
}

export interface MeResponse {
  loginId: string;
  role: Role;
  displayName: string;
  mustChangePassword: boolean;
  targetHolderId: string | null;
}

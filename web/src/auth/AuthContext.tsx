import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { client, unwrap } from '../api/client';
import type { LoginResponse } from '../api/types';

interface Session {
  /** The bearer token: kept in memory only (never in storage), so a reload logs out. */
  token: string;
  expiresAt: number;
}

interface AuthValue {
  session: Session | null;
  login(loginId: string, password: string): Promise<LoginResponse>;
  logout(): void;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const login = useCallback(async (loginId: string, password: string) => {
    const res = await unwrap(client.POST('/api/v1/auth/login', { body: { loginId, password } }));
    setSession({ token: res.accessToken, expiresAt: Date.now() + res.expiresIn * 1000 });
    return res;
  }, []);
  // The API has no logout route yet (no server-side session): dropping the token ends the session here.
  const logout = useCallback(() => setSession(null), []);
  const value = useMemo(() => ({ session, login, logout }), [session, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

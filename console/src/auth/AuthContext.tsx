import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, hasToken, setToken, setUnauthorizedHandler } from '../api/client';

export type Role = 'ADMIN' | 'OPERATOR';

/** GET /v1/me (the fields the console uses). */
export interface Me {
  id: number;
  username: string;
  email: string | null;
  role: Role;
  quota_balance: number;
}

interface SignInResponse {
  token: string;
  expires_at: string;
  user: { id: number; username: string; email: string | null; role: Role };
}

interface Auth {
  user: Me | null;
  /** true until the stored token has been checked against /v1/me */
  checking: boolean;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null>(null);
  const [checking, setChecking] = useState(hasToken());

  const refresh = useCallback(async () => {
    setUser(await api.get<Me>('/v1/me'));
  }, []);

  useEffect(() => {
    // a 401 anywhere (expired, revoked, user disabled) signs the console out
    setUnauthorizedHandler(() => {
      setToken(null);
      setUser(null);
    });
    if (hasToken()) {
      refresh()
        .catch(() => setToken(null))
        .finally(() => setChecking(false));
    }
  }, [refresh]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const answer = await api.post<SignInResponse>('/v1/auth/sign-in', { username, password });
      setToken(answer.token);
      await refresh();
    },
    [refresh],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post('/v1/auth/sign-out');
    } finally {
      setToken(null);
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, checking, signIn, signOut, refresh }), [user, checking, signIn, signOut, refresh]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, fetchMe, SESSION_ENDED, type Me } from './api.ts';
import { ChangePasswordPage, LoginPage } from './Login.tsx';
import { navigate, usePath } from './router.tsx';
import { Shell } from './Shell.tsx';

type Session = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'signed-out' } | { kind: 'signed-in'; me: Me; password: string | null };

/** Where to go after sign-in: the page asked for, if it is a local path. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/** Decides between sign-in, forced password change and the app shell. */
export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session>({ kind: 'loading' });

  const load = useCallback(async () => {
    try {
      const me = await fetchMe();
      setSession(me ? { kind: 'signed-in', me, password: null } : { kind: 'signed-out' });
    } catch (error) {
      setSession({ kind: 'failed', message: errorMessage(error) });
    }
  }, []);

  useEffect(() => {
    void load();
    const ended = () => setSession({ kind: 'signed-out' });
    window.addEventListener(SESSION_ENDED, ended);
    return () => window.removeEventListener(SESSION_ENDED, ended);
  }, [load]);

  useEffect(() => {
    if (session.kind === 'signed-out' && path !== '/login') {
      navigate(path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`, { replace: true });
    }
    if (session.kind === 'signed-in' && !session.me.mustChangePassword && path === '/login') navigate(nextPath(), { replace: true });
  }, [session, path]);

  const signOut = async () => {
    try {
      await api('POST', '/api/v1/auth/logout');
    } finally {
      setSession({ kind: 'signed-out' });
      navigate('/login');
    }
  };

  switch (session.kind) {
    case 'loading':
      return (
        <p className="boot" role="status">
          Loading Townhall…
        </p>
      );
    case 'failed':
      return (
        <main className="auth" id="main">
          <div className="card auth-card" role="alert">
            <h1>Townhall cannot start</h1>
            <p>{session.message}</p>
            <button type="button" onClick={() => void load()}>
              Try again
            </button>
          </div>
        </main>
      );
    case 'signed-out':
      return <LoginPage onSignedIn={(me, password) => setSession({ kind: 'signed-in', me, password })} />;
    case 'signed-in':
      if (session.me.mustChangePassword) {
        return <ChangePasswordPage me={session.me} knownPassword={session.password} onChanged={load} onSignOut={() => void signOut()} />;
      }
      return path === '/login' ? null : <Shell me={session.me} onSignOut={() => void signOut()} />;
  }
}

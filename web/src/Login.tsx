import { useEffect, useState } from 'react';
import { api, parseMe, type Me } from './api.ts';
import { Field, FormError, useSubmit } from './forms.tsx';

/** The sign-in form; hands the user (and the password just typed, for a forced change) to the app. */
export function LoginPage({ onSignedIn }: { onSignedIn: (me: Me, password: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, onSubmit } = useSubmit(async () => {
    const me = parseMe(await api('POST', '/api/v1/auth/login', { email: email.trim(), password }));
    onSignedIn(me, password);
  });
  useEffect(() => {
    document.title = 'Sign in · Townhall';
  }, []);
  return (
    <main className="auth" id="main">
      <form className="card auth-card" onSubmit={onSubmit} aria-labelledby="signin-title">
        <p className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Townhall
        </p>
        <h1 id="signin-title">Sign in</h1>
        <Field label="Email">
          <input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Password">
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <FormError error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

/** Shown when the account still has a one-time password: the user picks their own before going on. */
export function ChangePasswordPage({ me, knownPassword, onChanged, onSignOut }: { me: Me; knownPassword: string | null; onChanged: () => Promise<void>; onSignOut: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState<string | null>(null);
  const { busy, error, onSubmit } = useSubmit(async () => {
    if (next !== repeat) {
      setMismatch('The two new passwords are not the same.');
      return;
    }
    setMismatch(null);
    await api('POST', '/api/v1/auth/password', { currentPassword: knownPassword ?? current, newPassword: next });
    await onChanged();
  });
  useEffect(() => {
    document.title = 'Choose a password · Townhall';
  }, []);
  return (
    <main className="auth" id="main">
      <form className="card auth-card" onSubmit={onSubmit} aria-labelledby="password-title">
        <h1 id="password-title">Choose your password</h1>
        <p>
          Welcome, {me.name}. You signed in with a one-time password; choose your own before you continue.
        </p>
        {knownPassword === null ? (
          <Field label="Current password">
            <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          </Field>
        ) : null}
        <Field label="New password" hint="At least 8 characters.">
          <input type="password" autoComplete="new-password" required minLength={8} maxLength={200} value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
        <Field label="New password again">
          <input type="password" autoComplete="new-password" required minLength={8} maxLength={200} value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </Field>
        <FormError error={mismatch ?? error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save and continue'}
        </button>
        <button type="button" className="link" onClick={onSignOut}>
          Sign out
        </button>
      </form>
    </main>
  );
}

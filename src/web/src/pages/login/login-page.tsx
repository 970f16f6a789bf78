import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { TextField } from '../../components/field';
import { Notice } from '../../components/notice';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useSession } from '../../session';

/** Log in with a Lethe account: staff go to the console, people to their own data. */
export function LoginPage({ notice }: { notice?: string | undefined }) {
  useDocumentTitle('Log in');
  const { login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(username.trim(), password);
    } catch (reason) {
      setError(reason);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const apiError = error instanceof ApiError ? error : undefined;
  const field = apiError?.field;
  const usernameError = field === 'username' ? apiError?.message : undefined;
  const passwordError =
    field === 'password' || apiError?.code === 'LETHE_E_LOGIN_FAILED' ? apiError?.message : undefined;
  const generalError = error && !usernameError && !passwordError ? error : undefined;

  return (
    <div className="login">
      <main id="main" className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            L
          </span>
          <div>
            <p className="login-product">Lethe</p>
            <p className="muted small">User data management for the GDPR</p>
          </div>
        </div>
        <h1>Log in</h1>
        {notice ? <Notice tone="info">{notice}</Notice> : null}
        {generalError ? (
          <div className="notice notice-error" role="alert">
            <p>{generalError instanceof Error ? generalError.message : String(generalError)}</p>
            {apiError?.code === 'LETHE_E_LOCKED_OUT' ? (
              <p className="small">For your security, this username is locked for a while.</p>
            ) : null}
          </div>
        ) : null}
        <form onSubmit={submit} noValidate>
          <TextField
            label="Username"
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            error={usernameError}
            required
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={passwordError}
            required
          />
          <button
            type="submit"
            className="button button-primary button-block"
            disabled={busy || !username || !password}
          >
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
      </main>
    </div>
  );
}

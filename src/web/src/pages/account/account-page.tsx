import { type FormEvent, useState } from 'react';
import { sessionApi } from '../../api/endpoints';
import { Badge } from '../../components/badge';
import { ErrorMessage } from '../../components/error-message';
import { TextField } from '../../components/field';
import { fieldError, formLevelError } from '../../components/field-errors';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { capabilityLabels } from '../../lib/capabilities';
import { formatDateTime } from '../../lib/format';
import { useSession } from '../../session';

const codeFields = { LETHE_E_LOGIN_FAILED: 'currentPassword' };

/** Your own account: who you are, what you may do, and a new password. */
export function AccountPage() {
  const { account, state } = useSession();
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (!account) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await sessionApi.changePassword(current, next);
      setCurrent('');
      setNext('');
      toast('Password changed. Your other sessions have ended.');
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageHeader title="Your account" />
      <section className="card" aria-labelledby="who-heading">
        <h2 id="who-heading">{account.displayName || account.username}</h2>
        <dl className="details">
          <dt>Username</dt>
          <dd>{account.username}</dd>
          <dt>Email</dt>
          <dd>{account.email || '–'}</dd>
          <dt>Roles</dt>
          <dd>{account.roles.join(', ') || '–'}</dd>
          <dt>Capabilities</dt>
          <dd>
            <span className="badge-row">
              {account.capabilities.map((c) => (
                <Badge key={c} tone="neutral">
                  {capabilityLabels[c] ?? c}
                </Badge>
              ))}
            </span>
          </dd>
          <dt>Session ends</dt>
          <dd>{state.status === 'authenticated' ? formatDateTime(state.expiresAt) : '–'}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <ErrorMessage error={formLevelError(error, ['currentPassword', 'newPassword'], codeFields)} />
        <form onSubmit={submit} noValidate className="form-grid">
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={fieldError(error, 'currentPassword', codeFields)}
            required
          />
          <TextField
            label="New password"
            hint="At least 8 characters."
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            error={fieldError(error, 'newPassword', codeFields)}
            required
          />
          <div className="form-actions span-2">
            <button type="submit" className="button button-primary" disabled={busy || !current || !next}>
              {busy ? 'Saving…' : 'Change password'}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}

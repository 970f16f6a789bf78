import { type FormEvent, useState } from 'react';
import { rolesApi, tokensApi } from '../../api/endpoints';
import type { ApiToken } from '../../api/types';
import { Badge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Dialog } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { TextField } from '../../components/field';
import { fieldError, formLevelError } from '../../components/field-errors';
import { Loading } from '../../components/loading';
import { EmptyState, Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { useResource } from '../../hooks/use-resource';
import { dayEndIso, formatActor, formatDateTime } from '../../lib/format';

/** API tokens for host applications: created with scopes, shown once, revoked at once. */
export function TokensPage() {
  const toast = useToast();
  const tokens = useResource('tokens', () => tokensApi.list());
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ token: ApiToken; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const list = tokens.data?.tokens ?? [];
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Host applications use a token to tell Lethe when users are suspended or deleted, and to request exports."
        actions={
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New token
          </button>
        }
      />
      {tokens.loading ? <Loading /> : null}
      <ErrorMessage error={tokens.error} />
      {tokens.data && list.length === 0 ? <EmptyState title="No API token yet." /> : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Scopes</th>
                <th scope="col">State</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => (
                <tr key={t.id}>
                  <th scope="row">
                    {t.name}
                    <span className="matrix-help">
                      by {formatActor(t.createdBy)}, {formatDateTime(t.createdAt)}
                    </span>
                  </th>
                  <td className="code">{t.prefix}…</td>
                  <td className="small">
                    <span className="badge-row">
                      {t.scopes.map((s) => (
                        <Badge key={s} tone="neutral">
                          {s}
                        </Badge>
                      ))}
                    </span>
                  </td>
                  <td>
                    {t.active ? (
                      <Badge tone="success">Active</Badge>
                    ) : t.revokedAt ? (
                      <Badge tone="danger">Revoked</Badge>
                    ) : (
                      <Badge tone="warning">Expired</Badge>
                    )}
                  </td>
                  <td>{formatDateTime(t.lastUsedAt)}</td>
                  <td>{t.expiresAt ? formatDateTime(t.expiresAt) : 'Never'}</td>
                  <td className="col-actions">
                    {t.active ? (
                      <button
                        type="button"
                        className="button button-danger-outline button-small"
                        onClick={() => setRevoking(t)}
                      >
                        Revoke<span className="visually-hidden"> {t.name}</span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <NewTokenDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setSecret(created);
          tokens.reload();
        }}
      />
      <Dialog
        open={secret !== null}
        title="Copy your new token"
        onClose={() => setSecret(null)}
        footer={
          <button type="button" className="button button-primary" onClick={() => setSecret(null)}>
            Done
          </button>
        }
      >
        <Notice tone="warning" title="This is the only time the token is shown.">
          <p>Lethe keeps only a hash of it. Store it in the host application's secrets now.</p>
        </Notice>
        <div className="secret-box">
          <code data-testid="token-secret">{secret?.secret}</code>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => {
              if (secret) {
                void navigator.clipboard?.writeText(secret.secret).then(
                  () => toast('Token copied.'),
                  () => toast('Copying failed: select the token and copy it.', 'error'),
                );
              }
            }}
          >
            Copy
          </button>
        </div>
        <p className="small muted">Send it as: Authorization: Bearer &lt;token&gt;</p>
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke token"
        danger
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await tokensApi.revoke(revoking.id);
          toast(`Token “${revoking.name}” revoked.`);
          setRevoking(null);
          tokens.reload();
        }}
      >
        <p>It stops working at once. Applications using it will get 401 until they get a new token.</p>
      </ConfirmDialog>
    </>
  );
}

function NewTokenDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (created: { token: ApiToken; secret: string }) => void;
}) {
  const caps = useResource('token-scopes', () => rolesApi.capabilities(), { enabled: open });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<string>>(new Set());
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const expiresAt = expires ? dayEndIso(expires) : undefined;
      const created = await tokensApi.create({
        name: name.trim(),
        scopes: [...scopes],
        ...(expiresAt ? { expiresAt } : {}),
      });
      setName('');
      setScopes(new Set());
      setExpires('');
      onCreated(created);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  const scopeError = fieldError(error, 'scopes');
  return (
    <Dialog
      open={open}
      title="New API token"
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form="new-token" className="button button-primary" disabled={busy}>
            Create token
          </button>
        </>
      }
    >
      <form id="new-token" onSubmit={submit} noValidate>
        <TextField
          label="Name"
          hint="Which application uses it, such as “Campus LMS”."
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError(error, 'name')}
          required
        />
        <fieldset aria-describedby={scopeError ? 'scope-error' : undefined}>
          <legend>Scopes</legend>
          <p className="field-hint">What the token may do. Give it only what the application needs.</p>
          {caps.loading ? <Loading /> : null}
          <div className="scope-grid">
            {(caps.data?.scopes ?? []).map((s) => (
              <label key={s} className="inline-check">
                <input
                  type="checkbox"
                  checked={scopes.has(s)}
                  onChange={(e) =>
                    setScopes((cur) => {
                      const next = new Set(cur);
                      if (e.target.checked) next.add(s);
                      else next.delete(s);
                      return next;
                    })
                  }
                />{' '}
                <span className="code">{s}</span>
              </label>
            ))}
          </div>
          {scopeError ? (
            <p className="field-error" id="scope-error">
              {scopeError}
            </p>
          ) : null}
        </fieldset>
        <TextField
          label="Expires on"
          hint="Leave empty for a token that doesn't expire."
          type="date"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          error={fieldError(error, 'expiresAt')}
        />
      </form>
      <ErrorMessage error={formLevelError(error, ['name', 'scopes', 'expiresAt'])} />
    </Dialog>
  );
}

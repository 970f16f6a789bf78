import { type FormEvent, useState } from 'react';
import { accountsApi, rolesApi } from '../../api/endpoints';
import type { Account, Role } from '../../api/types';
import { Badge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Dialog } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { CheckboxField, TextField } from '../../components/field';
import { fieldError, formLevelError } from '../../components/field-errors';
import { Loading } from '../../components/loading';
import { EmptyState } from '../../components/notice';
import { OptionsMenu } from '../../components/options-menu';
import { PageHeader } from '../../components/page-header';
import { Pager, pagingFrom } from '../../components/pager';
import { useToast } from '../../components/toaster';
import { useResource } from '../../hooks/use-resource';
import { formatDateTime } from '../../lib/format';
import { Link, navigate, useQueryState } from '../../router';
import { isStaff, useSession } from '../../session';

/** Why `me` may not act as `a` (the server's rule: never as oneself, a disabled account or a more privileged one). */
function actAsRefusal(me: Account | null, a: Account): string | undefined {
  if (a.id === me?.id) return 'You can’t act as yourself.';
  if (a.disabled) return 'The account is disabled.';
  if (a.roles.includes('administrator')) return 'Nobody can act as an administrator.';
  if (a.capabilities.includes('userdata:loginas')) return 'This account can act as others itself.';
  const beyond = a.capabilities.filter((c) => !me?.capabilities.includes(c));
  if (beyond.length > 0) return `It holds capabilities you lack: ${beyond.join(', ')}.`;
  return undefined;
}

/** Who may log in: staff accounts, and self-service accounts linked to a user. */
export function AccountsPage() {
  const toast = useToast();
  const { account: me, can, actAs } = useSession();
  const [search, setQuery] = useQueryState();
  const { offset, limit } = pagingFrom(search);
  const text = search.get('search') ?? '';
  const kind =
    search.get('kind') === 'staff' || search.get('kind') === 'subject'
      ? (search.get('kind') as 'staff' | 'subject')
      : undefined;
  const [draft, setDraft] = useState(text);
  const [editing, setEditing] = useState<Account | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Account | null>(null);
  const roles = useResource('account-roles', () => rolesApi.list());
  const page = useResource(`accounts:${JSON.stringify({ text, kind, offset, limit })}`, () =>
    accountsApi.list({ ...(text ? { search: text } : {}), ...(kind ? { kind } : {}), limit, offset }),
  );
  const startActing = async (a: Account) => {
    try {
      const target = await actAs(a.id);
      navigate(isStaff(target) ? '/' : '/me');
      toast(`You are acting as ${target.displayName || target.username}.`);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    }
  };
  const unlock = async (a: Account) => {
    try {
      await accountsApi.unlock(a.id);
      toast(`${a.username} can log in again.`);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    }
  };
  return (
    <>
      <PageHeader
        title="Accounts"
        description="Staff accounts, and self-service accounts that let a person export their own data."
        actions={
          <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
            New account
          </button>
        }
      />
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ search: draft.trim(), offset: null });
        }}
      >
        <div className="filter filter-wide">
          <label htmlFor="acc-search">Search</label>
          <input
            id="acc-search"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Username, name or email"
          />
        </div>
        <div className="filter">
          <label htmlFor="acc-kind">Kind</label>
          <select
            id="acc-kind"
            value={kind ?? ''}
            onChange={(e) => setQuery({ kind: e.target.value, offset: null })}
          >
            <option value="">All accounts</option>
            <option value="staff">Staff</option>
            <option value="subject">Self-service</option>
          </select>
        </div>
        <div className="filter filter-actions">
          <button type="submit" className="button button-primary">
            Search
          </button>
        </div>
      </form>
      {page.loading ? <Loading /> : null}
      <ErrorMessage error={page.error} />
      {page.data && page.data.accounts.length === 0 ? <EmptyState title="No account matches." /> : null}
      {page.data && page.data.accounts.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Linked user</th>
                <th scope="col">Last login</th>
                <th scope="col">
                  <span className="visually-hidden">Options</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.accounts.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    {a.username} {a.disabled ? <Badge tone="danger">Disabled</Badge> : null}
                    {!a.hasPassword ? <Badge tone="warning">No password</Badge> : null}
                  </th>
                  <td>{a.displayName || '–'}</td>
                  <td>
                    <span className="badge-row">
                      {a.roles.map((r) => (
                        <Badge key={r} tone="neutral">
                          {r}
                        </Badge>
                      ))}
                    </span>
                  </td>
                  <td>
                    {a.subjectId ? (
                      <Link to={`/users/${encodeURIComponent(a.subjectId)}`}>{a.subjectId}</Link>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td>{formatDateTime(a.lastLoginAt)}</td>
                  <td className="col-actions">
                    <OptionsMenu
                      label={`Options for ${a.username}`}
                      items={[
                        { label: 'Edit', onSelect: () => setEditing(a) },
                        { label: 'Unlock', onSelect: () => void unlock(a) },
                        {
                          label: 'Act as',
                          onSelect: () => void startActing(a),
                          hidden: !can('userdata:loginas'),
                          disabled: actAsRefusal(me, a) !== undefined,
                          reason: actAsRefusal(me, a),
                        },
                        {
                          label: 'Delete',
                          onSelect: () => setDeleting(a),
                          disabled: a.id === me?.id,
                          reason: 'You can’t delete your own account.',
                          danger: true,
                        },
                      ]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page.data ? (
        <Pager
          total={page.data.total}
          offset={offset}
          limit={limit}
          noun="accounts"
          onChange={(o, l) => setQuery({ offset: o || null, limit: l === 25 ? null : l })}
        />
      ) : null}
      <AccountDialog
        account={editing}
        roles={roles.data?.roles ?? []}
        onClose={() => setEditing(null)}
        onSaved={(a, created) => {
          setEditing(null);
          toast(`${a.username} ${created ? 'created' : 'saved'}.`);
          page.reload();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the account ${deleting?.username ?? ''}?`}
        confirmLabel="Delete account"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await accountsApi.remove(deleting.id);
          toast(`${deleting.username} deleted.`);
          setDeleting(null);
          page.reload();
        }}
      >
        <p>The account and its sessions are deleted. What it did stays in the audit log.</p>
      </ConfirmDialog>
    </>
  );
}

const codeFields = {
  LETHE_E_ACCOUNT_EXISTS: 'username',
  LETHE_E_SUBJECT_UNKNOWN: 'subjectId',
  LETHE_E_ROLE_UNKNOWN: 'roles',
};
const fields = ['username', 'displayName', 'email', 'password', 'subjectId', 'roles', 'disabled'];

interface AccountDialogProps {
  account: Account | 'new' | null;
  roles: Role[];
  onClose: () => void;
  onSaved: (account: Account, created: boolean) => void;
}

function AccountDialog({ account, roles, onClose, onSaved }: AccountDialogProps) {
  const existing = account !== 'new' && account !== null ? account : null;
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [subjectId, setSubjectId] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [disabled, setDisabled] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [shown, setShown] = useState<Account | 'new' | null>(null);
  if (account !== shown) {
    setShown(account);
    setUsername(existing?.username ?? '');
    setDisplayName(existing?.displayName ?? '');
    setEmail(existing?.email ?? '');
    setPassword('');
    setSubjectId(existing?.subjectId ?? '');
    setChosen(new Set(existing?.roles ?? []));
    setDisabled(existing?.disabled ?? false);
    setError(undefined);
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (existing) {
        const saved = await accountsApi.update(existing.id, {
          displayName,
          email,
          disabled,
          roles: [...chosen],
          ...(password ? { password } : {}),
        });
        onSaved(saved, false);
      } else {
        const saved = await accountsApi.create({
          username: username.trim(),
          displayName,
          email,
          ...(password ? { password } : {}),
          ...(subjectId.trim() ? { subjectId: subjectId.trim() } : {}),
          ...(chosen.size > 0 ? { roles: [...chosen] } : {}),
        });
        onSaved(saved, true);
      }
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={account !== null}
      title={existing ? `Edit ${existing.username}` : 'New account'}
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form="account-form" className="button button-primary" disabled={busy}>
            {existing ? 'Save' : 'Create account'}
          </button>
        </>
      }
    >
      <form id="account-form" onSubmit={submit} noValidate>
        <div className="form-grid">
          <TextField
            label="Username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            readOnly={existing !== null}
            error={fieldError(error, 'username', codeFields)}
            required
            autoComplete="off"
          />
          <TextField
            label="Display name"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            error={fieldError(error, 'displayName', codeFields)}
          />
          <TextField
            label="Email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fieldError(error, 'email', codeFields)}
          />
          <TextField
            label={existing ? 'New password' : 'Password'}
            hint={
              existing
                ? 'Leave empty to keep it.'
                : 'At least 8 characters. Without one, the account can’t log in yet.'
            }
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldError(error, 'password', codeFields)}
            autoComplete="new-password"
          />
          {existing ? null : (
            <TextField
              label="Linked user (self-service)"
              hint="The id of the user this person is, to let them export their own data. Leave empty for staff."
              value={subjectId}
              onChange={(e) => setSubjectId(e.target.value)}
              error={fieldError(error, 'subjectId', codeFields)}
            />
          )}
        </div>
        <fieldset>
          <legend>Roles</legend>
          <div className="scope-grid">
            {roles.map((r) => (
              <label key={r.shortname} className="inline-check">
                <input
                  type="checkbox"
                  checked={chosen.has(r.shortname)}
                  onChange={(e) =>
                    setChosen((cur) => {
                      const next = new Set(cur);
                      if (e.target.checked) next.add(r.shortname);
                      else next.delete(r.shortname);
                      return next;
                    })
                  }
                />
                {r.name}
              </label>
            ))}
          </div>
          {fieldError(error, 'roles', codeFields) ? (
            <p className="field-error">{fieldError(error, 'roles', codeFields)}</p>
          ) : null}
        </fieldset>
        {existing ? (
          <CheckboxField
            label="Disabled"
            hint="A disabled account can't log in; its sessions end."
            checked={disabled}
            onChange={(e) => setDisabled(e.target.checked)}
          />
        ) : null}
      </form>
      <ErrorMessage error={formLevelError(error, fields, codeFields)} />
    </Dialog>
  );
}

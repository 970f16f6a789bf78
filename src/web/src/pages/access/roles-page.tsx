import { type FormEvent, useState } from 'react';
import { rolesApi } from '../../api/endpoints';
import type { Capability, Role } from '../../api/types';
import { Badge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Dialog } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { TextAreaField, TextField } from '../../components/field';
import { fieldError, formLevelError } from '../../components/field-errors';
import { Loading } from '../../components/loading';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { useResource } from '../../hooks/use-resource';
import { capabilityLabels } from '../../lib/capabilities';

/** Roles and the capabilities each grants, as a grid of checkboxes; new roles; deleting roles that aren't built in. */
export function RolesPage() {
  const toast = useToast();
  const data = useResource('roles', async () => {
    const [roles, caps] = await Promise.all([rolesApi.list(), rolesApi.capabilities()]);
    return { roles: roles.roles, capabilities: caps.capabilities };
  });
  const [changes, setChanges] = useState<Map<string, Set<Capability>>>(new Map());
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(undefined);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Role | null>(null);

  const granted = (role: Role) => changes.get(role.shortname) ?? new Set(role.capabilities);
  const toggle = (role: Role, capability: Capability, on: boolean) =>
    setChanges((current) => {
      const next = new Map(current);
      const set = new Set(granted(role));
      if (on) set.add(capability);
      else set.delete(capability);
      const same = set.size === role.capabilities.length && role.capabilities.every((c) => set.has(c));
      if (same) next.delete(role.shortname);
      else next.set(role.shortname, set);
      return next;
    });

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      for (const [shortname, set] of changes) {
        await rolesApi.update(shortname, { capabilities: [...set] });
      }
      toast(`${changes.size === 1 ? 'Role' : 'Roles'} saved.`);
      setChanges(new Map());
      data.reload();
    } catch (error) {
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  const roles = data.data?.roles ?? [];
  return (
    <>
      <PageHeader
        title="Roles & capabilities"
        description="Accounts get capabilities through their roles. Anonymizing support users is granted to no role until you grant it."
        actions={
          <button type="button" className="button button-secondary" onClick={() => setCreating(true)}>
            New role
          </button>
        }
      />
      {data.loading ? <Loading /> : null}
      <ErrorMessage error={data.error} />
      {data.data ? (
        <>
          <div className="table-wrap">
            <table className="table matrix">
              <caption className="visually-hidden">Capabilities granted to each role</caption>
              <thead>
                <tr>
                  <th scope="col">Capability</th>
                  {roles.map((r) => (
                    <th scope="col" key={r.shortname}>
                      {r.name}
                      <span className="matrix-help">
                        {r.accounts} {r.accounts === 1 ? 'account' : 'accounts'}
                      </span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.data.capabilities.map((c) => (
                  <tr key={c.name}>
                    <th scope="row">
                      {capabilityLabels[c.name] ?? c.name} <span className="code muted small">{c.name}</span>
                      <span className="matrix-help">{c.description}</span>
                    </th>
                    {roles.map((r) => (
                      <td key={r.shortname}>
                        <input
                          type="checkbox"
                          checked={granted(r).has(c.name)}
                          onChange={(e) => toggle(r, c.name, e.target.checked)}
                          aria-label={`${r.name}: ${capabilityLabels[c.name] ?? c.name}`}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
                <tr>
                  <th scope="row">
                    <span className="visually-hidden">Role actions</span>
                  </th>
                  {roles.map((r) => (
                    <td key={r.shortname}>
                      {r.builtin ? (
                        <Badge tone="neutral">Built in</Badge>
                      ) : (
                        <button type="button" className="button button-link" onClick={() => setDeleting(r)}>
                          Delete<span className="visually-hidden"> {r.name}</span>
                        </button>
                      )}
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          </div>
          <ErrorMessage error={saveError} title="The roles were not saved." />
          <div className="form-actions">
            <button
              type="button"
              className="button button-primary"
              onClick={() => void save()}
              disabled={saving || changes.size === 0}
            >
              {saving ? 'Saving…' : 'Save changes'}
            </button>
            {changes.size > 0 ? (
              <button type="button" className="button button-secondary" onClick={() => setChanges(new Map())}>
                Discard
              </button>
            ) : null}
            {changes.size > 0 ? <span className="muted small">{changes.size} role(s) changed</span> : null}
          </div>
          <Notice tone="info">
            <p>
              Changes apply to the accounts' next request. People using self-service need the capability
              “Export own data”.
            </p>
          </Notice>
        </>
      ) : null}
      <NewRoleDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(role) => {
          setCreating(false);
          toast(`Role “${role.name}” created.`);
          data.reload();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the role “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete role"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await rolesApi.remove(deleting.shortname);
          toast(`Role “${deleting.name}” deleted.`);
          setDeleting(null);
          data.reload();
        }}
      >
        <p>
          {deleting?.accounts
            ? `${deleting.accounts} account(s) have it: they lose its capabilities.`
            : 'No account has this role.'}
        </p>
      </ConfirmDialog>
    </>
  );
}

const roleCodeFields = { LETHE_E_ROLE_EXISTS: 'shortname' };

function NewRoleDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (r: Role) => void;
}) {
  const [shortname, setShortname] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const role = await rolesApi.create({
        shortname: shortname.trim(),
        name,
        description,
        capabilities: [],
      });
      setShortname('');
      setName('');
      setDescription('');
      onCreated(role);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      title="New role"
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form="new-role" className="button button-primary" disabled={busy}>
            Create role
          </button>
        </>
      }
    >
      <form id="new-role" onSubmit={submit} noValidate>
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError(error, 'name', roleCodeFields)}
          required
        />
        <TextField
          label="Short name"
          hint="Lower-case letters, digits and -, such as helpdesk-lead."
          value={shortname}
          onChange={(e) => setShortname(e.target.value)}
          error={fieldError(error, 'shortname', roleCodeFields)}
          required
          spellCheck={false}
        />
        <TextAreaField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={fieldError(error, 'description', roleCodeFields)}
          rows={2}
        />
        <p className="muted small">Grant its capabilities in the grid once it is created.</p>
      </form>
      <ErrorMessage error={formLevelError(error, ['name', 'shortname', 'description'], roleCodeFields)} />
    </Dialog>
  );
}

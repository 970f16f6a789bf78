import { type FormEvent, useState } from 'react';
import { purgeTypesApi, settingsApi } from '../../api/endpoints';
import type { PurgeType, SettingsPatch, SettingsView } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { CheckboxField, SelectField, TextField } from '../../components/field';
import { fieldError, formLevelError } from '../../components/field-errors';
import { Loading } from '../../components/loading';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { useResource } from '../../hooks/use-resource';
import { Link } from '../../router';
import { useSession } from '../../session';

const fields = [
  'defaultSuspendedPurgeType',
  'defaultDeletedPurgeType',
  'allowSelfExport',
  'exportRetentionDays',
  'anonymousUserId',
];
const codeFields = {
  LETHE_E_SUBJECT_UNKNOWN: 'anonymousUserId',
  LETHE_E_SUBJECT_PROTECTED: 'anonymousUserId',
};

/** The settings: default purge types, self-service exports, how long exports are kept, the anonymous user, email. */
export function SettingsPage() {
  const data = useResource('settings', async () => {
    const [settings, types] = await Promise.all([settingsApi.get(), purgeTypesApi.list()]);
    return { settings, types: types.purgeTypes };
  });
  return (
    <>
      <PageHeader title="Settings" description="Defaults for purges, self-service exports and retention." />
      {data.loading ? <Loading /> : null}
      <ErrorMessage error={data.error} />
      {data.data ? (
        <SettingsForm settings={data.data.settings} types={data.data.types} onSaved={data.reload} />
      ) : null}
    </>
  );
}

interface FormProps {
  settings: SettingsView;
  types: PurgeType[];
  onSaved: () => void;
}

function SettingsForm({ settings, types, onSaved }: FormProps) {
  const { can } = useSession();
  const toast = useToast();
  const readOnly = !can('userdata:config');
  const [suspended, setSuspended] = useState(String(settings.defaultSuspendedPurgeTypeId ?? ''));
  const [deleted, setDeleted] = useState(String(settings.defaultDeletedPurgeTypeId ?? ''));
  const [allowSelfExport, setAllowSelfExport] = useState(settings.allowSelfExport);
  const [retention, setRetention] = useState(String(settings.exportRetentionDays));
  const [anonymous, setAnonymous] = useState(settings.anonymousUserId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const patch: SettingsPatch = {};
    const idOrNull = (v: string) => (v === '' ? null : Number(v));
    if (idOrNull(suspended) !== settings.defaultSuspendedPurgeTypeId)
      patch.defaultSuspendedPurgeType = idOrNull(suspended);
    if (idOrNull(deleted) !== settings.defaultDeletedPurgeTypeId)
      patch.defaultDeletedPurgeType = idOrNull(deleted);
    if (allowSelfExport !== settings.allowSelfExport) patch.allowSelfExport = allowSelfExport;
    const days = Number(retention);
    if (retention.trim() !== String(settings.exportRetentionDays)) {
      patch.exportRetentionDays = Number.isFinite(days) && retention.trim() !== '' ? days : Number.NaN;
    }
    const anon = anonymous.trim() === '' ? null : anonymous.trim();
    if (anon !== settings.anonymousUserId) patch.anonymousUserId = anon;
    if (Object.keys(patch).length === 0) {
      toast('Nothing has changed.', 'info');
      return;
    }
    if (Number.isNaN(patch.exportRetentionDays)) {
      setError(
        Object.assign(new Error('Enter a whole number of days.'), {
          details: { field: 'exportRetentionDays' },
        }),
      );
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await settingsApi.update(patch);
      toast('Settings saved.');
      onSaved();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const typeOptions = (status: 'suspended' | 'deleted') =>
    types
      .filter((t) => t.status === status)
      .map((t) => (
        <option key={t.id} value={t.id}>
          {t.name} ({t.idnumber}){t.allowAutomatic ? ', automatic' : ', manual only'}
        </option>
      ));
  const localError = error instanceof Error && !('code' in error) ? error.message : undefined;

  return (
    <form onSubmit={submit} noValidate>
      <ErrorMessage
        error={localError ? undefined : formLevelError(error, fields, codeFields)}
        title="The settings were not saved."
      />
      <fieldset disabled={readOnly || busy}>
        <section className="card" aria-labelledby="purges-heading">
          <h2 id="purges-heading">Purges</h2>
          <p className="muted">
            The purge type that applies to suspended and deleted users who have none of their own. If it
            allows automatic purges, users are purged by it soon after their status changes.{' '}
            <Link to="/purge-types">Manage purge types</Link>.
          </p>
          <div className="form-grid">
            <SelectField
              label="Default for suspended users"
              value={suspended}
              onChange={(e) => setSuspended(e.target.value)}
              error={fieldError(error, 'defaultSuspendedPurgeType', codeFields)}
            >
              <option value="">None</option>
              {typeOptions('suspended')}
            </SelectField>
            <SelectField
              label="Default for deleted users"
              value={deleted}
              onChange={(e) => setDeleted(e.target.value)}
              error={fieldError(error, 'defaultDeletedPurgeType', codeFields)}
            >
              <option value="">None</option>
              {typeOptions('deleted')}
            </SelectField>
          </div>
        </section>
        <section className="card" aria-labelledby="exports-heading">
          <h2 id="exports-heading">Exports</h2>
          <CheckboxField
            label="Allow people to export their own data"
            hint="They log in to the self-service page and choose an export type that is offered for self-service."
            checked={allowSelfExport}
            onChange={(e) => setAllowSelfExport(e.target.checked)}
            error={fieldError(error, 'allowSelfExport', codeFields)}
          />
          <div className="form-grid">
            <TextField
              label="Keep export files for (days)"
              hint="Then the file is deleted and its download link stops working. 1 to 3650."
              type="number"
              min={1}
              max={3650}
              inputMode="numeric"
              value={retention}
              onChange={(e) => setRetention(e.target.value)}
              error={localError ?? fieldError(error, 'exportRetentionDays', codeFields)}
            />
          </div>
        </section>
        <section className="card" aria-labelledby="anonymous-heading">
          <h2 id="anonymous-heading">Anonymous user</h2>
          <p className="muted">
            Anonymized content is attributed to this user, shown as its author. Leave it empty to use the one
            Lethe creates on first use, named “Anonymous”. It can never log in, and is never exported or
            purged.
          </p>
          <div className="form-grid">
            <TextField
              label="Anonymous user's id"
              hint="The id of an existing user, as the application knows them."
              value={anonymous}
              onChange={(e) => setAnonymous(e.target.value)}
              error={fieldError(error, 'anonymousUserId', codeFields)}
              spellCheck={false}
            />
          </div>
        </section>
        <section className="card" aria-labelledby="smtp-heading">
          <h2 id="smtp-heading">Email (SMTP)</h2>
          {settings.smtp?.configured ? (
            <dl className="details">
              <dt>Server</dt>
              <dd>
                {settings.smtp.host}:{settings.smtp.port} {settings.smtp.secure ? '(TLS)' : ''}
              </dd>
              <dt>From</dt>
              <dd>{settings.smtp.from ?? '–'}</dd>
            </dl>
          ) : (
            <Notice tone="info">
              <p>
                Notifications (an export is ready, new items appeared) are sent through the SMTP server in the
                configuration file (<span className="code">lethe.config.json</span>,{' '}
                <span className="code">smtp</span>) or the environment. Without one, they are kept in the
                outbox, which <span className="code">lethe outbox</span> lists.
              </p>
            </Notice>
          )}
        </section>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || readOnly}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        {readOnly ? (
          <span className="muted small">Changing settings needs the capability to configure.</span>
        ) : null}
      </div>
    </form>
  );
}

import { type FormEvent, useEffect, useState } from 'react';
import { purgeTypesApi, requestsApi } from '../../api/endpoints';
import type { LetheRequest, Subject } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { CheckboxField, SelectField } from '../../components/field';
import { fieldError, formLevelError } from '../../components/field-errors';
import { Loading } from '../../components/loading';
import { Notice } from '../../components/notice';
import { useResource } from '../../hooks/use-resource';
import { humanize, plural } from '../../lib/format';
import { Link } from '../../router';

const codeFields = {
  LETHE_E_TYPE_NOT_MANUAL: 'type',
  LETHE_E_TYPE_STATUS_MISMATCH: 'type',
  LETHE_E_TYPE_UNKNOWN: 'type',
  LETHE_E_CONFIRM_REQUIRED: 'confirmActive',
};

interface PurgeDialogProps {
  subject: Subject;
  open: boolean;
  onClose: () => void;
  onQueued: (request: LetheRequest) => void;
}

/** Purge one user by a purge type for their status: optionally a dry run; an active user needs a confirmation. */
export function PurgeDialog({ subject, open, onClose, onQueued }: PurgeDialogProps) {
  const types = useResource(`purge-types:${subject.status}`, () => purgeTypesApi.list(subject.status), {
    enabled: open,
  });
  const usable = (types.data?.purgeTypes ?? []).filter((t) => t.allowManual && t.status === subject.status);
  const [typeId, setTypeId] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [confirmActive, setConfirmActive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    if (open) {
      setError(undefined);
      setDryRun(false);
      setConfirmActive(false);
    }
  }, [open]);

  useEffect(() => {
    if (typeId === '' && usable[0]) setTypeId(String(usable[0].id));
  }, [typeId, usable]);

  const needsConfirm = subject.status === 'active' && !dryRun;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const request = await requestsApi.purge({
        subjectId: subject.id,
        type: Number(typeId),
        ...(dryRun ? { dryRun: true } : {}),
        ...(needsConfirm ? { confirmActive } : {}),
      });
      onQueued(request);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  const chosen = usable.find((t) => String(t.id) === typeId);

  return (
    <Dialog
      open={open}
      title={`Purge ${subject.fullName || subject.username}`}
      onClose={onClose}
      busy={busy}
      tone={dryRun ? 'default' : 'danger'}
      footer={
        <>
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            form="purge-form"
            className={`button ${dryRun ? 'button-primary' : 'button-danger'}`}
            disabled={busy || !chosen || (needsConfirm && !confirmActive)}
          >
            {busy ? 'Queuing…' : dryRun ? 'Start dry run' : 'Purge'}
          </button>
        </>
      }
    >
      {types.loading ? <Loading label="Loading purge types…" /> : null}
      <ErrorMessage error={types.error} />
      {types.data && usable.length === 0 ? (
        <Notice tone="warning" title={`No purge type can purge ${subject.status} users by hand.`}>
          <p>
            A manual purge needs a purge type for the status <strong>{subject.status}</strong> that allows
            manual use. <Link to="/purge-types/new">Create a purge type</Link>.
          </p>
        </Notice>
      ) : null}
      {usable.length > 0 ? (
        <form id="purge-form" onSubmit={submit} noValidate>
          <p>
            The user is <strong>{subject.status}</strong>, so only purge types for {subject.status} users that
            allow manual use are offered.
          </p>
          <SelectField
            label="Purge type"
            value={typeId}
            onChange={(e) => setTypeId(e.target.value)}
            error={fieldError(error, 'type', codeFields)}
            required
          >
            {usable.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.idnumber})
              </option>
            ))}
          </SelectField>
          {chosen ? (
            <div className="summary-box">
              <p className="small">
                It will erase {plural(chosen.items.length, 'item')}:{' '}
                {plural(chosen.items.filter((i) => i.mode === 'delete').length, 'deletion')} and{' '}
                {plural(chosen.items.filter((i) => i.mode === 'anonymise').length, 'anonymization')}.
              </p>
              <ul className="compact-list small">
                {chosen.items.slice(0, 8).map((i) => (
                  <li key={i.key}>
                    <span className="code">{i.key}</span>:{' '}
                    {humanize(i.mode === 'anonymise' ? 'anonymize' : i.mode)}
                  </li>
                ))}
                {chosen.items.length > 8 ? <li>and {chosen.items.length - 8} more</li> : null}
              </ul>
            </div>
          ) : null}
          <CheckboxField
            label="Dry run"
            hint="Count, item by item, what would be erased, and change nothing."
            checked={dryRun}
            onChange={(e) => setDryRun(e.target.checked)}
          />
          {needsConfirm ? (
            <CheckboxField
              label="I understand that this user is active, and that their data will be erased while they still use the application."
              checked={confirmActive}
              onChange={(e) => setConfirmActive(e.target.checked)}
              error={fieldError(error, 'confirmActive', codeFields)}
            />
          ) : null}
          {!dryRun ? <p className="warning-text">Erased data can't be recovered.</p> : null}
        </form>
      ) : null}
      <ErrorMessage error={formLevelError(error, ['type', 'confirmActive'], codeFields)} />
    </Dialog>
  );
}

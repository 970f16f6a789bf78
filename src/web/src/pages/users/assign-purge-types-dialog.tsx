import { type FormEvent, useState } from 'react';
import { purgeTypesApi, settingsApi, subjectsApi } from '../../api/endpoints';
import type { PurgeType, Subject } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { SelectField } from '../../components/field';
import { Loading } from '../../components/loading';
import { useResource } from '../../hooks/use-resource';
import { plural } from '../../lib/format';

const keep = '__keep';
const useDefault = '';

type Deactivated = 'suspended' | 'deleted';

interface AssignDialogProps {
  /** One user (their current assignments are shown) or many (bulk: each status may be left unchanged). */
  subjects: Subject[];
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}

function initial(subjects: Subject[], status: Deactivated): string {
  if (subjects.length !== 1) return keep;
  const id = status === 'suspended' ? subjects[0]?.suspendedPurgeTypeId : subjects[0]?.deletedPurgeTypeId;
  return id === null || id === undefined ? useDefault : String(id);
}

/** Which purge type applies to these users when they are suspended, and when they are deleted. */
export function AssignPurgeTypesDialog({ subjects, open, onClose, onDone }: AssignDialogProps) {
  const data = useResource(
    'assign-purge-types',
    async () => {
      const [types, settings] = await Promise.all([purgeTypesApi.list(), settingsApi.get()]);
      return { types: types.purgeTypes, settings };
    },
    { enabled: open },
  );
  const [values, setValues] = useState<Record<Deactivated, string>>({ suspended: keep, deleted: keep });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [errorStatus, setErrorStatus] = useState<Deactivated | null>(null);

  const [wasOpen, setWasOpen] = useState(false);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      setValues({ suspended: initial(subjects, 'suspended'), deleted: initial(subjects, 'deleted') });
      setError(undefined);
      setErrorStatus(null);
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const ids = subjects.map((s) => s.id);
    for (const status of ['suspended', 'deleted'] as const) {
      const value = values[status];
      if (value === keep || value === initial(subjects, status)) continue;
      try {
        await subjectsApi.assignPurgeType(ids, status, value === useDefault ? null : Number(value));
      } catch (reason) {
        setError(reason);
        setErrorStatus(status);
        setBusy(false);
        return;
      }
    }
    setBusy(false);
    onDone();
  };

  const defaultName = (status: Deactivated, types: PurgeType[]) => {
    const id =
      status === 'suspended'
        ? data.data?.settings.defaultSuspendedPurgeTypeId
        : data.data?.settings.defaultDeletedPurgeTypeId;
    const type = types.find((t) => t.id === id);
    return type ? type.name : 'none set';
  };

  const who =
    subjects.length === 1 ? subjects[0]?.fullName || subjects[0]?.username : plural(subjects.length, 'user');
  return (
    <Dialog
      open={open}
      title={`Assign purge types: ${who}`}
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            form="assign-form"
            className="button button-primary"
            disabled={busy || !data.data}
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      {data.loading ? <Loading /> : null}
      <ErrorMessage error={data.error} />
      {data.data ? (
        <form id="assign-form" onSubmit={submit} noValidate>
          <p>
            When a user is suspended or deleted, the purge type for that status applies: their own, or else
            the default from Settings.
          </p>
          {(['suspended', 'deleted'] as const).map((status) => {
            const types = data.data?.types.filter((t) => t.status === status) ?? [];
            return (
              <SelectField
                key={status}
                label={`When ${status}`}
                value={values[status]}
                onChange={(e) => setValues((v) => ({ ...v, [status]: e.target.value }))}
                error={errorStatus === status && error instanceof Error ? error.message : undefined}
              >
                {subjects.length > 1 ? <option value={keep}>Leave unchanged</option> : null}
                <option value={useDefault}>Use the default ({defaultName(status, types)})</option>
                {types.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.idnumber}){t.allowAutomatic ? ', automatic' : ''}
                  </option>
                ))}
              </SelectField>
            );
          })}
        </form>
      ) : null}
      {errorStatus === null ? <ErrorMessage error={error} /> : null}
    </Dialog>
  );
}

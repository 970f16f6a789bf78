import { type FormEvent, useState } from 'react';
import { itemsApi, purgeTypesApi } from '../../api/endpoints';
import {
  type EraseMode,
  type Item,
  type PurgeType,
  type SubjectStatus,
  subjectStatuses,
} from '../../api/types';
import { SubjectStatusBadge } from '../../components/badge';
import { ErrorMessage } from '../../components/error-message';
import { CheckboxField, TextAreaField, TextField } from '../../components/field';
import { fieldError, formLevelError } from '../../components/field-errors';
import { ItemPicker } from '../../components/item-picker';
import { Loading } from '../../components/loading';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { useResource } from '../../hooks/use-resource';
import { plural } from '../../lib/format';
import { allowedModes, groupItems, modeAvailability, modeLabels, unavailableReason } from '../../lib/items';
import { navigate } from '../../router';
import { useSession } from '../../session';

const fields = ['idnumber', 'name', 'description', 'status', 'allowManual', 'allowAutomatic', 'items'];
const codeFields = {
  LETHE_E_TYPE_DUPLICATE: 'idnumber',
  LETHE_E_TYPE_AUTOMATIC_ACTIVE: 'allowAutomatic',
  LETHE_E_TYPE_STATUS_FIXED: 'status',
  LETHE_E_STATUS_INVALID: 'status',
  LETHE_E_MODE_UNSUPPORTED: 'items',
  LETHE_E_STATUS_NOT_ALLOWED: 'items',
  LETHE_E_ITEM_UNKNOWN: 'items',
};

const statusHelp: Record<SubjectStatus, string> = {
  active:
    'For people still using the application: manual purges only, and each needs a confirmation. Few items allow it.',
  suspended: 'For people whose account is suspended. It can run automatically when a user is suspended.',
  deleted: 'For people whose account is deleted: the most items may be erased. It can run automatically.',
};

/** Create (status first) or edit a purge type. */
export function PurgeTypeFormPage({ id }: { id?: string }) {
  const data = useResource(`purge-type-form:${id ?? 'new'}`, async () => {
    const [type, items] = await Promise.all([
      id ? purgeTypesApi.get(Number(id)) : Promise.resolve(undefined),
      itemsApi.list(),
    ]);
    return { type, items: items.items };
  });
  const [status, setStatus] = useState<SubjectStatus | null>(null);
  if (data.loading) return <Loading />;
  if (data.error || !data.data) return <ErrorMessage error={data.error} />;
  const { type, items } = data.data;
  if (!type && status === null) return <StatusStep onChoose={setStatus} />;
  return (
    <PurgeTypeForm
      key={id ?? `new-${status}`}
      type={type}
      status={type?.status ?? (status as SubjectStatus)}
      items={items}
      onChangeStatus={type ? undefined : () => setStatus(null)}
    />
  );
}

/** Step 1 of a new purge type: which status it is for (it can't change afterwards). */
function StatusStep({ onChoose }: { onChoose: (status: SubjectStatus) => void }) {
  const [choice, setChoice] = useState<SubjectStatus>('deleted');
  return (
    <>
      <PageHeader
        title="New purge type"
        description="Step 1 of 2: which users is it for? This decides which items and modes are allowed, and can't be changed later."
        breadcrumbs={[{ label: 'Purge types', to: '/purge-types' }]}
      />
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          onChoose(choice);
        }}
      >
        <fieldset className="choice-list">
          <legend>Users who are</legend>
          {subjectStatuses.map((s) => (
            <label key={s} className={`choice${choice === s ? ' choice-selected' : ''}`}>
              <input
                type="radio"
                name="status"
                value={s}
                checked={choice === s}
                onChange={() => setChoice(s)}
              />
              <span>
                <strong>{s.charAt(0).toUpperCase() + s.slice(1)}</strong>
                <span className="choice-help">{statusHelp[s]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            Continue
          </button>
          <button type="button" className="button button-secondary" onClick={() => navigate('/purge-types')}>
            Cancel
          </button>
        </div>
      </form>
    </>
  );
}

interface FormProps {
  type: PurgeType | undefined;
  status: SubjectStatus;
  items: Item[];
  onChangeStatus: (() => void) | undefined;
}

function PurgeTypeForm({ type, status, items, onChangeStatus }: FormProps) {
  const { can } = useSession();
  const toast = useToast();
  const readOnly = !can('userdata:config');
  const [idnumber, setIdnumber] = useState(type?.idnumber ?? '');
  const [name, setName] = useState(type?.name ?? '');
  const [description, setDescription] = useState(type?.description ?? '');
  const [allowManual, setAllowManual] = useState(type?.allowManual ?? true);
  const [allowAutomatic, setAllowAutomatic] = useState(type?.allowAutomatic ?? false);
  const [modes, setModes] = useState<Map<string, EraseMode>>(
    () => new Map(type?.items.map((i) => [i.key, i.mode]) ?? []),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const isNew = new Set(type?.newItems ?? []);
  const byKey = new Map(items.map((i) => [i.key, i]));

  const defaultMode = (item: Item): EraseMode => {
    const allowed = allowedModes(item, status);
    return allowed.includes('delete') ? 'delete' : (allowed[0] ?? 'delete');
  };
  const select = (next: Set<string>) =>
    setModes((current) => {
      const out = new Map<string, EraseMode>();
      for (const key of next) {
        const item = byKey.get(key);
        out.set(key, current.get(key) ?? (item ? defaultMode(item) : 'delete'));
      }
      return out;
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = {
      idnumber: idnumber.trim(),
      name,
      description,
      allowManual,
      allowAutomatic: status === 'active' ? false : allowAutomatic,
      items: [...modes].map(([key, mode]) => ({ key, mode })),
    };
    try {
      if (type) await purgeTypesApi.update(type.id, body);
      else await purgeTypesApi.create({ ...body, status });
      toast(`“${name}” ${type ? 'saved' : 'created'}.`);
      navigate('/purge-types');
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const groups = groupItems(items).map((g) => ({
    key: g.component,
    label: g.label,
    items: g.items.map((i) => ({
      key: i.key,
      title: i.title,
      help: i.help,
      isNew: isNew.has(i.key),
      disabledReason: unavailableReason(i, status),
    })),
  }));
  const usable = groups.flatMap((g) => g.items).filter((i) => !i.disabledReason).length;

  return (
    <>
      <PageHeader
        title={type ? `Edit “${type.name}”` : 'New purge type'}
        description={
          type ? undefined : 'Step 2 of 2: name it, choose how it may be used, and what it erases.'
        }
        breadcrumbs={[{ label: 'Purge types', to: '/purge-types' }]}
      />
      {type && type.newItems.length > 0 ? (
        <Notice
          tone="info"
          title={`${plural(type.newItems.length, 'new item')} since this type was last saved`}
        >
          <p>
            They carry a <span className="new-label">New</span> label and are not purged until you save.
            Select the ones to erase, then save.
          </p>
        </Notice>
      ) : null}
      <ErrorMessage error={formLevelError(error, fields, codeFields)} title="The purge type was not saved." />
      <form onSubmit={submit} noValidate className="card">
        <p>
          For users who are <SubjectStatusBadge status={status} />{' '}
          {onChangeStatus ? (
            <button type="button" className="button button-link" onClick={onChangeStatus}>
              Change
            </button>
          ) : (
            <span className="muted small">(fixed once created)</span>
          )}
        </p>
        {fieldError(error, 'status', codeFields) ? (
          <p className="field-error">{fieldError(error, 'status', codeFields)}</p>
        ) : null}
        <fieldset disabled={readOnly || busy}>
          <div className="form-grid">
            <TextField
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={fieldError(error, 'name', codeFields)}
              required
              maxLength={255}
            />
            <TextField
              label="Idnumber"
              hint="A unique short name for scripts, such as “deleted-full”."
              value={idnumber}
              onChange={(e) => setIdnumber(e.target.value)}
              error={fieldError(error, 'idnumber', codeFields)}
              required
              maxLength={100}
              spellCheck={false}
            />
            <div className="span-2">
              <TextAreaField
                label="Description"
                value={description}
                onChange={(e) => setDescription(e.target.value)}
                error={fieldError(error, 'description', codeFields)}
                rows={2}
              />
            </div>
            <CheckboxField
              label="Allow manual purges"
              hint="Staff may purge a user with it by hand."
              checked={allowManual}
              onChange={(e) => setAllowManual(e.target.checked)}
              error={fieldError(error, 'allowManual', codeFields)}
            />
            <CheckboxField
              label="Allow automatic purges"
              hint={
                status === 'active'
                  ? 'Not for active users: automatic purges run only for suspended or deleted users.'
                  : `The scan purges ${status} users with it when it is their purge type.`
              }
              checked={status !== 'active' && allowAutomatic}
              disabled={status === 'active'}
              onChange={(e) => setAllowAutomatic(e.target.checked)}
              error={fieldError(error, 'allowAutomatic', codeFields)}
            />
          </div>
          <h2>Items</h2>
          <p className="muted">
            {plural(usable, 'item')} can be erased for {status} users. Items the status doesn't allow are
            shown disabled, with the reason.
          </p>
          <ItemPicker
            groups={groups}
            selected={new Set(modes.keys())}
            onChange={select}
            error={fieldError(error, 'items', codeFields)}
            renderExtra={(pick, checked) => {
              const item = byKey.get(pick.key);
              if (!item || pick.disabledReason || !checked) return null;
              return (
                <label className="inline-label">
                  <span className="visually-hidden">Mode for {item.title}</span>
                  <select
                    value={modes.get(item.key) ?? defaultMode(item)}
                    onChange={(e) => setModes((m) => new Map(m).set(item.key, e.target.value as EraseMode))}
                  >
                    {(['delete', 'anonymise'] as EraseMode[]).map((mode) => {
                      const a = modeAvailability(item, mode, status);
                      return (
                        <option key={mode} value={mode} disabled={!a.allowed}>
                          {modeLabels[mode]}
                          {a.allowed ? '' : ' (not allowed)'}
                        </option>
                      );
                    })}
                  </select>
                </label>
              );
            }}
          />
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy || readOnly}>
            {busy ? 'Saving…' : type ? 'Save' : 'Create purge type'}
          </button>
          <button type="button" className="button button-secondary" onClick={() => navigate('/purge-types')}>
            Cancel
          </button>
        </div>
      </form>
    </>
  );
}

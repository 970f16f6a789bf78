import { useState } from 'react';
import { exportTypesApi, itemsApi, requestsApi } from '../../api/endpoints';
import type { LetheRequest, Subject } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { fieldError, formLevelError } from '../../components/field-errors';
import { ItemPicker } from '../../components/item-picker';
import { Loading } from '../../components/loading';
import { useResource } from '../../hooks/use-resource';
import { plural } from '../../lib/format';
import { groupItems } from '../../lib/items';

interface NewExportDialogProps {
  subject: Subject;
  open: boolean;
  onClose: () => void;
  onQueued: (request: LetheRequest) => void;
}

const codeFields = {
  LETHE_E_TYPE_UNKNOWN: 'type',
  LETHE_E_ITEM_UNKNOWN: 'items',
  LETHE_E_EXPORT_OPEN: 'type',
};

/** Add an export: by an export type, or by choosing applications and items. */
export function NewExportDialog({ subject, open, onClose, onQueued }: NewExportDialogProps) {
  const data = useResource(
    'new-export',
    async () => {
      const [types, items] = await Promise.all([exportTypesApi.list(), itemsApi.list()]);
      return { types: types.exportTypes, items: items.items.filter((i) => i.export) };
    },
    { enabled: open },
  );
  const [by, setBy] = useState<'type' | 'items'>('type');
  const [typeId, setTypeId] = useState<number | null>(null);
  const [items, setItems] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [wasOpen, setWasOpen] = useState(false);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      setError(undefined);
      setItems(new Set());
    }
  }
  const types = data.data?.types ?? [];
  const chosenType = types.find((t) => t.id === typeId) ?? types[0];

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const request =
        by === 'type'
          ? await requestsApi.export({ subjectId: subject.id, type: chosenType?.id ?? '' })
          : await requestsApi.export({ subjectId: subject.id, items: [...items] });
      onQueued(request);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  const ready = by === 'type' ? chosenType !== undefined : items.size > 0;
  return (
    <Dialog
      open={open}
      title={`New export: ${subject.fullName || subject.username}`}
      onClose={onClose}
      busy={busy}
      size="large"
      footer={
        <>
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="button button-primary" onClick={submit} disabled={busy || !ready}>
            {busy ? 'Starting…' : 'Start export'}
          </button>
        </>
      }
    >
      {data.loading ? <Loading /> : null}
      <ErrorMessage error={data.error} />
      {data.data ? (
        <>
          <fieldset className="choice-list">
            <legend>What to export</legend>
            <label className={`choice${by === 'type' ? ' choice-selected' : ''}`}>
              <input type="radio" name="export-by" checked={by === 'type'} onChange={() => setBy('type')} />
              <span>
                <strong>An export type</strong>
                <span className="choice-help">A saved selection of items, such as everything.</span>
              </span>
            </label>
            <label className={`choice${by === 'items' ? ' choice-selected' : ''}`}>
              <input type="radio" name="export-by" checked={by === 'items'} onChange={() => setBy('items')} />
              <span>
                <strong>Applications or items</strong>
                <span className="choice-help">Pick what to include for this export only.</span>
              </span>
            </label>
          </fieldset>
          {by === 'type' ? (
            <div className="field">
              <label htmlFor="export-type">Export type</label>
              <select
                id="export-type"
                value={chosenType?.id ?? ''}
                onChange={(e) => setTypeId(Number(e.target.value))}
                aria-invalid={fieldError(error, 'type', codeFields) ? true : undefined}
                aria-describedby="export-type-help"
              >
                {types.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({plural(t.items.length, 'item')})
                  </option>
                ))}
              </select>
              <p className="field-hint" id="export-type-help">
                {chosenType?.description || 'Its items are exported into one ZIP file.'}
                {chosenType?.includeFiles ? ' Includes the user’s files.' : ''}
                {chosenType && chosenType.newItems.length > 0
                  ? ` ${plural(chosenType.newItems.length, 'new item')} will be left out until the type is saved again.`
                  : ''}
              </p>
              {fieldError(error, 'type', codeFields) ? (
                <p className="field-error">{fieldError(error, 'type', codeFields)}</p>
              ) : null}
            </div>
          ) : (
            <ItemPicker
              groups={groupItems(data.data.items).map((g) => ({
                key: g.component,
                label: g.label,
                items: g.items.map((i) => ({ key: i.key, title: i.title, help: i.help })),
              }))}
              selected={items}
              onChange={setItems}
              error={fieldError(error, 'items', codeFields)}
            />
          )}
        </>
      ) : null}
      <ErrorMessage error={formLevelError(error, ['type', 'items'], codeFields)} />
    </Dialog>
  );
}

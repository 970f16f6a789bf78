import { type FormEvent, useState } from 'react';
import { exportTypesApi, itemsApi } from '../../api/endpoints';
import type { ExportType, Item } from '../../api/types';
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
import { groupItems } from '../../lib/items';
import { navigate } from '../../router';
import { useSession } from '../../session';

const fields = ['idnumber', 'name', 'description', 'allowSelf', 'includeFiles', 'items'];
const codeFields = { LETHE_E_TYPE_DUPLICATE: 'idnumber', LETHE_E_ITEM_UNKNOWN: 'items' };

interface Values {
  idnumber: string;
  name: string;
  description: string;
  allowSelf: boolean;
  includeFiles: boolean;
  items: Set<string>;
}

function valuesOf(type: ExportType | undefined): Values {
  return {
    idnumber: type?.idnumber ?? '',
    name: type?.name ?? '',
    description: type?.description ?? '',
    allowSelf: type?.allowSelf ?? false,
    includeFiles: type?.includeFiles ?? false,
    items: new Set(type?.items ?? []),
  };
}

/** Create or edit an export type: its names, self-service and files, and its items grouped by component. */
export function ExportTypeFormPage({ id }: { id?: string }) {
  const data = useResource(`export-type-form:${id ?? 'new'}`, async () => {
    const [type, items] = await Promise.all([
      id ? exportTypesApi.get(Number(id)) : Promise.resolve(undefined),
      itemsApi.list(),
    ]);
    return { type, items: items.items.filter((i) => i.export) };
  });
  return (
    <>
      {data.loading ? <Loading /> : null}
      <ErrorMessage error={data.error} />
      {data.data ? <ExportTypeForm key={id ?? 'new'} type={data.data.type} items={data.data.items} /> : null}
    </>
  );
}

function ExportTypeForm({ type, items }: { type: ExportType | undefined; items: Item[] }) {
  const { can } = useSession();
  const toast = useToast();
  const [values, setValues] = useState<Values>(() => valuesOf(type));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const readOnly = !can('userdata:config');
  const isNew = new Set(type?.newItems ?? []);
  const set = <K extends keyof Values>(key: K, value: Values[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = {
      idnumber: values.idnumber.trim(),
      name: values.name,
      description: values.description,
      allowSelf: values.allowSelf,
      includeFiles: values.includeFiles,
      items: [...values.items],
    };
    try {
      if (type) {
        const { items: chosen, idnumber, ...rest } = body;
        await exportTypesApi.update(type.id, type.initial ? rest : { ...rest, idnumber, items: chosen });
        toast(`“${body.name}” saved.`);
      } else {
        await exportTypesApi.create(body);
        toast(`“${body.name}” created.`);
      }
      navigate('/export-types');
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const title = type ? `Edit “${type.name}”` : 'New export type';
  return (
    <>
      <PageHeader title={title} breadcrumbs={[{ label: 'Export types', to: '/export-types' }]} />
      {type && type.newItems.length > 0 ? (
        <Notice
          tone="info"
          title={`${plural(type.newItems.length, 'new item')} since this type was last saved`}
        >
          <p>
            They carry a <span className="new-label">New</span> label below and are not exported until you
            save. Select the ones to include, then save.
          </p>
        </Notice>
      ) : null}
      <ErrorMessage
        error={formLevelError(error, fields, codeFields)}
        title="The export type was not saved."
      />
      <form onSubmit={submit} noValidate className="card">
        <fieldset disabled={readOnly || busy}>
          <div className="form-grid">
            <TextField
              label="Name"
              value={values.name}
              onChange={(e) => set('name', e.target.value)}
              error={fieldError(error, 'name', codeFields)}
              required
              maxLength={255}
            />
            <TextField
              label="Idnumber"
              hint={
                type?.initial
                  ? 'The initial type’s idnumber can’t change.'
                  : 'A unique short name for scripts, such as “full”.'
              }
              value={values.idnumber}
              onChange={(e) => set('idnumber', e.target.value)}
              error={fieldError(error, 'idnumber', codeFields)}
              required
              readOnly={type?.initial}
              maxLength={100}
              spellCheck={false}
            />
            <div className="span-2">
              <TextAreaField
                label="Description"
                value={values.description}
                onChange={(e) => set('description', e.target.value)}
                error={fieldError(error, 'description', codeFields)}
                rows={2}
              />
            </div>
            <CheckboxField
              label="Offer for self-service"
              hint="People may export their own data with this type (when self-service exports are on in Settings)."
              checked={values.allowSelf}
              onChange={(e) => set('allowSelf', e.target.checked)}
              error={fieldError(error, 'allowSelf', codeFields)}
            />
            <CheckboxField
              label="Include files"
              hint="Add the person's files (attachments, uploads) to the ZIP."
              checked={values.includeFiles}
              onChange={(e) => set('includeFiles', e.target.checked)}
              error={fieldError(error, 'includeFiles', codeFields)}
            />
          </div>
          <h2>Items</h2>
          {type?.initial ? (
            <p className="muted">The initial export type always holds every item, including new ones.</p>
          ) : (
            <ItemPicker
              groups={groupItems(items).map((g) => ({
                key: g.component,
                label: g.label,
                items: g.items.map((i) => ({
                  key: i.key,
                  title: i.title,
                  help: i.help,
                  isNew: isNew.has(i.key),
                })),
              }))}
              selected={values.items}
              onChange={(next) => set('items', next)}
              error={fieldError(error, 'items', codeFields)}
            />
          )}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy || readOnly}>
            {busy ? 'Saving…' : type ? 'Save' : 'Create export type'}
          </button>
          <button type="button" className="button button-secondary" onClick={() => navigate('/export-types')}>
            Cancel
          </button>
        </div>
      </form>
    </>
  );
}

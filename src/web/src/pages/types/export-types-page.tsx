import { useState } from 'react';
import { exportTypesApi } from '../../api/endpoints';
import type { ExportType } from '../../api/types';
import { Badge, NewLabel } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { Notice } from '../../components/notice';
import { OptionsMenu } from '../../components/options-menu';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { useResource } from '../../hooks/use-resource';
import { formatDateTime, plural } from '../../lib/format';
import { Link, navigate } from '../../router';
import { useSession } from '../../session';

/** Export types: named selections of items to export. */
export function ExportTypesPage() {
  const { can } = useSession();
  const toast = useToast();
  const types = useResource('export-types', () => exportTypesApi.list());
  const [deleting, setDeleting] = useState<ExportType | null>(null);
  const canEdit = can('userdata:config');
  const withNew = types.data?.exportTypes.filter((t) => t.newItems.length > 0) ?? [];

  const duplicate = async (type: ExportType) => {
    try {
      const copy = await exportTypesApi.duplicate(type.id);
      toast(`“${copy.name}” created.`);
      navigate(`/export-types/${copy.id}`);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    }
  };

  return (
    <>
      <PageHeader
        title="Export types"
        description="Named selections of items to export. A type offered for self-service lets people export their own data with it."
        actions={
          canEdit ? (
            <Link to="/export-types/new" className="button button-primary">
              New export type
            </Link>
          ) : null
        }
      />
      {withNew.length > 0 ? (
        <Notice tone="info" title="New items are waiting.">
          <p>
            {plural(withNew.length, 'export type')} {withNew.length === 1 ? 'has' : 'have'} items added since{' '}
            {withNew.length === 1 ? 'it was' : 'they were'} last saved. They are ignored until the type is
            saved again: open it, choose, and save.
          </p>
        </Notice>
      ) : null}
      {types.loading ? <Loading /> : null}
      <ErrorMessage error={types.error} />
      {types.data ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Idnumber</th>
                <th scope="col" className="num">
                  Items
                </th>
                <th scope="col">Self-service</th>
                <th scope="col">Files</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Options</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {types.data.exportTypes.map((t) => (
                <tr key={t.id}>
                  <th scope="row">
                    <Link to={`/export-types/${t.id}`}>{t.name}</Link>{' '}
                    {t.initial ? <Badge tone="neutral">Initial</Badge> : null}{' '}
                    {t.newItems.length > 0 ? (
                      <NewLabel title={`${plural(t.newItems.length, 'new item')}`} />
                    ) : null}
                  </th>
                  <td className="code">{t.idnumber}</td>
                  <td className="num">{t.items.length}</td>
                  <td>
                    {t.allowSelf ? <Badge tone="success">Offered</Badge> : <span className="muted">No</span>}
                  </td>
                  <td>{t.includeFiles ? 'Included' : <span className="muted">No</span>}</td>
                  <td>{formatDateTime(t.updatedAt)}</td>
                  <td className="col-actions">
                    <OptionsMenu
                      label={`Options for ${t.name}`}
                      items={[
                        {
                          label: canEdit ? 'Edit' : 'View',
                          onSelect: () => navigate(`/export-types/${t.id}`),
                        },
                        {
                          label: 'Duplicate',
                          onSelect: () => void duplicate(t),
                          disabled: !canEdit,
                          reason: 'Needs the capability to configure.',
                        },
                        {
                          label: 'Delete',
                          onSelect: () => setDeleting(t),
                          disabled: t.initial || !canEdit,
                          reason: t.initial
                            ? 'The initial export type can’t be deleted: one must always exist.'
                            : 'Needs the capability to configure.',
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
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete export type"
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await exportTypesApi.remove(deleting.id);
          toast(`“${deleting.name}” deleted.`);
          setDeleting(null);
          types.reload();
        }}
      >
        <p>Exports already made with it are kept. It won't be offered for new exports.</p>
      </ConfirmDialog>
    </>
  );
}

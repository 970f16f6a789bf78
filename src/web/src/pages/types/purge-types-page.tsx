import { useState } from 'react';
import { purgeTypesApi } from '../../api/endpoints';
import type { PurgeType } from '../../api/types';
import { Badge, NewLabel, SubjectStatusBadge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { EmptyState, Notice } from '../../components/notice';
import { OptionsMenu } from '../../components/options-menu';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { useResource } from '../../hooks/use-resource';
import { formatDateTime, plural } from '../../lib/format';
import { purgeTypeInUseReason } from '../../lib/purge-usage';
import { Link, navigate } from '../../router';
import { useSession } from '../../session';

function usageText(t: PurgeType): string {
  const parts: string[] = [];
  if (t.inUse.default) parts.push(`default for ${t.inUse.default}`);
  if (t.inUse.subjects > 0) parts.push(plural(t.inUse.subjects, 'user'));
  if (t.inUse.openRequests > 0) parts.push(plural(t.inUse.openRequests, 'open purge'));
  return parts.join(', ');
}

/** Purge types: named selections of items to erase, each with its mode, for users of one status. */
export function PurgeTypesPage() {
  const { can } = useSession();
  const toast = useToast();
  const types = useResource('purge-types', () => purgeTypesApi.list());
  const [confirm, setConfirm] = useState<{ kind: 'delete' | 'reapply'; type: PurgeType } | null>(null);
  const canEdit = can('userdata:config');
  const list = types.data?.purgeTypes ?? [];
  const withNew = list.filter((t) => t.newItems.length > 0);

  const duplicate = async (type: PurgeType) => {
    try {
      const copy = await purgeTypesApi.duplicate(type.id);
      toast(`“${copy.name}” created.`);
      navigate(`/purge-types/${copy.id}`);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    }
  };

  return (
    <>
      <PageHeader
        title="Purge types"
        description="What to erase, item by item, and how: delete or anonymize. Each type is for users of one status."
        actions={
          canEdit ? (
            <Link to="/purge-types/new" className="button button-primary">
              New purge type
            </Link>
          ) : null
        }
      />
      {withNew.length > 0 ? (
        <Notice tone="info" title="New items are waiting.">
          <p>
            {plural(withNew.length, 'purge type')} {withNew.length === 1 ? 'has' : 'have'} items added since
            last saved. They are not purged until the type is saved again.
          </p>
        </Notice>
      ) : null}
      {types.loading ? <Loading /> : null}
      <ErrorMessage error={types.error} />
      {types.data && list.length === 0 ? (
        <EmptyState title="No purge type yet.">
          <p>Create one to purge users by hand, or automatically when they are suspended or deleted.</p>
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">For users who are</th>
                <th scope="col" className="num">
                  Items
                </th>
                <th scope="col">Use</th>
                <th scope="col">In use</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Options</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => {
                const inUse = purgeTypeInUseReason(t.inUse);
                return (
                  <tr key={t.id}>
                    <th scope="row">
                      <Link to={`/purge-types/${t.id}`}>{t.name}</Link>{' '}
                      {t.newItems.length > 0 ? (
                        <NewLabel title={plural(t.newItems.length, 'new item')} />
                      ) : null}
                      <span className="cell-sub code">{t.idnumber}</span>
                    </th>
                    <td>
                      <SubjectStatusBadge status={t.status} />
                    </td>
                    <td className="num">{t.items.length}</td>
                    <td>
                      <span className="badge-row">
                        {t.allowManual ? <Badge tone="neutral">Manual</Badge> : null}
                        {t.allowAutomatic ? <Badge tone="accent">Automatic</Badge> : null}
                      </span>
                    </td>
                    <td className="small wrap">{usageText(t) || <span className="muted">No</span>}</td>
                    <td>{formatDateTime(t.updatedAt)}</td>
                    <td className="col-actions">
                      <OptionsMenu
                        label={`Options for ${t.name}`}
                        items={[
                          {
                            label: canEdit ? 'Edit' : 'View',
                            onSelect: () => navigate(`/purge-types/${t.id}`),
                          },
                          {
                            label: 'Duplicate',
                            onSelect: () => void duplicate(t),
                            disabled: !canEdit,
                            reason: 'Needs the capability to configure.',
                          },
                          {
                            label: 'Reapply',
                            onSelect: () => setConfirm({ kind: 'reapply', type: t }),
                            disabled: !canEdit || !t.allowAutomatic,
                            reason: !canEdit
                              ? 'Needs the capability to configure.'
                              : 'Only automatic purge types are reapplied by the scan.',
                          },
                          {
                            label: 'Delete',
                            onSelect: () => setConfirm({ kind: 'delete', type: t }),
                            disabled: inUse !== null || !canEdit,
                            reason: inUse ?? 'Needs the capability to configure.',
                            danger: true,
                          },
                        ]}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <ConfirmDialog
        open={confirm !== null}
        title={
          confirm?.kind === 'delete'
            ? `Delete “${confirm.type.name}”?`
            : `Reapply “${confirm?.type.name ?? ''}”?`
        }
        confirmLabel={confirm?.kind === 'delete' ? 'Delete purge type' : 'Reapply'}
        danger={confirm?.kind === 'delete'}
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          if (!confirm) return;
          if (confirm.kind === 'delete') {
            await purgeTypesApi.remove(confirm.type.id);
            toast(`“${confirm.type.name}” deleted.`);
          } else {
            await purgeTypesApi.reapply(confirm.type.id);
            toast(`“${confirm.type.name}” will be applied again at the next scan.`);
          }
          setConfirm(null);
          types.reload();
        }}
      >
        {confirm?.kind === 'delete' ? (
          <p>Purges already made with it stay in the reports.</p>
        ) : (
          <p>
            Users this type has already purged become due again, and the next automatic scan purges them once
            more (for example, to erase items added since).
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}

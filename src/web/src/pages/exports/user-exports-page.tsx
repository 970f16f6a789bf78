import { useEffect, useRef, useState } from 'react';
import { downloadHref, exportTypesApi, requestsApi, subjectsApi } from '../../api/endpoints';
import type { RequestSummary } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DownloadLink, useDownloadRefusal } from '../../components/download-link';
import { ErrorMessage } from '../../components/error-message';
import { LiveIndicator } from '../../components/live-indicator';
import { Loading } from '../../components/loading';
import { EmptyState } from '../../components/notice';
import { OptionsMenu } from '../../components/options-menu';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { useLiveResource } from '../../hooks/use-live-resource';
import { useResource } from '../../hooks/use-resource';
import { formatBytes, formatDateTime, humanize } from '../../lib/format';
import { Link, navigate } from '../../router';
import { RequestProgress } from '../requests/request-progress';
import { NewExportDialog } from './new-export-dialog';

const isOpen = (r: RequestSummary) => r.status === 'pending' || r.status === 'running';

/** Export personal data: a user's exports, a new one, live progress, and downloads from each Options menu. */
export function UserExportsPage({ id }: { id: string }) {
  const toast = useToast();
  const downloadRefusal = useDownloadRefusal();
  const [dialog, setDialog] = useState(false);
  const [confirm, setConfirm] = useState<{ kind: 'cancel' | 'delete'; request: RequestSummary } | null>(null);
  const subject = useResource(`subject:${id}`, () => subjectsApi.get(id));
  const types = useResource('export-types', () => exportTypesApi.list());
  const exports = useLiveResource(
    `exports:${id}`,
    () => requestsApi.list({ kind: 'export', subjectId: id, limit: 50 }),
    { isOpen: (page) => page.requests.some(isOpen), activeMs: 1500 },
  );
  // Say so when an export that was open here ends, ready or failed (the toaster is a polite live region).
  const wasOpen = useRef<Set<number> | null>(null);
  useEffect(() => {
    const requests = exports.data?.requests;
    if (!requests) return;
    const before = wasOpen.current;
    wasOpen.current = new Set(requests.filter(isOpen).map((r) => r.id));
    if (!before) return;
    for (const r of requests) {
      if (!before.has(r.id) || isOpen(r)) continue;
      if (r.status === 'succeeded') toast(`Export #${r.id} is ready to download.`);
      else if (r.status === 'failed' || r.status === 'timed-out') {
        toast(`Export #${r.id} ${humanize(r.status).toLowerCase()}: see its details.`, 'error');
      }
    }
  }, [exports.data, toast]);
  const s = subject.data;
  const name = s ? s.fullName || s.username : id;
  const typeOf = (r: RequestSummary) => types.data?.exportTypes.find((t) => t.id === r.exportTypeId);
  const blocking = exports.data?.requests.find((r) => isOpen(r) || downloadHref(r) !== null);

  return (
    <>
      <PageHeader
        title="Export personal data"
        description={`Exports of ${name}'s data, each one ZIP file with a readable report.`}
        breadcrumbs={[
          { label: 'Users', to: '/users' },
          { label: name, to: `/users/${encodeURIComponent(id)}` },
        ]}
        actions={
          <>
            {exports.data ? <LiveIndicator live={exports.live} /> : null}
            <button
              type="button"
              className="button button-primary"
              onClick={() => setDialog(true)}
              disabled={!s || blocking !== undefined}
              aria-describedby={blocking ? 'export-one-at-a-time' : undefined}
            >
              Add export
            </button>
          </>
        }
      />
      {blocking ? (
        <p className="muted small" id="export-one-at-a-time">
          One export per user at a time:{' '}
          {isOpen(blocking) ? 'wait for the current one to finish' : 'delete the available package first'}.
        </p>
      ) : null}
      <ErrorMessage error={subject.error} />
      {exports.loading ? <Loading /> : null}
      <ErrorMessage error={exports.error} title="The exports could not be loaded." />
      {exports.data && exports.data.requests.length === 0 ? (
        <EmptyState title="No export yet.">
          <p>Use “Add export” to export this user’s data.</p>
        </EmptyState>
      ) : null}
      {exports.data && exports.data.requests.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Export</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Requested</th>
                <th scope="col">Package</th>
                <th scope="col">
                  <span className="visually-hidden">Options</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {exports.data.requests.map((r) => {
                const href = downloadHref(r);
                const type = typeOf(r);
                return (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/requests/${r.id}`}>#{r.id}</Link>
                      <span className="cell-sub">{humanize(r.origin)}</span>
                    </td>
                    <td className="wrap">{type?.name ?? r.typeIdnumber ?? 'Chosen items'}</td>
                    <td>
                      <RequestProgress request={r} />
                    </td>
                    <td>{formatDateTime(r.createdAt)}</td>
                    <td>
                      {formatBytes(r.package?.size)}
                      {href && r.package?.expiresAt ? (
                        <span className="cell-sub">until {formatDateTime(r.package.expiresAt)}</span>
                      ) : null}
                    </td>
                    <td className="col-actions">
                      {href ? (
                        <DownloadLink
                          className="button button-secondary button-small row-action"
                          href={href}
                          compact
                        >
                          Download<span className="visually-hidden"> export {r.id}</span>
                        </DownloadLink>
                      ) : null}
                      <OptionsMenu
                        label={`Options for export ${r.id}`}
                        items={[
                          {
                            label: 'Download',
                            href: downloadRefusal ? undefined : (href ?? undefined),
                            download: true,
                            disabled: !href || downloadRefusal !== undefined,
                            reason:
                              downloadRefusal ??
                              (isOpen(r) ? 'Not ready yet.' : 'The package is no longer available.'),
                          },
                          { label: 'View details', onSelect: () => navigate(`/requests/${r.id}`) },
                          {
                            label: 'Cancel',
                            onSelect: () => setConfirm({ kind: 'cancel', request: r }),
                            hidden: !isOpen(r),
                          },
                          {
                            label: 'Delete package',
                            onSelect: () => setConfirm({ kind: 'delete', request: r }),
                            hidden: !href,
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
      {s ? (
        <NewExportDialog
          subject={s}
          open={dialog}
          onClose={() => setDialog(false)}
          onQueued={(request) => {
            setDialog(false);
            toast(`Export #${request.id} started.`);
            exports.reload();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={confirm !== null}
        title={
          confirm?.kind === 'cancel' ? `Cancel export #${confirm.request.id}?` : 'Delete the export package?'
        }
        confirmLabel={confirm?.kind === 'cancel' ? 'Cancel export' : 'Delete package'}
        danger={confirm?.kind === 'delete'}
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          if (!confirm) return;
          if (confirm.kind === 'cancel') await requestsApi.cancel(confirm.request.id);
          else await requestsApi.deletePackage(confirm.request.id);
          toast(confirm.kind === 'cancel' ? 'Export cancelled.' : 'Export package deleted.');
          setConfirm(null);
          exports.reload();
        }}
      >
        <p>
          {confirm?.kind === 'cancel'
            ? 'The export stops before its next item, and no package is made.'
            : 'The ZIP file is deleted and its download link stops working. A new export can then be made.'}
        </p>
      </ConfirmDialog>
    </>
  );
}

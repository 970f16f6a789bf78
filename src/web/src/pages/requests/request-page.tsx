import { useState } from 'react';
import { downloadHref, requestsApi } from '../../api/endpoints';
import type { LetheRequest } from '../../api/types';
import { Badge, ItemStatusBadge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DownloadLink } from '../../components/download-link';
import { ErrorMessage } from '../../components/error-message';
import { LiveIndicator } from '../../components/live-indicator';
import { Loading } from '../../components/loading';
import { EmptyState, Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { useLiveResource } from '../../hooks/use-live-resource';
import {
  formatActor,
  formatBytes,
  formatDateTime,
  formatDuration,
  formatNumber,
  humanize,
} from '../../lib/format';
import { Link } from '../../router';
import { useSession } from '../../session';
import { RequestProgress } from './request-progress';

const isOpen = (r: LetheRequest) => r.status === 'pending' || r.status === 'running';

/** One request: its details, live progress, and the result of each item. */
export function RequestPage({ id }: { id: string }) {
  const { can } = useSession();
  const toast = useToast();
  const [confirm, setConfirm] = useState<'cancel' | 'delete' | null>(null);
  const requestId = Number(id);
  const request = useLiveResource(`request:${id}`, () => requestsApi.get(requestId), {
    isOpen,
    activeMs: 1500,
  });
  const r = request.data;
  const title = r ? `${r.dryRun ? 'Dry run' : humanize(r.kind)} #${r.id}` : `Request #${id}`;
  const href = r ? downloadHref(r) : null;
  const failed = r?.items.filter((i) => i.status === 'error' || i.status === 'timed-out') ?? [];
  const reportPath = r?.kind === 'export' ? '/reports/exports' : '/reports/purges';
  return (
    <>
      <PageHeader
        title={title}
        breadcrumbs={[
          { label: 'Reports', to: reportPath },
          ...(r ? [{ label: r.subjectId, to: `/users/${encodeURIComponent(r.subjectId)}` }] : []),
        ]}
        actions={
          r ? (
            <>
              {isOpen(r) || request.live.paused ? <LiveIndicator live={request.live} /> : null}
              {href ? (
                <DownloadLink className="button button-primary" href={href}>
                  Download export
                </DownloadLink>
              ) : null}
              {isOpen(r) ? (
                <button
                  type="button"
                  className="button button-secondary"
                  onClick={() => setConfirm('cancel')}
                  disabled={!can(r.kind === 'export' ? 'userdata:exportother' : 'userdata:purgemanual')}
                >
                  Cancel request
                </button>
              ) : null}
              {href ? (
                <button
                  type="button"
                  className="button button-danger-outline"
                  onClick={() => setConfirm('delete')}
                >
                  Delete package
                </button>
              ) : null}
            </>
          ) : null
        }
      />
      {request.loading ? <Loading /> : null}
      <ErrorMessage error={request.error} title="The request could not be loaded." />
      {r ? (
        <>
          {r.dryRun ? (
            <Notice tone="info" title="This was a dry run.">
              <p>The counts say what would have been erased. Nothing was changed.</p>
            </Notice>
          ) : null}
          {r.error ? (
            <Notice
              tone="error"
              title={`The request ${r.status === 'cancelled' ? 'was cancelled' : 'did not complete'}.`}
            >
              <p>{r.error}</p>
            </Notice>
          ) : null}
          <section className="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading">Summary</h2>
            <div className="grid-2">
              <dl className="details">
                <dt>Status</dt>
                <dd>
                  <RequestProgress request={r} />
                </dd>
                <dt>User</dt>
                <dd>
                  <Link to={`/users/${encodeURIComponent(r.subjectId)}`}>{r.subjectId}</Link>{' '}
                  <span className="muted small">({r.subjectStatus} when requested)</span>
                </dd>
                <dt>Type</dt>
                <dd className="code">{r.typeIdnumber ?? (r.plan ? 'Chosen items' : '–')}</dd>
                <dt>Origin</dt>
                <dd>{humanize(r.origin)}</dd>
                <dt>Requested by</dt>
                <dd>{formatActor(r.requestedBy)}</dd>
              </dl>
              <dl className="details">
                <dt>Requested</dt>
                <dd>{formatDateTime(r.createdAt)}</dd>
                <dt>Started</dt>
                <dd>{formatDateTime(r.startedAt)}</dd>
                <dt>Finished</dt>
                <dd>{formatDateTime(r.finishedAt)}</dd>
                <dt>Attempts</dt>
                <dd>
                  {r.attempts} of {r.maxAttempts}
                </dd>
                {r.package ? (
                  <>
                    <dt>Package</dt>
                    <dd>
                      {r.package.size !== null ? formatBytes(r.package.size) : '–'}
                      {r.package.expiresAt ? `, available until ${formatDateTime(r.package.expiresAt)}` : ''}
                    </dd>
                    {r.package.sha256 ? (
                      <>
                        <dt>SHA-256</dt>
                        <dd className="code small wrap">{r.package.sha256}</dd>
                      </>
                    ) : null}
                  </>
                ) : null}
              </dl>
            </div>
          </section>
          <section className="card" aria-labelledby="items-heading">
            <div className="card-header">
              <h2 id="items-heading">Result of each item</h2>
              {failed.length > 0 ? <Badge tone="danger">{formatNumber(failed.length)} failed</Badge> : null}
            </div>
            {r.items.length === 0 ? (
              <EmptyState title={isOpen(r) ? 'No item has finished yet.' : 'This request ran no item.'} />
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Item</th>
                      <th scope="col">Mode</th>
                      <th scope="col">Result</th>
                      <th scope="col" className="num">
                        Records
                      </th>
                      <th scope="col" className="num">
                        Time
                      </th>
                      <th scope="col">Message</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.items.map((item) => (
                      <tr key={`${item.itemKey}-${item.mode}`}>
                        <th scope="row" className="code">
                          {item.itemKey}
                        </th>
                        <td>{humanize(item.mode === 'anonymise' ? 'anonymize' : item.mode)}</td>
                        <td>
                          <ItemStatusBadge status={item.status} />
                        </td>
                        <td className="num">{formatNumber(item.count)}</td>
                        <td className="num">{formatDuration(item.durationMs)}</td>
                        <td className="wrap">{item.message ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <ConfirmDialog
            open={confirm === 'cancel'}
            title={`Cancel request #${r.id}?`}
            confirmLabel="Cancel request"
            onClose={() => setConfirm(null)}
            onConfirm={async () => {
              await requestsApi.cancel(r.id);
              setConfirm(null);
              toast(`Request ${r.id} cancelled.`);
              request.reload();
            }}
          >
            <p>
              A running request stops before its next item; the items not yet run are marked cancelled. Items
              that already finished stay done.
            </p>
          </ConfirmDialog>
          <ConfirmDialog
            open={confirm === 'delete'}
            title="Delete the export package?"
            confirmLabel="Delete package"
            danger
            onClose={() => setConfirm(null)}
            onConfirm={async () => {
              await requestsApi.deletePackage(r.id);
              setConfirm(null);
              toast('The export package was deleted.');
              request.reload();
            }}
          >
            <p>
              The ZIP file is deleted and its download link stops working. A new export can then be made for
              this user.
            </p>
          </ConfirmDialog>
        </>
      ) : null}
    </>
  );
}

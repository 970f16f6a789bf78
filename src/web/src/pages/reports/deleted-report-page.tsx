import { useRef, useState } from 'react';
import { reportCsvHref, reportsApi, subjectsApi } from '../../api/endpoints';
import type { DeletedReportRow, Subject } from '../../api/types';
import { Badge } from '../../components/badge';
import { ErrorMessage } from '../../components/error-message';
import { LiveIndicator } from '../../components/live-indicator';
import { Loading } from '../../components/loading';
import { EmptyState } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { Pager, pagingFrom } from '../../components/pager';
import { useToast } from '../../components/toaster';
import { useFocusRescue } from '../../hooks/use-focus-rescue';
import { useLiveResource } from '../../hooks/use-live-resource';
import { formatDateTime } from '../../lib/format';
import { Link, navigate, useQueryState } from '../../router';
import { useSession } from '../../session';
import { PurgeDialog } from '../users/purge-dialog';
import { reportQueryOf } from './report-query';
import { ReportTabs } from './report-tabs';
import { SortHeader } from './sort-header';

/** Deleted users: legacy ones (deleted before Lethe managed them) marked, whether purged, and a purge action. */
export function DeletedReportPage() {
  const { can } = useSession();
  const toast = useToast();
  const [search, setQuery] = useQueryState();
  const { offset, limit } = pagingFrom(search);
  const query = reportQueryOf(search);
  const [purging, setPurging] = useState<Subject | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  // A row's Purge button is disabled by a refresh that shows its purge running: focus must not fall to <body>.
  const tableRef = useRef<HTMLDivElement>(null);
  useFocusRescue(tableRef);
  // While a purge of someone on this page is open, the page refreshes by itself (filters, page and focus stay).
  const page = useLiveResource(
    `deleted:${JSON.stringify({ ...query, offset, limit })}`,
    () => reportsApi.deleted({ ...query, limit, offset }),
    { isOpen: (data) => data.rows.some((r) => r.openPurgeRequestId !== null) },
  );
  const change = (key: string) => (e: { target: { value: string } }) =>
    setQuery({ [key]: e.target.value, offset: null });
  const sortProps = {
    sort: search.get('sort') ?? '',
    defaultSort: 'deletedAt:desc',
    onSort: (s: string) => setQuery({ sort: s, offset: null }),
  };
  const purge = async (row: DeletedReportRow) => {
    setOpening(row.subjectId);
    try {
      setPurging(await subjectsApi.get(row.subjectId));
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    } finally {
      setOpening(null);
    }
  };

  return (
    <>
      <PageHeader
        title="Reports: deleted users"
        description="Users the applications deleted, and whether they were purged. Legacy users were deleted before Lethe managed them: they are never purged automatically, so purge them here."
        actions={page.data ? <LiveIndicator live={page.live} /> : null}
      />
      <ReportTabs />
      <div className="filters">
        <div className="filter">
          <label htmlFor="d-legacy">Legacy</label>
          <select id="d-legacy" value={search.get('legacy') ?? ''} onChange={change('legacy')}>
            <option value="">All deleted users</option>
            <option value="true">Legacy only</option>
            <option value="false">Not legacy</option>
          </select>
        </div>
        <div className="filter">
          <label htmlFor="d-status">Purged</label>
          <select id="d-status" value={search.get('status') ?? ''} onChange={change('status')}>
            <option value="">Purged or not</option>
            <option value="purged">Purged</option>
            <option value="not-purged">Not purged</option>
          </select>
        </div>
        <div className="filter">
          <label htmlFor="d-kind">Kind</label>
          <input
            id="d-kind"
            value={search.get('kind') ?? ''}
            onChange={change('kind')}
            placeholder="Any kind"
          />
        </div>
        <div className="filter">
          <label htmlFor="d-from">Deleted from</label>
          <input id="d-from" type="date" value={search.get('from') ?? ''} onChange={change('from')} />
        </div>
        <div className="filter">
          <label htmlFor="d-to">To</label>
          <input id="d-to" type="date" value={search.get('to') ?? ''} onChange={change('to')} />
        </div>
        <div className="filter filter-actions">
          <a className="button button-secondary" href={reportCsvHref('deleted', query)} download>
            Download CSV
          </a>
        </div>
      </div>
      {page.loading ? <Loading /> : null}
      <ErrorMessage error={page.error} />
      {page.data && page.data.rows.length === 0 ? <EmptyState title="No deleted user matches." /> : null}
      {page.data && page.data.rows.length > 0 ? (
        <div className="table-wrap" ref={tableRef}>
          <table className="table">
            <caption className="visually-hidden">Deleted users, sortable by column</caption>
            <thead>
              <tr>
                <SortHeader column="fullName" {...sortProps}>
                  User
                </SortHeader>
                <SortHeader column="kind" {...sortProps}>
                  Kind
                </SortHeader>
                <SortHeader column="deletedAt" {...sortProps}>
                  Deleted
                </SortHeader>
                <SortHeader column="type" {...sortProps}>
                  Purge type
                </SortHeader>
                <SortHeader column="lastPurgedAt" {...sortProps}>
                  Purged
                </SortHeader>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.rows.map((r) => (
                <tr key={r.subjectId}>
                  <td>
                    <Link to={`/users/${encodeURIComponent(r.subjectId)}`}>{r.fullName || r.username}</Link>{' '}
                    {r.legacy ? <Badge tone="warning">Legacy</Badge> : null}
                  </td>
                  <td>{r.kind}</td>
                  <td>{formatDateTime(r.deletedAt)}</td>
                  <td className="wrap">
                    {r.typeName ?? <span className="muted">None</span>}
                    {r.typeSource === 'default' ? <span className="small muted"> (default)</span> : null}
                  </td>
                  <td>
                    {r.openPurgeRequestId ? (
                      <Link to={`/requests/${r.openPurgeRequestId}`}>In progress</Link>
                    ) : r.purged && r.lastPurgeRequestId ? (
                      <Link to={`/requests/${r.lastPurgeRequestId}`}>{formatDateTime(r.lastPurgedAt)}</Link>
                    ) : (
                      <Badge tone="warning">Not purged</Badge>
                    )}
                  </td>
                  <td className="col-actions">
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      onClick={() => void purge(r)}
                      disabled={
                        !can('userdata:purgemanual') ||
                        opening === r.subjectId ||
                        r.openPurgeRequestId !== null
                      }
                    >
                      Purge<span className="visually-hidden"> {r.fullName || r.username}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page.data ? (
        <Pager
          total={page.data.total}
          offset={offset}
          limit={limit}
          noun="deleted users"
          onChange={(o, l) => setQuery({ offset: o || null, limit: l === 25 ? null : l })}
        />
      ) : null}
      {purging ? (
        <PurgeDialog
          subject={purging}
          open
          onClose={() => setPurging(null)}
          onQueued={(request) => {
            setPurging(null);
            toast(`Purge queued (request ${request.id}).`);
            navigate(`/requests/${request.id}`);
          }}
        />
      ) : null}
    </>
  );
}

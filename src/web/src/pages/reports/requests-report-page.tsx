import { exportTypesApi, purgeTypesApi, reportCsvHref, reportsApi } from '../../api/endpoints';
import type { ExportReportRow, PurgeReportRow, RequestStatus } from '../../api/types';
import { Badge, RequestStatusBadge } from '../../components/badge';
import { ErrorMessage } from '../../components/error-message';
import { LiveIndicator } from '../../components/live-indicator';
import { Loading } from '../../components/loading';
import { EmptyState } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { Pager, pagingFrom } from '../../components/pager';
import { useLiveResource } from '../../hooks/use-live-resource';
import { useResource } from '../../hooks/use-resource';
import { formatBytes, formatDateTime, humanize, plural } from '../../lib/format';
import { Link, useQueryState } from '../../router';
import { reportQueryOf } from './report-query';
import { ReportTabs } from './report-tabs';
import { RequestFilters } from './request-filters';
import { SortHeader } from './sort-header';

type Kind = 'exports' | 'purges';
type Row = ExportReportRow | PurgeReportRow;

const isOpen = (row: Row) => row.status === 'pending' || row.status === 'running';

function itemSummary(row: PurgeReportRow): string {
  const failed = row.items.filter((i) => i.status === 'error' || i.status === 'timed-out').length;
  const records = row.items.reduce((sum, i) => sum + i.count, 0);
  return `${plural(row.items.length, 'item')}, ${plural(records, 'record')}${failed ? `, ${failed} failed` : ''}`;
}

/** The exports or purges report: filters, sort, paging, CSV; each purge opens to the result of each item. */
export function RequestsReportPage({ kind }: { kind: Kind }) {
  const [search, setQuery] = useQueryState();
  const { offset, limit } = pagingFrom(search);
  const query = reportQueryOf(search);
  const types = useResource(`report-types:${kind}`, async () =>
    kind === 'exports'
      ? (await exportTypesApi.list()).exportTypes.map((t) => ({ value: t.idnumber, name: t.name }))
      : [
          ...(await purgeTypesApi.list()).purgeTypes.map((t) => ({
            value: t.idnumber,
            name: `${t.name} (${t.status})`,
          })),
          { value: 'none', name: 'No type (chosen items)' },
        ],
  );
  // While a request on this page is open, the page refreshes by itself (filters, page and focus stay).
  const page = useLiveResource<{ total: number; rows: Row[] }>(
    `report:${kind}:${JSON.stringify({ ...query, offset, limit })}`,
    () =>
      kind === 'exports'
        ? reportsApi.exports({ ...query, limit, offset })
        : reportsApi.purges({ ...query, limit, offset }),
    { isOpen: (data) => data.rows.some(isOpen) },
  );
  const sort = search.get('sort') ?? '';
  const sortProps = {
    sort,
    defaultSort: 'createdAt:desc',
    onSort: (s: string) => setQuery({ sort: s, offset: null }),
  };
  const statuses: RequestStatus[] =
    kind === 'exports'
      ? ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'timed-out', 'expired']
      : ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'timed-out'];
  const title = kind === 'exports' ? 'Exports' : 'Purges';

  return (
    <>
      <PageHeader
        title={`Reports: ${title.toLowerCase()}`}
        description={
          kind === 'exports'
            ? 'Every export of personal data: of whom, by whom, and what became of the file.'
            : 'Every purge, manual or automatic, and dry runs. Open one to see the result of each item.'
        }
        actions={page.data ? <LiveIndicator live={page.live} /> : null}
      />
      <ReportTabs />
      <RequestFilters
        search={search}
        set={setQuery}
        types={types.data ?? []}
        statuses={statuses}
        csvHref={reportCsvHref(kind, query)}
        dryRun={kind === 'purges'}
      />
      {page.loading ? <Loading /> : null}
      <ErrorMessage error={page.error} title="The report could not be loaded." />
      {page.data && page.data.rows.length === 0 ? (
        <EmptyState title={`No ${kind.slice(0, -1)} matches these filters.`} />
      ) : null}
      {page.data && page.data.rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{title}, sortable by column</caption>
            <thead>
              <tr>
                <SortHeader column="id" {...sortProps}>
                  Request
                </SortHeader>
                <SortHeader column="fullName" {...sortProps}>
                  User
                </SortHeader>
                <SortHeader column="type" {...sortProps}>
                  Type
                </SortHeader>
                <SortHeader column="origin" {...sortProps}>
                  Origin
                </SortHeader>
                <SortHeader column="status" {...sortProps}>
                  Status
                </SortHeader>
                <SortHeader column="createdAt" {...sortProps}>
                  Requested
                </SortHeader>
                {kind === 'exports' ? (
                  <SortHeader column="fileSize" {...sortProps}>
                    File
                  </SortHeader>
                ) : (
                  <th scope="col">Result</th>
                )}
              </tr>
            </thead>
            <tbody>
              {page.data.rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/requests/${r.id}`}>#{r.id}</Link>{' '}
                    {'dryRun' in r && r.dryRun ? <Badge tone="info">Dry run</Badge> : null}
                  </td>
                  <td>
                    <Link to={`/users/${encodeURIComponent(r.subjectId)}`}>
                      {r.fullName || r.username || r.subjectId}
                    </Link>
                  </td>
                  <td className="wrap">
                    {r.typeName ??
                      (r.typeIdnumber ? <span className="code">{r.typeIdnumber}</span> : 'Chosen items')}
                  </td>
                  <td className="wrap">{humanize(r.origin)}</td>
                  <td>
                    <RequestStatusBadge status={r.status} />
                  </td>
                  <td>{formatDateTime(r.createdAt)}</td>
                  {'fileSize' in r ? (
                    <td>
                      {formatBytes(r.fileSize)}
                      {r.available && r.expiresAt ? (
                        <span className="cell-sub">until {formatDateTime(r.expiresAt)}</span>
                      ) : null}
                    </td>
                  ) : 'items' in r ? (
                    <td className="small wrap">
                      <Link to={`/requests/${r.id}`}>{itemSummary(r)}</Link>
                    </td>
                  ) : null}
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
          noun={title.toLowerCase()}
          onChange={(o, l) => setQuery({ offset: o ? String(o) : null, limit: l === 25 ? null : String(l) })}
        />
      ) : null}
    </>
  );
}

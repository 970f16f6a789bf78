import { useState } from 'react';
import { Badge, RequestStatusBadge } from '../../components/badge';
import { ErrorMessage } from '../../components/error-message';
import { LiveIndicator } from '../../components/live-indicator';
import { Loading } from '../../components/loading';
import { EmptyState } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { useLiveResource } from '../../hooks/use-live-resource';
import { loadDashboard } from '../../lib/dashboard-from-requests';
import { formatAge, formatDateTime, formatNumber, humanize } from '../../lib/format';
import { Link } from '../../router';
import { lastDays, RequestsChart } from './requests-chart';

const ranges = [7, 30, 90];

/** What needs attention: requests over time, open requests and their age, failed items, purges due. */
export function DashboardPage() {
  const [days, setDays] = useState(30);
  // Refreshes every few seconds while requests are open, and less and less often while none is.
  const dashboard = useLiveResource(`dashboard:${days}`, () => loadDashboard(days), {
    isOpen: (d) => (d.openTotal ?? d.openRequests.length) > 0,
    activeMs: 3000,
  });
  const data = dashboard.data;
  const dayList = lastDays(days);
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Requests over time, what is still open, what failed, and who is due a purge."
        actions={
          <>
            {data ? <LiveIndicator live={dashboard.live} /> : null}
            <label className="inline-label">
              Period{' '}
              <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
                {ranges.map((r) => (
                  <option key={r} value={r}>
                    Last {r} days
                  </option>
                ))}
              </select>
            </label>
          </>
        }
      />
      {dashboard.loading ? <Loading /> : null}
      <ErrorMessage error={dashboard.error} title="The dashboard could not be loaded." />
      {data ? (
        <>
          <section className="stat-row" aria-label="Summary">
            <div className="stat">
              <span className="stat-value">{formatNumber(data.openTotal ?? data.openRequests.length)}</span>
              <span className="stat-label">Open requests</span>
            </div>
            <div className="stat">
              <span className="stat-value">{formatNumber(data.failedItems.length)}</span>
              <span className="stat-label">Failed items</span>
            </div>
            <div className="stat">
              <span className="stat-value">{data.duePurges ? formatNumber(data.duePurges.total) : '–'}</span>
              <span className="stat-label">Users due a purge</span>
            </div>
          </section>
          <section className="card" aria-labelledby="chart-heading">
            <h2 id="chart-heading">Requests over time</h2>
            <div className="chart-grid-2">
              <RequestsChart kind="export" points={data.series} days={dayList} />
              <RequestsChart kind="purge" points={data.series} days={dayList} />
            </div>
          </section>
          <div className="grid-2">
            <section className="card" aria-labelledby="open-heading">
              <h2 id="open-heading">Open requests</h2>
              {data.openRequests.length === 0 ? (
                <EmptyState title="Nothing is waiting." />
              ) : (
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Request</th>
                        <th scope="col">User</th>
                        <th scope="col">Status</th>
                        <th scope="col">Age</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...data.openRequests]
                        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
                        .map((r) => (
                          <tr key={r.id}>
                            <td>
                              <Link to={`/requests/${r.id}`}>
                                {humanize(r.kind)} #{r.id}
                              </Link>
                            </td>
                            <td>
                              <Link to={`/users/${encodeURIComponent(r.subjectId)}`}>
                                {r.subjectName ?? r.subjectId}
                              </Link>
                            </td>
                            <td>
                              <RequestStatusBadge status={r.status} />
                            </td>
                            <td title={formatDateTime(r.createdAt)}>{formatAge(r.createdAt)}</td>
                          </tr>
                        ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
            <section className="card" aria-labelledby="failed-heading">
              <h2 id="failed-heading">Failed items</h2>
              {data.failedItems.length === 0 ? (
                <EmptyState title="No item has failed." />
              ) : (
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Item</th>
                        <th scope="col">Request</th>
                        <th scope="col">Why</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.failedItems.map((f) => (
                        <tr key={`${f.requestId}-${f.itemKey}`}>
                          <td>
                            <span className="code">{f.itemKey}</span>{' '}
                            <Badge tone="danger">{humanize(f.status)}</Badge>
                          </td>
                          <td>
                            <Link to={`/requests/${f.requestId}`}>
                              {humanize(f.kind)} #{f.requestId}
                            </Link>
                          </td>
                          <td className="wrap">{f.message ?? '–'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </div>
          <section className="card" aria-labelledby="due-heading">
            <h2 id="due-heading">Users due a purge</h2>
            <p className="muted">
              Suspended or deleted users whose purge type allows automatic purges, and who haven't been purged
              by it since their status changed. The next scan will queue them.
            </p>
            {data.duePurges === null ? (
              <EmptyState title="This server doesn't report the users due a purge yet." />
            ) : data.duePurges.subjects.length === 0 ? (
              <EmptyState title="No user is due a purge." />
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">User</th>
                      <th scope="col">Status</th>
                      <th scope="col">Purge type</th>
                      <th scope="col">Since</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.duePurges.subjects.map((s) => (
                      <tr key={s.subjectId}>
                        <td>
                          <Link to={`/users/${encodeURIComponent(s.subjectId)}`}>
                            {s.fullName || s.subjectId}
                          </Link>
                        </td>
                        <td>{humanize(s.status)}</td>
                        <td className="code">{s.purgeType ?? '–'}</td>
                        <td title={formatDateTime(s.since)}>{formatAge(s.since)} ago</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {data.duePurges && data.duePurges.total > data.duePurges.subjects.length ? (
              <p className="muted small">
                And {formatNumber(data.duePurges.total - data.duePurges.subjects.length)} more.
              </p>
            ) : null}
          </section>
        </>
      ) : null}
    </>
  );
}

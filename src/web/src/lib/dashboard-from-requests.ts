import { ApiError } from '../api/client';
import { reportsApi, requestsApi } from '../api/endpoints';
import type { Dashboard, DashboardPoint, FailedItem, RequestSummary } from '../api/types';
import { fetchAll } from './fetch-all';

function localDay(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * The dashboard, from the server's dashboard report when it has one; otherwise worked out here from the requests
 * (everything but the users due a purge, which only the server can tell).
 */
export async function loadDashboard(days: number): Promise<Dashboard> {
  try {
    return await reportsApi.dashboard(days);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - (days - 1));
  const [recent, pending, running] = await Promise.all([
    fetchAll(async (offset, limit) => {
      const page = await requestsApi.list({ since: start.toISOString(), offset, limit });
      return { total: page.total, rows: page.requests };
    }, 20_000),
    requestsApi.list({ status: 'pending', limit: 100 }),
    requestsApi.list({ status: 'running', limit: 100 }),
  ]);
  const counts = new Map<string, DashboardPoint>();
  for (const r of recent) {
    const date = localDay(r.createdAt);
    const key = `${date}|${r.kind}|${r.status}`;
    const point = counts.get(key) ?? { date, kind: r.kind, status: r.status, count: 0 };
    point.count++;
    counts.set(key, point);
  }
  const failedRequests = recent.filter((r) => r.status === 'failed' || r.status === 'timed-out').slice(0, 10);
  const details = await Promise.all(failedRequests.map((r) => requestsApi.get(r.id)));
  const failedItems: FailedItem[] = details.flatMap((r) =>
    r.items
      .filter((i) => i.status === 'error' || i.status === 'timed-out')
      .map((i) => ({
        requestId: r.id,
        subjectId: r.subjectId,
        kind: r.kind,
        itemKey: i.itemKey,
        status: i.status,
        message: i.message,
        finishedAt: i.finishedAt,
      })),
  );
  const open: RequestSummary[] = [...running.requests, ...pending.requests];
  return { days, series: [...counts.values()], openRequests: open, failedItems, duePurges: null };
}

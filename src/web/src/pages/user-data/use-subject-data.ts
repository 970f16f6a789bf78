import { ApiError } from '../../api/client';
import { itemsApi, requestsApi, subjectsApi } from '../../api/endpoints';
import type { DataSummaryItem, Item, RequestSummary, Subject } from '../../api/types';
import { type Resource, useResource } from '../../hooks/use-resource';

export interface SubjectData {
  subject: Subject;
  items: Item[];
  /** Counts by item key; undefined when the server has no summary to give. */
  counts: Map<string, DataSummaryItem> | undefined;
  /** Why there are no counts (the route is missing, say). */
  countsError: unknown;
  /** Requests for this user still pending or running. */
  open: RequestSummary[];
  recent: RequestSummary[];
}

/** The summary's items, whether the API lists them flat or by component. */
function summaryItems(body: unknown): DataSummaryItem[] {
  if (typeof body !== 'object' || body === null) return [];
  const value = body as { items?: unknown; components?: unknown };
  if (Array.isArray(value.items)) return value.items as DataSummaryItem[];
  if (Array.isArray(value.components)) {
    return (value.components as { items?: unknown }[]).flatMap((c) =>
      Array.isArray(c.items) ? (c.items as DataSummaryItem[]) : [],
    );
  }
  return [];
}

/** A user, the item catalogue, the count of their data in each item, and their recent requests. */
export function useSubjectData(id: string, poll: boolean): Resource<SubjectData> {
  return useResource<SubjectData>(
    `subject-data:${id}`,
    async () => {
      const [subject, items, requests] = await Promise.all([
        subjectsApi.get(id),
        itemsApi.list(),
        requestsApi.list({ subjectId: id, limit: 10 }).catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 403) return { total: 0, requests: [] };
          throw error;
        }),
      ]);
      let counts: Map<string, DataSummaryItem> | undefined;
      let countsError: unknown;
      try {
        counts = new Map(summaryItems(await subjectsApi.data(id)).map((i) => [i.key, i]));
      } catch (error) {
        countsError = error;
      }
      const open = requests.requests.filter((r) => r.status === 'pending' || r.status === 'running');
      return { subject, items: items.items, counts, countsError, open, recent: requests.requests };
    },
    { poll: { intervalMs: 1500, while: (d) => poll && d.open.length > 0 } },
  );
}

/** Records left in an item, or null when unknown. */
export function countOf(data: SubjectData, key: string): number | null {
  const entry = data.counts?.get(key);
  return entry && typeof entry.count === 'number' ? entry.count : null;
}

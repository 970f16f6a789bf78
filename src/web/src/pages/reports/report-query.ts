import type { ReportQuery } from '../../api/endpoints';

const keys = [
  'status',
  'type',
  'origin',
  'subject',
  'kind',
  'from',
  'to',
  'legacy',
  'dryRun',
  'sort',
] as const;

/** A report's filters and sort, from the address. */
export function reportQueryOf(search: URLSearchParams): ReportQuery {
  const query: ReportQuery = {};
  for (const key of keys) {
    const value = search.get(key);
    if (value) query[key] = value;
  }
  return query;
}

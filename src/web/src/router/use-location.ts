import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { navigate, subscribe } from './history';

function snapshot(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/** The current path and query, re-rendering on navigation. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const url = new URL(href, window.location.origin);
    return { path: url.pathname, search: url.searchParams };
  }, [href]);
}

/**
 * The page's query parameters as state (filters, search, paging): setting them replaces the history entry, so the
 * back button leaves the page rather than stepping through filters.
 */
export function useQueryState(): [
  URLSearchParams,
  (changes: Record<string, string | number | null | undefined>) => void,
] {
  const { path, search } = useLocation();
  const update = useCallback(
    (changes: Record<string, string | number | null | undefined>) => {
      const next = new URLSearchParams(search);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === undefined || value === '') next.delete(key);
        else next.set(key, String(value));
      }
      const text = next.toString();
      navigate(`${path}${text ? `?${text}` : ''}`, { replace: true });
    },
    [path, search],
  );
  return [search, update];
}

import { useCallback, useEffect, useRef, useState } from 'react';

/** What a live page shows in its indicator, and the pause toggle. */
export interface LiveState {
  /** When the data last arrived (ms since the epoch); undefined before the first answer. */
  updatedAt: number | undefined;
  /** The data has open work (pending or running requests): it refreshes quickly. */
  active: boolean;
  /** The user paused refreshing. */
  paused: boolean;
  setPaused: (paused: boolean) => void;
  /** The last refresh failed (the data on screen is the previous answer); it is tried again. */
  failed: boolean;
}

export interface LiveResource<T> {
  data: T | undefined;
  /** An error while there is no data to show (a failed refresh keeps the data and sets `live.failed`). */
  error: unknown;
  /** True while the first load (or a load after `key` changed) runs; refreshes don't set it. */
  loading: boolean;
  /** Load again now (quietly: the current data stays on screen). */
  reload: () => void;
  live: LiveState;
}

export interface LiveOptions<T> {
  /** Whether the data shows open work, which is worth refreshing quickly. */
  isOpen: (data: T) => boolean;
  /** The delay between refreshes while there is open work (default 2 s). */
  activeMs?: number;
  /** The first delay once nothing is open; it doubles after each quiet refresh (default 10 s)… */
  idleMs?: number;
  /** …up to this (default 60 s). */
  maxIdleMs?: number;
  /** Don't load at all while false. */
  enabled?: boolean;
}

function documentVisible(): boolean {
  return typeof document === 'undefined' || document.visibilityState !== 'hidden';
}

/** Whether the tab is visible, following visibilitychange. */
export function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(documentVisible);
  useEffect(() => {
    const update = () => setVisible(documentVisible());
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/**
 * Loads data for a page, like useResource, and keeps it fresh: every `activeMs` while it shows open work, then less
 * and less often (from `idleMs`, doubling up to `maxIdleMs`) while nothing is open. It refreshes only while the tab
 * is visible (at once when the tab comes back, if a refresh is due) and not paused. A refresh replaces the data in
 * place, so rows keep their identity: the user's filters, page, focus and open menus stay as they are. Answers that
 * arrive after a newer load started are dropped.
 */
export function useLiveResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  options: LiveOptions<T>,
): LiveResource<T> {
  const enabled = options.enabled !== false;
  const [data, setData] = useState<{ key: string; value: T } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<number | undefined>(undefined);
  /** Bumped to load again. */
  const [tick, setTick] = useState(0);
  /** Bumped when a load settles, so that the next one is scheduled. */
  const [settled, setSettled] = useState(0);
  const [paused, setPaused] = useState(false);
  const visible = useDocumentVisible();
  const loadRef = useRef(load);
  loadRef.current = load;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const lastKey = useRef<string | null>(null);
  /** Quiet answers in a row (nothing open, or a failure): each one doubles the delay. */
  const quietRounds = useRef(0);
  const nextDelay = useRef(0);
  const lastSettledAt = useRef(0);

  useEffect(() => {
    if (!enabled) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    if (lastKey.current !== key && tick >= 0) {
      lastKey.current = key;
      quietRounds.current = 0;
      setLoading(true);
    }
    const { activeMs = 2000, idleMs = 10_000, maxIdleMs = 60_000 } = optionsRef.current;
    const quiet = () => {
      nextDelay.current = Math.min(idleMs * 2 ** quietRounds.current, maxIdleMs);
      quietRounds.current += 1;
    };
    loadRef
      .current(controller.signal)
      .then((value) => {
        if (controller.signal.aborted) return;
        setData({ key, value });
        setError(undefined);
        setUpdatedAt(Date.now());
        if (optionsRef.current.isOpen(value)) {
          quietRounds.current = 0;
          nextDelay.current = activeMs;
        } else quiet();
      })
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(reason);
        quiet();
      })
      .finally(() => {
        if (controller.signal.aborted) return;
        setLoading(false);
        lastSettledAt.current = Date.now();
        setSettled((n) => n + 1);
      });
    return () => controller.abort();
  }, [key, tick, enabled]);

  // The next refresh, counted from the last answer: back from a hidden tab or a pause, one already due runs at once.
  useEffect(() => {
    if (!enabled || paused || !visible || settled === 0) return;
    const wait = Math.max(0, lastSettledAt.current + nextDelay.current - Date.now());
    const timer = window.setTimeout(() => setTick((t) => t + 1), wait);
    return () => window.clearTimeout(timer);
  }, [settled, enabled, paused, visible]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const pause = useCallback((value: boolean) => {
    if (!value) quietRounds.current = 0;
    setPaused(value);
  }, []);
  const value = data?.value;
  const current = data !== undefined && data.key === key;
  return {
    data: value,
    // A failed refresh keeps the data on screen and says so in the indicator; a failed first load is an error.
    error: current ? undefined : error,
    loading,
    reload,
    live: {
      updatedAt,
      active: value !== undefined && options.isOpen(value),
      paused,
      setPaused: pause,
      failed: current && error !== undefined,
    },
  };
}

import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  /** True while the first load (or a load after `key` changed) runs; background refreshes don't set it. */
  loading: boolean;
  /** Load again (quietly: the current data stays on screen). */
  reload: () => void;
  setData: (data: T) => void;
}

export interface ResourceOptions<T> {
  /** Poll every `intervalMs` while `while(data)` is true (live progress). */
  poll?: { intervalMs: number; while: (data: T) => boolean };
  /** Don't load at all while false. */
  enabled?: boolean;
}

/**
 * Loads data for a page: again whenever `key` changes (the page's parameters, as a string), and on `reload()`.
 * Answers that arrive after a newer load started are dropped.
 */
export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  options: ResourceOptions<T> = {},
): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const lastKey = useRef<string | null>(null);
  const enabled = options.enabled !== false;

  useEffect(() => {
    if (!enabled) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    const keyChanged = lastKey.current !== key;
    lastKey.current = key;
    if (keyChanged && tick >= 0) setLoading(true);
    let timer: number | undefined;
    loadRef
      .current(controller.signal)
      .then((value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
        setLoading(false);
        const poll = optionsRef.current.poll;
        if (poll?.while(value)) {
          timer = window.setTimeout(() => setTick((t) => t + 1), poll.intervalMs);
        }
      })
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(reason);
        setLoading(false);
      });
    return () => {
      controller.abort();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [key, tick, enabled]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

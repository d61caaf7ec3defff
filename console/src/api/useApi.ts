import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './client';

/**
 * Loads data on mount and whenever `deps` change; `reload()` fetches again. With `refreshMs` it polls (live progress
 * without a page reload) and stops when the component unmounts. Stale answers of an earlier load are dropped.
 */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], refreshMs?: number) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async (quiet = false) => {
    const mine = ++generation.current;
    const controller = new AbortController();
    if (!quiet) setLoading(true);
    try {
      const value = await loadRef.current(controller.signal);
      if (mine === generation.current) {
        setData(value);
        setError(undefined);
      }
    } catch (e) {
      if (mine === generation.current && e instanceof ApiError) setError(e);
      else if (!(e instanceof DOMException)) console.error(e);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    reload();
    if (!refreshMs) return undefined;
    const timer = setInterval(() => reload(true), refreshMs);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return { data, error, loading, reload, setData };
}

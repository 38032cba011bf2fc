import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again; resolves when done. `quiet` keeps the current data shown meanwhile. */
  reload: (quiet?: boolean) => Promise<void>;
  setData: (update: T | ((old: T | undefined) => T | undefined)) => void;
}

/** Loads data when `deps` change; the latest load wins. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const seq = useRef(0);
  const abort = useRef<AbortController | undefined>(undefined);
  const run = useCallback(load, deps);

  const reload = useCallback(
    async (quiet = false) => {
      const id = ++seq.current;
      abort.current?.abort();
      const ctl = new AbortController();
      abort.current = ctl;
      setState((s) => ({ data: quiet ? s.data : undefined, error: quiet ? s.error : undefined, loading: true }));
      try {
        const data = await run(ctl.signal);
        if (id === seq.current) setState({ data, error: undefined, loading: false });
      } catch (error) {
        if (ctl.signal.aborted) return;
        if (id === seq.current) setState((s) => ({ data: quiet ? s.data : undefined, error, loading: false }));
      }
    },
    [run],
  );

  useEffect(() => {
    void reload();
    return () => abort.current?.abort();
  }, [reload]);

  const setData = useCallback((update: T | ((old: T | undefined) => T | undefined)) => {
    setState((s) => ({
      ...s,
      data: typeof update === 'function' ? (update as (old: T | undefined) => T | undefined)(s.data) : update,
    }));
  }, []);

  return { ...state, reload, setData };
}

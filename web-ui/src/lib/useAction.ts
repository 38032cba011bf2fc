import { useCallback, useState } from 'react';
import { ApiError } from '../api/client';

export interface Action {
  /** True while an action runs. */
  busy: boolean;
  /** What the last action threw, until the next one starts. */
  error: unknown;
  setError: (error: unknown) => void;
  /** The API's field-level problems of `error`, by JSON pointer. */
  fields: Record<string, string[]>;
  /** Runs `action`, keeping what it throws in `error`; resolves either way. */
  run: (action: () => Promise<void>) => Promise<void>;
}

/** State of a form's or a button's asynchronous action: busy while it runs, its error after. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  const fields = error instanceof ApiError ? error.fieldErrors : {};
  return { busy, error, setError, fields, run };
}

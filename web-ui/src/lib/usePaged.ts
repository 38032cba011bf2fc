import { type DependencyList, useCallback, useState } from 'react';
import type { Page } from '../api/types';
import { useLoad } from './useLoad';

/** Items per page of the administrative lists (the server takes 1 to 1000). */
export const PAGE_SIZE = 100;

export interface Paged<T> {
  /** Every item loaded so far, in the list's order; undefined before the first page. */
  items: T[] | undefined;
  error: unknown;
  loading: boolean;
  /** Whether the server has a further page. */
  hasMore: boolean;
  loadingMore: boolean;
  /** Loads the next page and appends it; an error shows in `error`. */
  more: () => Promise<void>;
  /** Loads from the first page again; `quiet` keeps the current items shown meanwhile. */
  reload: (quiet?: boolean) => Promise<void>;
}

/**
 * A cursor-paged list (`{items, next_cursor}`, decision 0021): the first page when `deps`
 * change, the next one on `more()`. A reload starts over from the first page, so an item
 * created or revoked meanwhile shows where the server's order puts it.
 */
export function usePaged<T>(
  fetchPage: (q: { limit: number; cursor?: string }, signal?: AbortSignal) => Promise<Page<T>>,
  deps: DependencyList,
  pageSize = PAGE_SIZE,
): Paged<T> {
  const first = useLoad((signal) => fetchPage({ limit: pageSize }, signal), deps);
  const [extra, setExtra] = useState<{ items: T[]; cursor?: string; of?: Page<T> }>({ items: [] });
  const [moreError, setMoreError] = useState<unknown>();
  const [loadingMore, setLoadingMore] = useState(false);
  // The appended pages belong to the first page they followed; a new first page drops them.
  const current = extra.of === first.data ? extra : { items: [], cursor: first.data?.next_cursor ?? undefined, of: first.data };
  const cursor = current.of ? current.cursor : undefined;
  const more = useCallback(async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await fetchPage({ limit: pageSize, cursor });
      setExtra({ items: [...current.items, ...page.items], cursor: page.next_cursor ?? undefined, of: first.data });
    } catch (e) {
      setMoreError(e);
    } finally {
      setLoadingMore(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cursor, current.items, first.data, pageSize]);
  return {
    items: first.data ? [...first.data.items, ...current.items] : undefined,
    error: first.error ?? moreError,
    loading: first.loading,
    hasMore: Boolean(cursor),
    loadingMore,
    more,
    reload: first.reload,
  };
}

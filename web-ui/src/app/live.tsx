import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api } from '../api';
import type { StreamEvent } from '../api/types';
import { LiveStream, type StreamStatus } from '../lib/stream';

export const live = new LiveStream({ streamToken: () => api.auth.streamToken() });

/** Calls `handler` for every live `audit` event (the latest handler, without resubscribing). */
export function useLiveEvents(handler: (e: StreamEvent) => void) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => live.subscribe((e) => ref.current(e)), []);
}

export function useStreamStatus(): StreamStatus {
  return useSyncExternalStore(
    (cb) => live.onStatus(cb),
    () => live.status,
    () => 'off' as StreamStatus,
  );
}

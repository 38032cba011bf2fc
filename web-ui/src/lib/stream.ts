// The admin live stream: a short-lived stream token, then an EventSource whose `audit`
// events tell pages that something changed elsewhere. Reconnects with a fresh token
// after any error, backing off up to 30 s.

import type { StreamEvent } from '../api/types';

export type StreamStatus = 'off' | 'connecting' | 'open' | 'retrying' | 'unavailable';

type Handler = (e: StreamEvent) => void;

export interface StreamDeps {
  streamToken: () => Promise<{ token: string }>;
  open?: (url: string) => EventSource;
}

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export class LiveStream {
  private handlers = new Set<Handler>();
  private statusListeners = new Set<(s: StreamStatus) => void>();
  private source: EventSource | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private running = false;
  private generation = 0;
  status: StreamStatus = 'off';

  constructor(private readonly deps: StreamDeps) {}

  subscribe(h: Handler): () => void {
    this.handlers.add(h);
    return () => this.handlers.delete(h);
  }

  onStatus(l: (s: StreamStatus) => void): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }

  private setStatus(s: StreamStatus) {
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    void this.connect();
  }

  stop() {
    this.running = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.source?.close();
    this.source = undefined;
    this.setStatus('off');
  }

  private retry(unavailable = false) {
    if (!this.running) return;
    this.source?.close();
    this.source = undefined;
    const wait = unavailable ? 60_000 : BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)];
    this.failures++;
    this.setStatus(unavailable ? 'unavailable' : 'retrying');
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), wait);
  }

  private async connect() {
    const gen = ++this.generation;
    this.setStatus('connecting');
    let token: string;
    try {
      token = (await this.deps.streamToken()).token;
    } catch (e) {
      if (gen !== this.generation) return;
      const status = (e as { status?: number }).status;
      // 404/405: this server has no live stream; 401: logged out (the session handles it).
      this.retry(status === 404 || status === 405 || status === 501);
      return;
    }
    if (gen !== this.generation || !this.running) return;
    const url = '/api/v1/stream?token=' + encodeURIComponent(token);
    const source = this.deps.open ? this.deps.open(url) : new EventSource(url);
    this.source = source;
    source.onopen = () => {
      if (gen !== this.generation) return;
      this.failures = 0;
      this.setStatus('open');
    };
    source.addEventListener('audit', (ev) => {
      if (gen !== this.generation) return;
      let data: StreamEvent;
      try {
        data = JSON.parse((ev as MessageEvent<string>).data) as StreamEvent;
      } catch {
        return;
      }
      for (const h of this.handlers) {
        try {
          h(data);
        } catch (err) {
          console.error('live update handler failed', err);
        }
      }
    });
    source.onerror = () => {
      if (gen !== this.generation) return;
      // The browser would reconnect with the same (expired) token: reconnect ourselves.
      this.retry();
    };
  }
}

/** Whether an event is about a flag (its definition or one of its configurations). */
export function isAboutFlag(e: StreamEvent, project: string, flag: string): boolean {
  const key = `${project}/${flag}`;
  return (e.resource_type === 'flag' || e.resource_type === 'flag_config') && (e.resource_key === key || e.resource_key.startsWith(key + '/'));
}

/** The environment a flag configuration event is about, if it is one. */
export function configEnvironment(e: StreamEvent, project: string, flag: string): string | null {
  const prefix = `${project}/${flag}/`;
  if (e.resource_type !== 'flag_config' || !e.resource_key.startsWith(prefix)) return null;
  return e.environment ?? e.resource_key.slice(prefix.length);
}

/** "user:ada@example.com" → "ada@example.com"; "token:ci" → "token ci". */
export function actorName(actor: string): string {
  if (actor.startsWith('user:')) return actor.slice(5);
  if (actor.startsWith('token:')) return `API token ${actor.slice(6)}`;
  return actor;
}

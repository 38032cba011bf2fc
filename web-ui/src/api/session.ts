// The login session, kept in localStorage so that every tab shares it: a login, a
// refresh or a logout in one tab is seen by the others through `storage` events.
// Tokens last an hour; the session refreshes itself a few minutes before expiry.

import type { Session } from './types';

export const SESSION_KEY = 'vexil.session';
/** Refresh this long before the token expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

type Listener = (s: Session | null) => void;

function parse(text: string | null): Session | null {
  if (!text) return null;
  try {
    const s = JSON.parse(text) as Session;
    if (typeof s?.token === 'string' && typeof s.expires_at === 'string' && s.user) return s;
  } catch {
    // ignore a damaged entry
  }
  return null;
}

function expiresIn(s: Session, now = Date.now()): number {
  return Date.parse(s.expires_at) - now;
}

export class SessionManager {
  private session: Session | null;
  private listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refresher: (() => Promise<Session>) | undefined;
  /** The refresh in flight, if any: requests refused meanwhile wait for its token. */
  private refreshing: Promise<void> | undefined;
  private readonly storage: Storage | undefined;

  constructor(storage: Storage | undefined = globalThis.localStorage) {
    this.storage = storage;
    this.session = this.read();
    if (this.session && expiresIn(this.session) <= 0) this.session = null;
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (e) => {
        if (e.key !== SESSION_KEY && e.key !== null) return;
        this.session = this.read();
        this.schedule();
        this.emit();
      });
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') this.schedule();
      });
    }
  }

  private read(): Session | null {
    try {
      return parse(this.storage?.getItem(SESSION_KEY) ?? null);
    } catch {
      return null;
    }
  }

  private emit() {
    for (const l of this.listeners) l(this.session);
  }

  get current(): Session | null {
    return this.session;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** How sessions are refreshed (set once the API client exists). */
  setRefresher(fn: () => Promise<Session>) {
    this.refresher = fn;
    this.schedule();
  }

  set(s: Session | null) {
    this.session = s;
    try {
      if (s) this.storage?.setItem(SESSION_KEY, JSON.stringify(s));
      else this.storage?.removeItem(SESSION_KEY);
    } catch {
      // storage full or denied: the session still works in this tab
    }
    this.schedule();
    this.emit();
  }

  /** The token to send. */
  token(): string | null {
    return this.session?.token ?? null;
  }

  /**
   * After a 401: a newer token, if there is one: from a refresh in flight here (the
   * server ends the old session before answering it) or stored by another tab.
   */
  async recover(refused: string): Promise<string | null> {
    if (this.refreshing) await this.refreshing.catch(() => {});
    if (this.session && this.session.token !== refused && expiresIn(this.session) > 0) return this.session.token;
    const stored = this.read();
    if (stored && stored.token !== refused && expiresIn(stored) > 0) {
      this.session = stored;
      this.schedule();
      this.emit();
      return stored.token;
    }
    return null;
  }

  /** The server refused the session: log out here (and so in every tab). */
  expire() {
    if (this.session) this.set(null);
  }

  private schedule() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const s = this.session;
    if (!s || !this.refresher) return;
    const wait = Math.max(expiresIn(s) - REFRESH_MARGIN_MS, 5_000);
    // Timers cannot wait longer than ~24 days; tokens never live that long anyway.
    this.timer = setTimeout(() => void this.refreshNow(), Math.min(wait, 2 ** 31 - 1));
  }

  /** Refreshes unless another tab already did; one tab at a time (Web Locks where available). */
  async refreshNow(): Promise<void> {
    const run = async () => {
      const before = this.session;
      const stored = this.read();
      if (stored && before && stored.token !== before.token && expiresIn(stored) > REFRESH_MARGIN_MS) {
        this.session = stored; // another tab refreshed
        this.schedule();
        this.emit();
        return;
      }
      if (!before || !this.refresher) return;
      try {
        this.set(await this.refresher());
      } catch {
        // A failed refresh is retried shortly; a 401 has already ended the session.
        if (this.session && expiresIn(this.session) > 0) {
          if (this.timer) clearTimeout(this.timer);
          this.timer = setTimeout(() => void this.refreshNow(), 30_000);
        }
      }
    };
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    const done = locks?.request ? locks.request('vexil-session-refresh', run) : run();
    this.refreshing = done.then(() => undefined);
    try {
      await done;
    } finally {
      this.refreshing = undefined;
    }
  }
}

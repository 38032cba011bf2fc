import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from './types';
import { SESSION_KEY, SessionManager } from './session';

const session = (token: string, minutes: number): Session => ({
  token,
  expires_at: new Date(Date.now() + minutes * 60_000).toISOString(),
  user: { id: 'u', email: 'a@b.c', name: 'A', role: 'owner', disabled: false, version: 1, created_at: '', updated_at: '' },
});

describe('SessionManager', () => {
  it('makes requests refused during a refresh wait for the new token', async () => {
    const m = new SessionManager(localStorage);
    m.set(session('t1', 60));
    let finish: (s: Session) => void = () => {};
    m.setRefresher(() => new Promise<Session>((r) => (finish = r)));
    const refreshing = m.refreshNow();
    // The server already ended t1: a request refused now must not log out.
    const recovered = m.recover('t1');
    finish(session('t2', 60));
    await refreshing;
    expect(await recovered).toBe('t2');
  });

  beforeEach(() => {
    localStorage.clear();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('keeps the session in localStorage, shared by tabs', () => {
    const a = new SessionManager(localStorage);
    a.set(session('t1', 60));
    expect(JSON.parse(localStorage.getItem(SESSION_KEY)!).token).toBe('t1');
    const b = new SessionManager(localStorage); // a second tab
    expect(b.token()).toBe('t1');
  });

  it('ignores an expired stored session', () => {
    localStorage.setItem(SESSION_KEY, JSON.stringify(session('old', -1)));
    expect(new SessionManager(localStorage).token()).toBeNull();
  });

  it('follows logins and logouts of other tabs', () => {
    const m = new SessionManager(localStorage);
    const seen: (string | null)[] = [];
    m.subscribe((s) => seen.push(s?.token ?? null));
    localStorage.setItem(SESSION_KEY, JSON.stringify(session('other-tab', 60)));
    window.dispatchEvent(new StorageEvent('storage', { key: SESSION_KEY }));
    localStorage.removeItem(SESSION_KEY);
    window.dispatchEvent(new StorageEvent('storage', { key: SESSION_KEY }));
    expect(seen).toEqual(['other-tab', null]);
  });

  it('refreshes five minutes before expiry', async () => {
    const m = new SessionManager(localStorage);
    m.set(session('t1', 60));
    const refresher = vi.fn(async () => session('t2', 60));
    m.setRefresher(refresher);
    await vi.advanceTimersByTimeAsync(54 * 60_000);
    expect(refresher).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(refresher).toHaveBeenCalledOnce();
    expect(m.token()).toBe('t2');
  });

  it('adopts a token another tab refreshed instead of refreshing again', async () => {
    const m = new SessionManager(localStorage);
    m.set(session('t1', 60));
    const refresher = vi.fn(async () => session('mine', 60));
    m.setRefresher(refresher);
    localStorage.setItem(SESSION_KEY, JSON.stringify(session('theirs', 60)));
    await m.refreshNow();
    expect(refresher).not.toHaveBeenCalled();
    expect(m.token()).toBe('theirs');
  });

  it('recovers from a 401 with a newer stored token, or gives up', async () => {
    const m = new SessionManager(localStorage);
    m.set(session('t1', 60));
    expect(await m.recover('t1')).toBeNull();
    localStorage.setItem(SESSION_KEY, JSON.stringify(session('t2', 60)));
    expect(await m.recover('t1')).toBe('t2');
    m.expire();
    expect(m.token()).toBeNull();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });
});

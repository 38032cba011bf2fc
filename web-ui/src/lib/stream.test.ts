import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamEvent } from '../api/types';
import { actorName, configEnvironment, isAboutFlag, LiveStream } from './stream';

class FakeSource {
  static all: FakeSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, (e: MessageEvent) => void>();
  closed = false;
  constructor(public url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(name: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(name, fn);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: unknown) {
    this.listeners.get(name)?.(new MessageEvent(name, { data: JSON.stringify(data) }));
  }
}

const event: StreamEvent = {
  id: 1,
  at: '2026-01-01T00:00:00Z',
  actor: 'user:ada@example.com',
  action: 'flag_config.toggle',
  resource_type: 'flag_config',
  resource_key: 'default/checkout/production',
  project: 'default',
  environment: 'production',
};

describe('LiveStream', () => {
  beforeEach(() => {
    FakeSource.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('opens with a stream token and delivers audit events', async () => {
    const streamToken = vi.fn(async () => ({ token: 'st-1' }));
    const s = new LiveStream({ streamToken, open: (u) => new FakeSource(u) as unknown as EventSource });
    const got: StreamEvent[] = [];
    s.subscribe((e) => got.push(e));
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSource.all[0].url).toBe('/api/v1/stream?token=st-1');
    FakeSource.all[0].onopen?.();
    expect(s.status).toBe('open');
    FakeSource.all[0].emit('audit', event);
    expect(got).toEqual([event]);
  });

  it('reconnects after an error with a fresh token, backing off', async () => {
    let n = 0;
    const streamToken = vi.fn(async () => ({ token: `st-${++n}` }));
    const s = new LiveStream({ streamToken, open: (u) => new FakeSource(u) as unknown as EventSource });
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    FakeSource.all[0].onerror?.();
    expect(FakeSource.all[0].closed).toBe(true);
    expect(s.status).toBe('retrying');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeSource.all[1].url).toBe('/api/v1/stream?token=st-2');
    FakeSource.all[1].onerror?.();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeSource.all).toHaveLength(2); // second wait is 2 s
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeSource.all).toHaveLength(3);
    s.stop();
    expect(FakeSource.all[2].closed).toBe(true);
  });

  it('says unavailable when the server has no stream', async () => {
    const s = new LiveStream({ streamToken: async () => Promise.reject(Object.assign(new Error('no'), { status: 404 })), open: (u) => new FakeSource(u) as unknown as EventSource });
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.status).toBe('unavailable');
    s.stop();
  });
});

describe('event helpers', () => {
  it('matches flag events', () => {
    expect(isAboutFlag(event, 'default', 'checkout')).toBe(true);
    expect(isAboutFlag(event, 'default', 'check')).toBe(false);
    expect(configEnvironment(event, 'default', 'checkout')).toBe('production');
    expect(actorName(event.actor)).toBe('ada@example.com');
    expect(actorName('token:ci')).toBe('API token ci');
  });
});

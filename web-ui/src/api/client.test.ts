import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, buildUrl, errorMessage, ifMatchHeader, parseEtag, readProblem } from './client';
import { endpoints } from './endpoints';

type Call = { url: string; init: RequestInit };

function mockFetch(responses: (Response | ((call: Call) => Response))[]) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const call = { url: String(url), init: init ?? {} };
    calls.push(call);
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    return typeof next === 'function' ? next(call) : next;
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const problem = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'urn:vexil:problem:x', title: 'T', status, detail: 'D', ...body }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
const header = (c: Call, name: string) => new Headers(c.init.headers).get(name);

function client(responses: Parameters<typeof mockFetch>[0], token: string | null = 'tok-1', extra: Partial<ConstructorParameters<typeof ApiClient>[0]['tokens']> = {}) {
  const m = mockFetch(responses);
  const c = new ApiClient({ fetch: m.fetch, tokens: { get: () => token, ...extra } });
  return { c, api: endpoints(c), calls: m.calls };
}

describe('ETags', () => {
  it.each([
    ['"7"', 7],
    ['W/"12"', 12],
    ['3', 3],
    [' "42" ', 42],
    ['"abc"', undefined],
    ['', undefined],
    [null, undefined],
  ])('parses %j', (v, want) => expect(parseEtag(v)).toBe(want));

  it('writes If-Match as a quoted version', () => expect(ifMatchHeader(5)).toBe('"5"'));

  it('reads the version of a GET from its ETag', async () => {
    const { api, calls } = client([json(200, { flag: 'f', environment: 'prod', version: 3, enabled: true }, { ETag: '"3"' })]);
    const r = await api.flags.getConfig('default', 'f', 'prod');
    expect(r.version).toBe(3);
    expect(calls[0].url).toBe('/api/v1/projects/default/flags/f/environments/prod');
    expect(header(calls[0], 'Authorization')).toBe('Bearer tok-1');
    expect(header(calls[0], 'If-Match')).toBeNull();
  });

  it('falls back to the body version without an ETag', async () => {
    const { api } = client([json(200, { key: 'f', version: 9 })]);
    expect((await api.flags.get('default', 'f')).version).toBe(9);
  });

  it('sends If-Match on guarded writes, and only the config fields', async () => {
    const { api, calls } = client([json(200, { flag: 'f', environment: 'prod', version: 4, enabled: false }, { ETag: '"4"' })]);
    const r = await api.flags.putConfig(
      'default',
      'f',
      'prod',
      // A record as read: its own fields must not be sent (the server rejects unknown fields).
      {
        flag: 'f',
        environment: 'prod',
        updated_at: 'x',
        version: 3,
        enabled: false,
        off_variant: 'off',
        targets: [{ variant: 'on', keys: [] }],
        rules: [],
        default: { rollout: { bucket_by: '', weights: [{ variant: 'on', weight: 100000 }] } },
        prerequisites: [],
      } as never,
      3,
    );
    expect(r.version).toBe(4);
    expect(calls[0].init.method).toBe('PUT');
    expect(header(calls[0], 'If-Match')).toBe('"3"');
    expect(header(calls[0], 'Content-Type')).toBe('application/json');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({
      enabled: false,
      off_variant: 'off',
      targets: [],
      rules: [],
      default: { rollout: { weights: [{ variant: 'on', weight: 100000 }] } },
      prerequisites: [],
    });
  });

  it('encodes path segments', async () => {
    const { api, calls } = client([new Response(null, { status: 204 })]);
    await api.segments.remove('my proj', 'a/b', 2);
    expect(calls[0].url).toBe('/api/v1/projects/my%20proj/segments/a%2Fb');
    expect(header(calls[0], 'If-Match')).toBe('"2"');
  });

  it('does not send If-Match on the kill switch', async () => {
    const { api, calls } = client([json(200, { version: 2, enabled: true })]);
    await api.flags.toggle('default', 'f', 'prod', true);
    expect(header(calls[0], 'If-Match')).toBeNull();
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ enabled: true });
  });
});

describe('problems', () => {
  it('turns a 412 into a version conflict with the current version', async () => {
    const { api } = client([problem(412, { type: 'urn:vexil:problem:version-mismatch', title: 'Precondition Failed', detail: 'changed', current_version: 8 })]);
    const e = await api.flags.update('default', 'f', { name: 'x' }, 7).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.isVersionConflict).toBe(true);
    expect(e.currentVersion).toBe(8);
    expect(e.status).toBe(412);
    expect(e.message).toBe('changed');
  });

  it('keeps field errors by JSON pointer', async () => {
    const { api } = client([
      problem(422, {
        errors: [
          { pointer: '/key', message: 'bad key' },
          { pointer: '/variants/1/value', message: 'not a number' },
          { pointer: '/variants/1/value', message: 'too long' },
        ],
      }),
    ]);
    const e: ApiError = await api.flags.create('default', { key: 'Bad', kind: 'number' }).catch((x) => x);
    expect(e.status).toBe(422);
    expect(e.fieldErrors).toEqual({ '/key': ['bad key'], '/variants/1/value': ['not a number', 'too long'] });
  });

  it('keeps dependents of a 409', async () => {
    const { api } = client([problem(409, { dependents: ['"prod" configuration /rules/0/serve/variant: unknown variant'] })]);
    const e: ApiError = await api.flags.update('default', 'f', { variants: [] }, 1).catch((x) => x);
    expect(e.problem.dependents).toHaveLength(1);
  });

  it('survives bodies that are not problems', async () => {
    const p = await readProblem(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(p).toMatchObject({ status: 502, title: 'Bad Gateway', detail: 'Bad Gateway' });
    const q = await readProblem(new Response('', { status: 500 }));
    expect(q.status).toBe(500);
    const r = await readProblem(new Response('plain words', { status: 400 }));
    expect(r.detail).toBe('plain words');
  });

  it('reports network failures as status 0', async () => {
    const c = new ApiClient({ fetch: (async () => { throw new TypeError('failed to fetch'); }) as unknown as typeof fetch, tokens: { get: () => null } });
    const e: ApiError = await c.get<unknown>('/x').catch((x: ApiError) => x) as ApiError;
    expect(e.isNetworkError).toBe(true);
    expect(errorMessage(e)).toMatch(/Could not reach/);
  });

  it('reads Retry-After on 429', async () => {
    const { api } = client([problem(429, { detail: 'too many attempts' }, { 'Retry-After': '120' })], null);
    const e: ApiError = await api.auth.login('a@b.c', 'x').catch((x) => x);
    expect(e.retryAfter).toBe(120);
    expect(errorMessage(e)).toBe('Too many attempts: try again in 2 min.');
  });
});

describe('sessions', () => {
  it('retries once with a newer token another tab stored', async () => {
    const { c, calls } = client([problem(401, {}), json(200, { ok: true })], 'old', { recover: () => 'new', expired: vi.fn() });
    expect(await c.get('/api/v1/auth/me')).toEqual({ ok: true });
    expect(header(calls[1], 'Authorization')).toBe('Bearer new');
  });

  it('ends the session on a 401 it cannot recover', async () => {
    const expired = vi.fn();
    const { c } = client([problem(401, { detail: 'expired' })], 'old', { recover: () => null, expired });
    await expect(c.get('/x')).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledOnce();
  });

  it('sends no token on login', async () => {
    const { api, calls } = client([json(200, { token: 't', expires_at: '2030-01-01T00:00:00Z', user: {} })]);
    await api.auth.login('a@b.c', 'pw');
    expect(header(calls[0], 'Authorization')).toBeNull();
  });
});

describe('urls', () => {
  it('leaves out empty query values', () => {
    expect(buildUrl('', '/a', { q: '', tag: undefined, archived: false, limit: 10, cursor: null })).toBe('/a?archived=false&limit=10');
    expect(buildUrl('', '/audit', { resource_key: 'default/f/' })).toBe('/audit?resource_key=default%2Ff%2F');
  });
});

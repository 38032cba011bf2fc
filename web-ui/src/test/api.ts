import { vi } from 'vitest';
import { sessions } from '../api';
import type { User } from '../api/types';

/** Signs in a user with `role` for the test: the client sends its token. */
export function signIn(role: User['role'] = 'editor') {
  sessions.set({
    token: 't',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u', email: 'ada@example.com', name: 'A', role, disabled: false, version: 1, created_at: '', updated_at: '' },
  });
}

/**
 * Answers the dashboard's requests with `answer(path)`: a `Response` as it is, anything
 * else as a JSON body with status 200; a path it answers `undefined` for fails the test.
 * Returns the requested paths, in order. Undo with `vi.unstubAllGlobals()`.
 */
export function stubApi(answer: (path: string) => unknown): string[] {
  const requested: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string | URL | Request) => {
      const path = String(url);
      requested.push(path);
      const body = answer(path);
      if (body === undefined) throw new Error(`unexpected request ${path}`);
      if (body instanceof Response) return body;
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }),
  );
  return requested;
}

// A small fetch wrapper for the Vexil API: bearer tokens, JSON bodies, ETag / If-Match
// versions and RFC 9457 problem documents turned into `ApiError`s.

export interface FieldProblem {
  pointer: string;
  message: string;
}

/** An `application/problem+json` document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
  dependents?: string[];
  current_version?: number;
}

/** Any failed request: an error answer from the server, or no answer at all (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds to wait before retrying (429). */
  readonly retryAfter?: number;

  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** Field-level problems keyed by JSON pointer ("" for the whole document). */
  get fieldErrors(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of this.problem.errors ?? []) {
      (out[e.pointer] ??= []).push(e.message);
    }
    return out;
  }

  /** 412: someone saved a newer version. */
  get isVersionConflict(): boolean {
    return this.status === 412;
  }

  /** With a 412, the version the resource is at now. */
  get currentVersion(): number | undefined {
    return this.problem.current_version;
  }

  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

/** Reads a version from an ETag as the server writes it: `"7"`, also `W/"7"` or `7`. */
export function parseEtag(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  let v = value.trim();
  if (v.startsWith('W/')) v = v.slice(2);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  if (!/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** The If-Match header value for a version. */
export function ifMatchHeader(version: number): string {
  return `"${version}"`;
}

/** Turns any error answer into a problem, whatever its content type. */
export async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  const fallback: Problem = {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: text && text.length < 300 && !text.trimStart().startsWith('<') ? text : response.statusText || `The server answered ${response.status}.`,
  };
  if (!text) return fallback;
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object') {
      return {
        type: typeof body.type === 'string' ? body.type : fallback.type,
        title: typeof body.title === 'string' ? body.title : fallback.title,
        status: typeof body.status === 'number' ? body.status : response.status,
        detail: typeof body.detail === 'string' ? body.detail : fallback.detail,
        errors: Array.isArray(body.errors) ? body.errors : undefined,
        dependents: Array.isArray(body.dependents) ? body.dependents : undefined,
        current_version: typeof body.current_version === 'number' ? body.current_version : undefined,
      };
    }
  } catch {
    // not JSON: keep the fallback
  }
  return fallback;
}

/** Where the client gets its bearer token, and what it does when the server refuses it. */
export interface TokenSource {
  get(): string | null;
  /**
   * Called after a 401 with the token that was refused. Returns a newer token to retry
   * with (e.g. one another tab refreshed), or null when the session is over.
   */
  recover?(refused: string): string | null | Promise<string | null>;
  /** Called when the session is over (a 401 that could not be recovered). */
  expired?(): void;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sends `If-Match: "<version>"`. */
  ifMatch?: number;
  signal?: AbortSignal;
  /** Do not send the bearer token (login, set-up). */
  anonymous?: boolean;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  /** The version named by the ETag header, if any. */
  version?: number;
  headers: Headers;
}

export function buildUrl(base: string, path: string, query?: Query): string {
  let url = base + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      params.append(k, String(v));
    }
    const s = params.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

/** Encodes one path segment. */
export const seg = (s: string) => encodeURIComponent(s);

export class ApiClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  readonly tokens: TokenSource;

  constructor(options: { baseUrl?: string; fetch?: typeof fetch; tokens: TokenSource }) {
    this.base = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.tokens = options.tokens;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const token = options.anonymous ? null : this.tokens.get();
    let response = await this.send(method, path, options, token);
    if (response.status === 401 && token) {
      const newer = (await this.tokens.recover?.(token)) ?? null;
      if (newer && newer !== token) {
        response = await this.send(method, path, options, newer);
      }
      if (response.status === 401) {
        const problem = await readProblem(response);
        this.tokens.expired?.();
        throw new ApiError(problem);
      }
    }
    if (!response.ok) {
      const retry = Number(response.headers.get('retry-after'));
      throw new ApiError(await readProblem(response), Number.isFinite(retry) && retry > 0 ? retry : undefined);
    }
    const version = parseEtag(response.headers.get('etag'));
    let data: unknown = undefined;
    if (response.status !== 204) {
      const text = await response.text();
      if (text) {
        try {
          data = JSON.parse(text);
        } catch {
          throw new ApiError({
            type: 'about:blank',
            title: 'Unexpected response',
            status: response.status,
            detail: 'The server answered with something that is not JSON.',
          });
        }
      }
    }
    return { data: data as T, status: response.status, version, headers: response.headers };
  }

  private async send(method: string, path: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (options.ifMatch !== undefined) headers['If-Match'] = ifMatchHeader(options.ifMatch);
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    try {
      return await this.fetchImpl(buildUrl(this.base, path, options.query), {
        method,
        headers,
        body,
        signal: options.signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError({
        type: 'urn:vexil:problem:network',
        title: 'Network error',
        status: 0,
        detail: 'Could not reach the Vexil server. Check your connection and try again.',
      });
    }
  }

  async get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return (await this.request<T>('GET', path, { query, signal })).data;
  }

  /** GET a versioned resource: its body and the version its ETag names. */
  async getVersioned<T extends { version?: number }>(path: string, signal?: AbortSignal): Promise<Versioned<T>> {
    const r = await this.request<T>('GET', path, { signal });
    return { data: r.data, version: r.version ?? r.data.version ?? 0 };
  }

  async post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return (await this.request<T>('POST', path, { ...options, body })).data;
  }

  /** A write guarded by If-Match; answers the new body and version. */
  async write<T extends { version?: number }>(
    method: 'PUT' | 'PATCH' | 'POST',
    path: string,
    body: unknown,
    version: number,
  ): Promise<Versioned<T>> {
    const r = await this.request<T>(method, path, { body, ifMatch: version });
    return { data: r.data, version: r.version ?? r.data.version ?? version + 1 };
  }

  async delete(path: string, version?: number): Promise<void> {
    await this.request<void>('DELETE', path, { ifMatch: version });
  }
}

export interface Versioned<T> {
  data: T;
  version: number;
}

/** A message for people from any error. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 429 && e.retryAfter) return `Too many attempts: try again in ${Math.ceil(e.retryAfter / 60)} min.`;
    return e.problem.detail || e.problem.title;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

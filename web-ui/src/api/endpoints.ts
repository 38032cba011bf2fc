// Every route of the admin API the dashboard uses, typed.

import { toConfigBody, toSegmentBody } from '../lib/config';
import { type ApiClient, type Versioned, seg } from './client';
import type {
  ApiToken,
  AuditEntry,
  AuthConfig,
  ChangeRequest,
  ChangeRequestState,
  ChangeRequestWithDiff,
  ConfigPreview,
  AuditQuery,
  CreatedApiToken,
  CreatedSdkKey,
  CreatedWebhook,
  Environment,
  EvalContext,
  EvaluateResponse,
  Flag,
  FlagConfig,
  FlagConfigRecord,
  FlagPatch,
  NewFlag,
  Page,
  Patch,
  Project,
  Role,
  ScheduledChange,
  ScheduledState,
  SdkKey,
  SdkKeyKind,
  Segment,
  SegmentBody,
  Session,
  SetupState,
  Usage,
  SegmentSummary,
  MetricReadout,
  ApplicationSeen,
  FlagCodeReferences,
  ProjectCodeReferences,
  User,
  Webhook,
  WebhookDelivery,
  WebhookEventType,
  ReleasePlan,
  ReleasePlanSpec,
  ReleasePlanVerdict,
  PlanAction,
} from './types';

export interface FlagListQuery {
  q?: string;
  tag?: string;
  /** Exact owner (case-insensitive). */
  owner?: string;
  archived?: boolean;
  /** Only flags not evaluated for the project's stale threshold. */
  stale?: boolean;
  /** Comma-separated environment keys (at most 100): the states each flag carries. */
  environments?: string;
  limit?: number;
  cursor?: string;
}

/** `?limit=&cursor=` of the cursor-paged lists (decision 0021). */
export interface PageQuery {
  limit?: number;
  cursor?: string;
}

const P = (project: string) => `/api/v1/projects/${seg(project)}`;
const F = (project: string, flag: string) => `${P(project)}/flags/${seg(flag)}`;

export function endpoints(c: ApiClient) {
  return {
    auth: {
      login: (email: string, password: string) =>
        c.post<Session>('/api/v1/auth/login', { email, password }, { anonymous: true }),
      logout: () => c.post<void>('/api/v1/auth/logout'),
      refresh: () => c.post<Session>('/api/v1/auth/refresh'),
      me: () => c.get<{ kind: 'user'; user: User } | { kind: 'token'; token: ApiToken }>('/api/v1/auth/me'),
      streamToken: () => c.post<{ token: string; expires_at: string }>('/api/v1/auth/stream-token'),
      config: () => c.request<AuthConfig>('GET', '/api/v1/auth/config', { anonymous: true }).then((r) => r.data),
      /** Swaps the one-time code of a finished single sign-on for a session. */
      ssoSession: (handoff: string) => c.post<Session>('/api/v1/auth/oidc/session', { handoff }, { anonymous: true }),
    },
    setup: {
      state: () => c.request<SetupState>('GET', '/api/v1/setup', { anonymous: true }).then((r) => r.data),
      complete: (body: { setup_password: string; email: string; name: string; password: string }) =>
        c.post<Session>('/api/v1/setup', body, { anonymous: true }),
    },
    projects: {
      list: () => c.get<Page<Project>>('/api/v1/projects'),
      create: (body: { key: string; name?: string; description?: string }) => c.post<Project>('/api/v1/projects', body),
      /** The project's code references: each repository's latest scan and the totals per key. */
      codeReferences: (project: string) => c.get<ProjectCodeReferences>(`${P(project)}/code-references`),
    },
    environments: {
      list: (project: string) => c.get<Page<Environment>>(`${P(project)}/environments`),
      create: (project: string, body: { key: string; name?: string; requires_approval?: boolean; required_approvals?: number }) =>
        c.post<Environment>(`${P(project)}/environments`, body),
      update: (
        project: string,
        env: string,
        patch: { name?: string; position?: number; requires_approval?: boolean; required_approvals?: number },
        version: number,
      ) => c.write<Environment>('PATCH', `${P(project)}/environments/${seg(env)}`, patch, version),
      remove: (project: string, env: string, version: number) => c.delete(`${P(project)}/environments/${seg(env)}`, version),
    },
    flags: {
      list: (project: string, q: FlagListQuery, signal?: AbortSignal) =>
        c.get<Page<Flag>>(`${P(project)}/flags`, { ...q }, signal),
      get: (project: string, flag: string) => c.getVersioned<Flag>(F(project, flag)),
      create: (project: string, body: NewFlag) => c.post<Flag>(`${P(project)}/flags`, body),
      update: (project: string, flag: string, patch: FlagPatch, version: number) =>
        c.write<Flag>('PATCH', F(project, flag), patch, version),
      remove: (project: string, flag: string, version: number) => c.delete(F(project, flag), version),
      archive: (project: string, flag: string) => c.post<Flag>(`${F(project, flag)}/archive`),
      restore: (project: string, flag: string) => c.post<Flag>(`${F(project, flag)}/restore`),
      getConfig: (project: string, flag: string, env: string) =>
        c.getVersioned<FlagConfigRecord>(`${F(project, flag)}/environments/${seg(env)}`),
      putConfig: (project: string, flag: string, env: string, config: FlagConfig, version: number) =>
        c.write<FlagConfigRecord>('PUT', `${F(project, flag)}/environments/${seg(env)}`, toConfigBody(config), version),
      /** What saving `config` would store and who would change variant; stores nothing. */
      previewConfig: (project: string, flag: string, env: string, config: FlagConfig, version: number) =>
        c
          .request<ConfigPreview>('PUT', `${F(project, flag)}/environments/${seg(env)}`, {
            body: toConfigBody(config),
            ifMatch: version,
            query: { dry_run: true },
          })
          .then((r) => r.data),
      /**
       * The kill switch; `comment` (why) goes into the audit entry. `breakGlass` turns a
       * flag off in an environment that requires approval (a comment is required).
       */
      toggle: (project: string, flag: string, env: string, enabled: boolean, comment?: string, breakGlass = false) =>
        c.post<FlagConfigRecord>(`${F(project, flag)}/environments/${seg(env)}/toggle`, {
          enabled,
          ...(comment ? { comment } : {}),
          ...(breakGlass ? { break_glass: true } : {}),
        }),
      /** Puts an earlier version of the configuration back, as a new version. */
      restoreVersion: (project: string, flag: string, env: string, version: number, comment?: string) =>
        c.post<FlagConfigRecord>(`${F(project, flag)}/environments/${seg(env)}/restore`, comment ? { version, comment } : { version }),
      usage: (project: string, flag: string, env: string, hours: number) =>
        c.get<Usage>(`${F(project, flag)}/environments/${seg(env)}/usage`, { hours }),
      /** Metric events attributed to the flag's variants; at most 336 hours back. */
      metrics: (project: string, flag: string, env: string, hours: number) =>
        c.get<MetricReadout>(`${F(project, flag)}/environments/${seg(env)}/metrics`, { hours: Math.min(hours, 336) }),
      applications: (project: string, flag: string, env: string) =>
        c.get<{ applications: ApplicationSeen[] }>(`${F(project, flag)}/applications`, { environment: env }).then((r) => r.applications),
      /** Where the flag's key appears in the project's scanned repositories. */
      codeReferences: (project: string, flag: string) => c.get<FlagCodeReferences>(`${F(project, flag)}/code-references`),
    },
    changeRequests: {
      list: (project: string, state?: ChangeRequestState) =>
        c.get<Page<ChangeRequest>>(`${P(project)}/change-requests`, state ? { state } : {}),
      get: (project: string, id: number) => c.get<ChangeRequestWithDiff>(`${P(project)}/change-requests/${id}`),
      create: (
        project: string,
        body: { flag: string; environment: string; title: string; patch: Patch; scheduled_at?: string },
      ) => c.post<ChangeRequest>(`${P(project)}/change-requests`, body),
      comment: (project: string, id: number, body: string) =>
        c.post<ChangeRequest>(`${P(project)}/change-requests/${id}/comments`, { body }),
      approve: (project: string, id: number) => c.post<ChangeRequest>(`${P(project)}/change-requests/${id}/approve`),
      reject: (project: string, id: number, reason?: string) =>
        c.post<ChangeRequest>(`${P(project)}/change-requests/${id}/reject`, reason ? { reason } : {}),
      cancel: (project: string, id: number) => c.post<ChangeRequest>(`${P(project)}/change-requests/${id}/cancel`),
    },
    scheduledChanges: {
      list: (project: string, state?: ScheduledState) =>
        c.get<Page<ScheduledChange>>(`${P(project)}/scheduled-changes`, state ? { state } : {}),
      create: (project: string, body: { flag: string; environment: string; patch: Patch; run_at: string }) =>
        c.post<ScheduledChange>(`${P(project)}/scheduled-changes`, body),
      cancel: (project: string, id: number) => c.post<ScheduledChange>(`${P(project)}/scheduled-changes/${id}/cancel`),
    },
    segments: {
      list: (project: string) => c.get<Page<SegmentSummary>>(`${P(project)}/segments`),
      get: (project: string, key: string) => c.getVersioned<Segment>(`${P(project)}/segments/${seg(key)}`),
      create: (project: string, body: SegmentBody) => c.post<Segment>(`${P(project)}/segments`, body),
      replace: (project: string, key: string, body: SegmentBody, version: number) =>
        c.write<Segment>('PUT', `${P(project)}/segments/${seg(key)}`, toSegmentBody(body), version),
      remove: (project: string, key: string, version: number) => c.delete(`${P(project)}/segments/${seg(key)}`, version),
    },
    sdkKeys: {
      list: (project: string, env: string) => c.get<Page<SdkKey>>(`${P(project)}/environments/${seg(env)}/sdk-keys`),
      create: (project: string, env: string, body: { kind: SdkKeyKind; name?: string; expires_at?: string }) =>
        c.post<CreatedSdkKey>(`${P(project)}/environments/${seg(env)}/sdk-keys`, body),
      revoke: (project: string, env: string, id: string) =>
        c.delete(`${P(project)}/environments/${seg(env)}/sdk-keys/${seg(id)}`),
    },
    webhooks: {
      list: (project: string) => c.get<Page<Webhook>>(`${P(project)}/webhooks`),
      create: (project: string, body: { url: string; event_types: WebhookEventType[]; description?: string }) =>
        c.post<CreatedWebhook>(`${P(project)}/webhooks`, body),
      update: (
        project: string,
        id: string,
        patch: { url?: string; event_types?: WebhookEventType[]; description?: string; enabled?: boolean },
      ) => c.request<Webhook>('PATCH', `${P(project)}/webhooks/${seg(id)}`, { body: patch }).then((r) => r.data),
      remove: (project: string, id: string) => c.delete(`${P(project)}/webhooks/${seg(id)}`),
      deliveries: (project: string, id: string) =>
        c.get<Page<WebhookDelivery>>(`${P(project)}/webhooks/${seg(id)}/deliveries`),
      redeliver: (project: string, id: string, delivery: number) =>
        c.post<WebhookDelivery>(`${P(project)}/webhooks/${seg(id)}/deliveries/${delivery}/redeliver`),
    },
    tokens: {
      /** Newest first; without `limit` the whole list in one page. */
      list: (q: PageQuery = {}, signal?: AbortSignal) => c.get<Page<ApiToken>>('/api/v1/tokens', { ...q }, signal),
      create: (body: { name: string; role: Role; project?: string; expires_at?: string }) =>
        c.post<CreatedApiToken>('/api/v1/tokens', body),
      revoke: (id: string) => c.delete(`/api/v1/tokens/${seg(id)}`),
    },
    users: {
      /** By email; without `limit` the whole list in one page. */
      list: (q: PageQuery = {}, signal?: AbortSignal) => c.get<Page<User>>('/api/v1/users', { ...q }, signal),
      get: (id: string) => c.getVersioned<User>(`/api/v1/users/${seg(id)}`),
      create: (body: { email: string; name?: string; password: string; role: Role }) => c.post<User>('/api/v1/users', body),
      update: (
        id: string,
        patch: { name?: string; role?: Role; password?: string; current_password?: string; disabled?: boolean },
        version: number,
      ) => c.write<User>('PATCH', `/api/v1/users/${seg(id)}`, patch, version),
      remove: (id: string, version: number) => c.delete(`/api/v1/users/${seg(id)}`, version),
    },
    releasePlans: {
      /** The unfinished plan of the flag in the environment, or else its latest; 404 when none. */
      get: (project: string, flag: string, env: string, signal?: AbortSignal) =>
        c.getVersioned<ReleasePlan>(`${F(project, flag)}/environments/${seg(env)}/release-plan`, signal),
      create: (project: string, flag: string, env: string, spec: ReleasePlanSpec) =>
        c.post<ReleasePlan>(`${F(project, flag)}/environments/${seg(env)}/release-plan`, spec),
      /** A hand action, guarded by the plan's version (If-Match): 412 when the plan moved. */
      act: (project: string, flag: string, env: string, action: PlanAction, version: number) =>
        c.write<ReleasePlan>('POST', `${F(project, flag)}/environments/${seg(env)}/release-plan/${action}`, undefined, version),
      verdict: (project: string, flag: string, env: string) =>
        c.get<ReleasePlanVerdict>(`${F(project, flag)}/environments/${seg(env)}/release-plan/verdict`),
    },
    audit: {
      list: (q: AuditQuery, signal?: AbortSignal) => c.get<Page<AuditEntry>>('/api/v1/audit', { ...q }, signal),
    },
    evaluate: (project: string, env: string, context: EvalContext, flag?: string) =>
      c.post<EvaluateResponse>(`${P(project)}/environments/${seg(env)}/evaluate`, flag ? { context, flag } : { context }),
  };
}

export type Endpoints = ReturnType<typeof endpoints>;
export type { Versioned };

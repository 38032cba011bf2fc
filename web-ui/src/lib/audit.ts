// Audit entries for people: what happened ("Turned off", "SDK key revoked") and to what
// ("server key “checkout service” in production"), from the entry alone, so that the
// words stay right after the resource is renamed or deleted.

import type { AuditEntry, JsonValue } from '../api/types';

/** Resource types, as people call them. */
export const RESOURCE_TYPES: Record<string, string> = {
  flag: 'Flag',
  flag_config: 'Flag configuration',
  segment: 'Segment',
  environment: 'Environment',
  project: 'Project',
  sdk_key: 'SDK key',
  api_token: 'API token',
  user: 'User',
  history: 'Change history',
  webhook: 'Webhook',
  change_request: 'Change request',
  scheduled_change: 'Scheduled change',
  release_plan: 'Release plan',
  code_references: 'Code references',
};

const VERBS: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  archive: 'archived',
  restore: 'restored',
  revoke: 'revoked',
  toggle: 'switched',
  renew: 'renewed',
  password_reset: 'password reset',
  redeliver: 'delivery sent again',
  approve: 'approved',
  apply: 'applied',
  conflict: 'conflicted',
  reject: 'rejected',
  cancel: 'cancelled',
  comment: 'commented on',
  schedule: 'scheduled',
  run: 'run',
  fail: 'failed',
  copy: 'copied',
  upload: 'uploaded',
  sso_link: 'linked to single sign-on',
  // Release plans (server/src/store/release_plans.rs).
  start: 'started',
  request_start: 'start requested, waiting for approval',
  pause: 'paused',
  resume: 'resumed',
  advance: 'stepped up',
  complete: 'completed',
  rollback: 'rolled back',
};

const field = (doc: JsonValue | null | undefined, name: string): JsonValue | undefined =>
  doc && typeof doc === 'object' && !Array.isArray(doc) ? doc[name] : undefined;

const words = (code: string) => code.replace(/[_-]+/g, ' ');

/** "Turned off", "Configuration saved", "SDK key revoked"; unknown codes in words. */
export function actionLabel(e: Pick<AuditEntry, 'action' | 'resource_type' | 'after'>): string {
  const dot = e.action.lastIndexOf('.');
  const verb = dot >= 0 ? e.action.slice(dot + 1) : e.action;
  const type = dot >= 0 ? e.action.slice(0, dot) : e.resource_type;
  if (type === 'flag_config' && verb === 'toggle') {
    const on = field(e.after, 'enabled');
    return on === true ? 'Turned on' : on === false ? 'Turned off' : 'Switched';
  }
  if (verb === 'break_glass_off') return 'Turned off (break-glass)';
  if (type === 'flag_config' && verb === 'update') return 'Configuration saved';
  if (type === 'flag_config' && verb === 'patch') return 'Configuration changed';
  if (type === 'flag_config' && verb === 'restore') return 'Earlier version restored';
  const noun = RESOURCE_TYPES[type] ?? words(type).replace(/^./, (c) => c.toUpperCase());
  return `${noun} ${VERBS[verb] ?? words(verb)}`;
}

/** What the entry is about, by name: "new-checkout in production", "server key “ci” in staging". */
export function resourceLabel(e: Pick<AuditEntry, 'resource_type' | 'resource_key' | 'resource_name' | 'environment' | 'before' | 'after'>): string {
  const name = e.resource_name ?? undefined;
  const parts = e.resource_key.split('/');
  const last = parts[parts.length - 1];
  const named = (key: string) => (name && name !== key ? `${name} (${key})` : key);
  switch (e.resource_type) {
    case 'flag_config':
      return `${parts[1] ?? e.resource_key} in ${e.environment ?? parts[2] ?? '?'}`;
    case 'flag':
    case 'segment':
    case 'environment':
      return named(last);
    case 'project':
      return named(e.resource_key);
    case 'sdk_key': {
      const kind = field(e.after, 'kind') ?? field(e.before, 'kind');
      const what = kind === 'server' || kind === 'client' ? `${kind} key` : 'key';
      return `${what} “${name ?? last}” in ${e.environment ?? parts[1] ?? '?'}`;
    }
    case 'api_token':
      return `“${name ?? e.resource_key}”`;
    case 'user':
      return name && name !== e.resource_key ? `${name} <${e.resource_key}>` : e.resource_key;
    case 'release_plan': {
      // `<project>/<flag>/<env>/<id>`
      const [, flag, env, id] = parts;
      return flag && env && id ? `plan ${id} of ${flag} in ${e.environment ?? env}` : e.resource_key;
    }
    case 'webhook': {
      const url = field(e.after, 'url') ?? field(e.before, 'url');
      return typeof url === 'string' ? url : e.resource_key;
    }
    default:
      return name ?? e.resource_key;
  }
}

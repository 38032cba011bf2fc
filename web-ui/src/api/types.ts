// Shapes of the Vexil admin API (see server/src/http and server/src/store).

export type Role = 'viewer' | 'editor' | 'admin' | 'owner';
export const ROLES: Role[] = ['viewer', 'editor', 'admin', 'owner'];

export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Session {
  token: string;
  expires_at: string;
  user: User;
}

/** How the login page lets people in (`GET /api/v1/auth/config`). */
export interface AuthConfig {
  /** False in SSO-only mode: the password form is for the break-glass owner only. */
  password_login: boolean;
  /** The identity provider, when single sign-on is configured. */
  sso: { name: string; login_url: string } | null;
}

export interface SetupState {
  pending: boolean;
  email: string | null;
}

export interface Project {
  key: string;
  name: string;
  description: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Environment {
  key: string;
  name: string;
  position: number;
  requires_approval: boolean;
  /** Approvals a change request needs here (from editors other than its author). */
  required_approvals: number;
  version: number;
  snapshot_version: number;
  created_at: string;
  updated_at: string;
}

export type FlagKind = 'boolean' | 'string' | 'number' | 'json';
export type Lifecycle = 'temporary' | 'permanent';
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface Variant {
  key: string;
  value: JsonValue;
  name?: string;
  description?: string;
}

export interface FlagState {
  enabled: boolean;
  version: number;
}

export interface Flag {
  key: string;
  name: string;
  description: string;
  kind: FlagKind;
  variants: Variant[];
  tags: string[];
  lifecycle: Lifecycle;
  salt: string;
  client_visible: boolean;
  version: number;
  archived: boolean;
  archived_at?: string;
  created_at: string;
  updated_at: string;
  environments: Record<string, FlagState>;
  /** Not evaluated for a while (usage data); absent on servers without usage tracking. */
  stale?: boolean;
  last_evaluated_at?: string | null;
  /** A user's email or a team name; empty for none (absent on older servers). */
  owner?: string;
  links?: FlagLink[];
  /** Free-form string properties by name. */
  properties?: Record<string, string>;
}

export type LinkKind = 'issue' | 'docs' | 'other';

/** A link from a flag to its issue, documentation or anything else. */
export interface FlagLink {
  kind?: LinkKind;
  url: string;
  title?: string;
}

export interface NewFlag {
  key: string;
  name?: string;
  description?: string;
  kind: FlagKind;
  variants?: Variant[];
  tags?: string[];
  lifecycle?: Lifecycle;
  client_visible?: boolean;
}

export interface FlagPatch {
  name?: string;
  description?: string;
  variants?: Variant[];
  tags?: string[];
  lifecycle?: Lifecycle;
  client_visible?: boolean;
  owner?: string;
  links?: FlagLink[];
  properties?: Record<string, string>;
}

export type Op =
  | 'in'
  | 'contains'
  | 'starts_with'
  | 'ends_with'
  | 'matches'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'semver_eq'
  | 'semver_lt'
  | 'semver_lte'
  | 'semver_gt'
  | 'semver_gte'
  | 'before'
  | 'after'
  | 'in_segment'
  | 'exists';

export interface Condition {
  attribute: string;
  op: Op;
  values: JsonValue[];
  negate: boolean;
}

export interface Weight {
  variant: string;
  weight: number;
}

export interface Rollout {
  bucket_by?: string;
  weights: Weight[];
}

export type Serve = { variant: string } | { rollout: Rollout };

export interface Rule {
  id?: string;
  description?: string;
  conditions: Condition[];
  serve: Serve;
}

export interface Target {
  variant: string;
  keys: string[];
}

export interface Prerequisite {
  flag: string;
  variant: string;
}

/** The body of PUT .../flags/{flag}/environments/{env}. */
export interface FlagConfig {
  enabled: boolean;
  off_variant: string;
  targets: Target[];
  rules: Rule[];
  default: Serve;
  prerequisites: Prerequisite[];
  version?: number;
}

/** What a write does to one rollout (`PUT ...?dry_run=true`). Shares are out of 100 000. */
export interface RolloutChange {
  /** `/default` or `/rules/{index}/serve`, into the previewed configuration. */
  pointer: string;
  rule_id?: string;
  layout: 'rebased' | 'compacted' | 'as_sent';
  bucket_by_changed: boolean;
  /** The least share the new weights require to change variant. */
  required: number;
  /** The share that changes variant; null when bucket_by changes. */
  moved: number | null;
}

/** PUT .../flags/{flag}/environments/{env}?dry_run=true. */
export interface ConfigPreview {
  base_version: number;
  config: FlagConfig;
  rollouts: RolloutChange[];
}

/** GET .../flags/{flag}/environments/{env}. */
export interface FlagConfigRecord extends FlagConfig {
  flag: string;
  environment: string;
  version: number;
  updated_at: string;
}

export interface SegmentRule {
  id?: string;
  conditions: Condition[];
}

export interface Segment {
  key: string;
  name: string;
  description: string;
  included: string[];
  excluded: string[];
  rules: SegmentRule[];
  version: number;
  created_at: string;
  updated_at: string;
}

/** A segment as the list shows it: member keys counted, not listed. */
export type SegmentSummary = Omit<Segment, 'included' | 'excluded'> & { included_count: number; excluded_count: number };

export interface SegmentBody {
  key?: string;
  name: string;
  description: string;
  included: string[];
  excluded: string[];
  rules: SegmentRule[];
}

export type SdkKeyKind = 'server' | 'client';

export interface SdkKey {
  id: string;
  name: string;
  kind: SdkKeyKind;
  prefix: string;
  project: string;
  environment: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface CreatedSdkKey extends SdkKey {
  key: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  /** The role it was given. */
  role: Role;
  /** What it may do now: at most the current role of the user it acts for. */
  effective_role: Role;
  project: string | null;
  created_by: string;
  /** The user it acts for; deleting or disabling them revokes the token. */
  created_by_user_id: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreatedApiToken extends ApiToken {
  token: string;
}

/** What a webhook subscription receives. */
export type WebhookEventType = 'flag_changes' | 'change_requests' | 'scheduled_changes' | 'release_plan_decisions' | 'break_glass';
export const WEBHOOK_EVENT_TYPES: { value: WebhookEventType; label: string }[] = [
  { value: 'flag_changes', label: 'Flag changes (flags, configurations, segments)' },
  { value: 'change_requests', label: 'Change requests' },
  { value: 'scheduled_changes', label: 'Scheduled changes' },
  { value: 'release_plan_decisions', label: 'Release plan decisions' },
  { value: 'break_glass', label: 'Break-glass' },
];

export interface Webhook {
  id: string;
  project: string;
  url: string;
  description: string;
  event_types: WebhookEventType[];
  enabled: boolean;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** A new subscription: `secret` (whsec_…) is shown only in this answer. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface WebhookDelivery {
  id: number;
  webhook_id: string;
  /** The webhook-id header, the same for every attempt and redelivery. */
  message_id: string;
  category: WebhookEventType;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  response_code: number | null;
  latency_ms: number | null;
  last_error: string | null;
  response_excerpt: string | null;
  created_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  finished_at: string | null;
  redelivery_of: number | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_key: string;
  project: string | null;
  environment: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
  /** The resource's display name when the change was made (SDK key, token, user...). */
  resource_name?: string | null;
  /** What the author said about the change. */
  comment?: string | null;
}

export interface AuditQuery {
  project?: string;
  resource_type?: string;
  resource_key?: string;
  actor?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

/** An `audit` event of the admin live stream. */
export interface StreamEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_key: string;
  project: string | null;
  environment: string | null;
}

export type AttributeValue = string | number | boolean | string[];

export interface EvalContext {
  key?: string;
  attributes: Record<string, AttributeValue>;
}

export type Reason = 'DISABLED' | 'PREREQUISITE_FAILED' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'ERROR';
export type Outcome = 'matched' | 'not_matched' | 'missing' | 'type_mismatch';

export interface EvaluationRecord {
  value?: JsonValue;
  variant?: string;
  reason: Reason;
  rule_index?: number;
  rule_id?: string;
  prerequisite?: string;
  error_code?: string;
}

export interface ConditionTrace {
  index: number;
  attribute: string;
  op: Op;
  negate: boolean;
  actual: JsonValue | null;
  outcome: Outcome;
  holds: boolean;
  /** With `type_mismatch`: why the value cannot be compared. */
  mismatch?: string;
}

export interface RuleTrace {
  index: number;
  id: string;
  matched: boolean;
  conditions: ConditionTrace[];
}

export interface Explanation {
  flag: string;
  result: EvaluationRecord;
  enabled: boolean | null;
  prerequisites: { flag: string; required_variant: string; served_variant: string | null; holds: boolean }[];
  target_matched: boolean | null;
  rules: RuleTrace[];
  bucket: { bucket_by: string; hashed_value: string; fell_back_to_key: boolean; bucket: number } | null;
}

export interface EvaluateResponse {
  environment: string;
  version: number;
  results: Explanation[];
}

export interface UsageSeries {
  variant: string;
  points: { at: string; count: number }[];
}

/** An application whose SDK reported evaluating a flag in an environment. */
export interface ApplicationSeen {
  environment: string;
  name: string;
  /** Absent when the SDK sent none. */
  version?: string;
  last_seen_at: string;
}

export interface Usage {
  flag: string;
  environment: string;
  step_seconds: number;
  series: UsageSeries[];
}

/** One step of a metric series. */
export interface MetricPoint {
  at: string;
  count: number;
  mean: number;
}

/** One variant's figures for one metric event. */
export interface VariantMetric {
  variant: string;
  count: number;
  mean: number;
  /** Sample standard deviation; null for fewer than two events. */
  std_dev: number | null;
  points: MetricPoint[];
}

/** The metric events attributed to a flag's variants in one environment. */
export interface MetricReadout {
  flag: string;
  environment: string;
  step_seconds: number;
  events: { event: string; variants: VariantMetric[] }[];
}

/** One instruction of a semantic patch (`kind` names it; see the OpenAPI `Instruction`). */
export type Instruction = { kind: string } & { [field: string]: JsonValue };

/** A semantic patch: instructions applied in order to the current configuration. */
export interface Patch {
  instructions: Instruction[];
  comment?: string;
}

export type ChangeRequestState = 'open' | 'applied' | 'scheduled' | 'rejected' | 'cancelled' | 'conflicted';

/** A change waiting for approvals (`/projects/{project}/change-requests`). */
export interface ChangeRequest {
  id: number;
  flag: string;
  environment: string;
  title: string;
  patch: Patch;
  base_version: number;
  author: string;
  state: ChangeRequestState;
  reason?: string;
  scheduled_at?: string;
  applied_version?: number;
  scheduled_change_id?: number;
  required_approvals: number;
  approvals: { actor: string; at: string }[];
  comments: { id: number; actor: string; body: string; at: string }[];
  version: number;
  created_at: string;
  updated_at: string;
}

/** A change request with the current configuration and what it would make of it. */
export interface ChangeRequestWithDiff extends ChangeRequest {
  diff: { before: FlagConfig; after?: FlagConfig; problem?: string };
}

export type ScheduledState = 'pending' | 'done' | 'failed' | 'cancelled';

/** A change applied at a set time (`/projects/{project}/scheduled-changes`). */
export interface ScheduledChange {
  id: number;
  flag: string;
  environment: string;
  patch: Patch;
  run_at: string;
  state: ScheduledState;
  author: string;
  change_request_id?: number;
  ran_at?: string;
  ran_late: boolean;
  late_by_ms?: number;
  reason?: string;
  result_version?: number;
  version: number;
  created_at: string;
  updated_at: string;
}

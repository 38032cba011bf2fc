// Names for the Vexil admin API's shapes, over the types that `npm run api-types` generates
// from the OpenAPI document (`openapi/generated.yaml`) into `schema.gen.ts`. Never edit a
// shape here: change the server and its document, then regenerate.

import type { components, operations } from './schema.gen';

type S = components['schemas'];
/** The JSON body of an operation's 200 answer. */
type Json<O> = O extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

export type Role = S["Role"];
export const ROLES: Role[] = ['viewer', 'editor', 'admin', 'owner'];

export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

export type User = S["User"];

export type Session = S["LoginResponse"];

/** How the login page lets people in (`GET /api/v1/auth/config`). */
export type AuthConfig = Json<operations["get_auth_config"]>;

export type SetupState = Json<operations["get_setup"]>;

export type Project = S["Project"];

export type Environment = S["Environment"];

export type FlagKind = S["FlagKind"];
export type Lifecycle = S["Lifecycle"];
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export type Variant = S["Variant"];

export type FlagState = S["FlagState"];

export type Flag = S["FlagRecord"];
/** A link from a flag to its issue, documentation or anything else. */
export type FlagLink = S["FlagLink"];
export type LinkKind = NonNullable<FlagLink["kind"]>;

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

export type FlagPatch = S["FlagPatch"];

export type Op = S["Op"];

export interface Condition {
  attribute: string;
  op: Op;
  values: JsonValue[];
  negate: boolean;
}

export type Weight = S["Weight"];

export type Rollout = S["Rollout"];

export type Serve = S["Serve"];

export interface Rule {
  id?: string;
  description?: string;
  conditions: Condition[];
  serve: Serve;
}

export type Target = S["Target"];

export type Prerequisite = S["Prerequisite"];

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
export type RolloutChange = S["RolloutChange"];

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

export type SdkKeyKind = S["SdkKeyKind"];

export type SdkKey = S["SdkKey"];

export type CreatedSdkKey = S["CreatedKey"];

export type ApiToken = S["ApiToken"];

export type CreatedApiToken = S["CreatedToken"];

/** What a webhook subscription receives. */
export type WebhookEventType = S["WebhookEventType"];
export const WEBHOOK_EVENT_TYPES: { value: WebhookEventType; label: string }[] = [
  { value: 'flag_changes', label: 'Flag changes (flags, configurations, segments)' },
  { value: 'change_requests', label: 'Change requests' },
  { value: 'scheduled_changes', label: 'Scheduled changes' },
  { value: 'release_plan_decisions', label: 'Release plan decisions' },
  { value: 'break_glass', label: 'Break-glass' },
];

export type Webhook = S["Webhook"];

/** A new subscription: `secret` (whsec_…) is shown only in this answer. */
export type CreatedWebhook = S["CreatedWebhook"];

export type WebhookDelivery = S["WebhookDelivery"];

export type AuditEntry = S["AuditEntry"];

export type AuditQuery = NonNullable<operations["list_audit"]["parameters"]["query"]>;

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

/** An attribute value: the debugger reads any JSON value, as OFREP does. */
export type AttributeValue = NonNullable<S["DebugContext"]["attributes"]>[string];

export interface EvalContext {
  key?: string;
  attributes: Record<string, AttributeValue>;
}

export type Reason = S["ReasonKind"];
export type Outcome = S["Outcome"];

export type EvaluationRecord = S["EvaluationRecord"];

export type ConditionTrace = S["ConditionTrace"];

export type RuleTrace = S["RuleTrace"];

export type Explanation = S["Explanation"];

export type EvaluateResponse = S["EvaluateResponse"];

export interface UsageSeries {
  variant: string;
  points: { at: string; count: number }[];
}

/** An application whose SDK reported evaluating a flag in an environment. */
export type ApplicationSeen = S["ApplicationSeen"];

/** One flag's code references over the project's scanned repositories (`vexil refs scan --upload`). */
export type FlagCodeReferences = S["FlagCodeReferences"];

/** A project's code references: the scans and, per key found in code, the totals. */
export type ProjectCodeReferences = S["ProjectCodeReferences"];

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

export type ChangeRequestState = S["ChangeRequestState"];

/** A change waiting for approvals (`/projects/{project}/change-requests`). */
export type ChangeRequest = S["ChangeRequest"];

/** A change request with the current configuration and what it would make of it. */
export type ChangeRequestWithDiff = S["ChangeRequestWithDiff"];

export type ScheduledState = S["ScheduledState"];

/** A change applied at a set time (`/projects/{project}/scheduled-changes`). */
export type ScheduledChange = S["ScheduledChange"];

// The shapes above that are written by hand are tighter than the document's (which also
// describes what the server accepts with defaults left out). The compiler checks that
// they still fit it: what the dashboard sends must be a valid request body, and what the
// server answers must fit what the dashboard reads. Not checked yet, because the document
// marks fields with a default as always present (so the dashboard's partial `NewFlag` and
// a `FlagConfig` without `version` do not fit) and leaves a rule's `conditions` optional in
// answers: NewFlag, FlagConfig, Patch, FlagConfigRecord, Segment, ConfigPreview.
type Accepts<Wide, Narrow> = [Narrow] extends [Wide] ? true : false;
type Fits<T extends Record<string, true>> = T;
export type ShapesFitTheDocument = Fits<{
  Condition: Accepts<S['Condition'], Condition>;
  Rule: Accepts<S['Rule'], Rule>;
  SegmentRule: Accepts<S['SegmentRule'], SegmentRule>;
  SegmentBody: Accepts<S['SegmentBody'], SegmentBody>;
  Usage: Accepts<Usage, S['UsageSeries']>;
}>;

export type ReleasePlan = S["ReleasePlan"];
export type ReleasePlanSpec = S["ReleasePlanSpec"];
export type ReleasePlanStep = S["ReleasePlanStep"];
export type ReleasePlanGuardrail = S["ReleasePlanGuardrail"];
export type ReleasePlanVerdict = S["ReleasePlanVerdict"];
export type PlanState = ReleasePlan["state"];
/** The hand actions on a plan, as the last segment of their route. */
export type PlanAction = 'start' | 'pause' | 'resume' | 'advance' | 'rollback';

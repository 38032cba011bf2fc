import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api/types';
import { actionLabel, resourceLabel } from './audit';

const entry = (e: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  at: '2026-01-31T12:00:00Z',
  actor: 'user:ada@example.com',
  action: 'flag.create',
  resource_type: 'flag',
  resource_key: 'default/new-checkout',
  project: 'default',
  environment: null,
  before: null,
  after: null,
  resource_name: null,
  comment: null,
  ...e,
});

describe('audit entries in words', () => {
  it('labels actions, toggles by their direction', () => {
    expect(actionLabel(entry({ action: 'flag_config.toggle', resource_type: 'flag_config', after: { enabled: false } }))).toBe('Turned off');
    expect(actionLabel(entry({ action: 'flag_config.toggle', resource_type: 'flag_config', after: { enabled: true } }))).toBe('Turned on');
    expect(actionLabel(entry({ action: 'flag_config.update', resource_type: 'flag_config' }))).toBe('Configuration saved');
    expect(actionLabel(entry({ action: 'flag_config.restore', resource_type: 'flag_config' }))).toBe('Earlier version restored');
    expect(actionLabel(entry({ action: 'flag_config.patch', resource_type: 'flag_config' }))).toBe('Configuration changed');
    expect(actionLabel(entry({ action: 'sdk_key.revoke', resource_type: 'sdk_key' }))).toBe('SDK key revoked');
    expect(actionLabel(entry({ action: 'api_token.create', resource_type: 'api_token' }))).toBe('API token created');
    expect(actionLabel(entry({ action: 'user.reset_password', resource_type: 'user' }))).toBe('User reset password');
    expect(actionLabel(entry({ action: 'user.password_reset', resource_type: 'user' }))).toBe('User password reset');
    expect(actionLabel(entry({ action: 'history.renew', resource_type: 'history' }))).toBe('Change history renewed');
    expect(actionLabel(entry({ action: 'webhook.redeliver', resource_type: 'webhook' }))).toBe('Webhook delivery sent again');
    expect(actionLabel(entry({ action: 'flag.break_glass_off', resource_type: 'flag_config' }))).toBe('Turned off (break-glass)');
    expect(actionLabel(entry({ action: 'change_request.approve', resource_type: 'change_request' }))).toBe('Change request approved');
    expect(actionLabel(entry({ action: 'scheduled_change.run', resource_type: 'scheduled_change' }))).toBe('Scheduled change run');
  });

  it('names resources by their names, not ids', () => {
    expect(
      resourceLabel(entry({ resource_type: 'sdk_key', resource_key: 'default/production/3f2a9c', resource_name: 'checkout service', environment: 'production', after: { kind: 'server' } })),
    ).toBe('server key “checkout service” in production');
    expect(resourceLabel(entry({ resource_type: 'api_token', resource_key: '8d1e', resource_name: 'ci deploys' }))).toBe('“ci deploys”');
    expect(resourceLabel(entry({ resource_type: 'user', resource_key: 'ada@example.com', resource_name: 'Ada Lovelace' }))).toBe('Ada Lovelace <ada@example.com>');
    expect(resourceLabel(entry({ resource_type: 'webhook', resource_key: 'default/4d99', before: { url: 'https://hooks.example.com/in' } }))).toBe('https://hooks.example.com/in');
    expect(resourceLabel(entry({ resource_type: 'flag_config', resource_key: 'default/new-checkout/production', environment: 'production' }))).toBe('new-checkout in production');
    expect(resourceLabel(entry({ resource_name: 'New checkout' }))).toBe('New checkout (new-checkout)');
    expect(resourceLabel(entry({ resource_name: 'new-checkout' }))).toBe('new-checkout');
  });
});

describe('release plan entries in words', () => {
  // Every release_plan.* action the server writes (server/src/store/release_plans.rs).
  const actions: [string, string][] = [
    ['release_plan.create', 'Release plan created'],
    ['release_plan.request_start', 'Release plan start requested, waiting for approval'],
    ['release_plan.start', 'Release plan started'],
    ['release_plan.pause', 'Release plan paused'],
    ['release_plan.resume', 'Release plan resumed'],
    ['release_plan.advance', 'Release plan stepped up'],
    ['release_plan.complete', 'Release plan completed'],
    ['release_plan.rollback', 'Release plan rolled back'],
  ];
  it.each(actions)('words %s for people', (action, label) => {
    expect(actionLabel(entry({ action, resource_type: 'release_plan', resource_key: 'default/checkout/production/7' }))).toBe(label);
  });

  it('names a plan by its id, flag and environment', () => {
    expect(resourceLabel(entry({ resource_type: 'release_plan', resource_key: 'default/checkout/production/7', environment: 'production' }))).toBe('plan 7 of checkout in production');
  });

  it('words the other actions the audit log holds', () => {
    expect(actionLabel(entry({ action: 'flag_config.copy', resource_type: 'flag_config' }))).toBe('Flag configuration copied');
    expect(actionLabel(entry({ action: 'code_references.upload', resource_type: 'code_references' }))).toBe('Code references uploaded');
    expect(actionLabel(entry({ action: 'user.sso_link', resource_type: 'user' }))).toBe('User linked to single sign-on');
  });
});

import { describe, expect, it } from 'vitest';
import { isProtected, protectionReason } from './protect';

const env = (key: string, name: string, requires_approval = false) => ({ key, name, requires_approval });

describe('protected environments', () => {
  it('protects production by key or name, and environments that require approval', () => {
    expect(isProtected(env('production', 'Production'))).toBe(true);
    expect(isProtected(env('prod', ''))).toBe(true);
    expect(isProtected(env('eu-1', 'EU production'))).toBe(true);
    expect(isProtected(env('qa', 'QA', true))).toBe(true);
    expect(isProtected(env('staging', 'Staging'))).toBe(false);
    expect(isProtected(env('productivity', 'Productivity tools'))).toBe(false);
  });

  it('says why', () => {
    expect(protectionReason(env('qa', 'QA', true))).toBe('QA requires approval for changes.');
    expect(protectionReason(env('production', 'Production'))).toBe('Production is a production environment.');
  });
});

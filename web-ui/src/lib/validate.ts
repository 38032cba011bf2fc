// Client-side checks of a configuration before it is sent. The server decides; these
// only warn early, with the same JSON pointers the server uses.

import type { FlagConfig, Serve } from '../api/types';
import { rolloutProblems } from './rollout';
import { conditionProblems } from './rules';

export interface Warning {
  pointer: string;
  message: string;
}

function serveProblems(pointer: string, s: Serve, variants: string[]): Warning[] {
  if ('variant' in s) {
    return variants.includes(s.variant) ? [] : [{ pointer: `${pointer}/variant`, message: `Unknown variant "${s.variant}"` }];
  }
  return rolloutProblems(s.rollout, variants).map((message) => ({ pointer: `${pointer}/rollout/weights`, message }));
}

export function configWarnings(c: FlagConfig, variants: string[], segments?: string[]): Warning[] {
  const out: Warning[] = [];
  if (!variants.includes(c.off_variant)) out.push({ pointer: '/off_variant', message: `Unknown variant "${c.off_variant}"` });
  c.targets.forEach((t, i) => {
    if (t.keys.length && !variants.includes(t.variant)) out.push({ pointer: `/targets/${i}/variant`, message: `Unknown variant "${t.variant}"` });
  });
  const seen = new Map<string, string>();
  c.targets.forEach((t) =>
    t.keys.forEach((k) => {
      const other = seen.get(k);
      if (other && other !== t.variant) out.push({ pointer: '/targets', message: `Key "${k}" is targeted to both ${other} and ${t.variant}` });
      seen.set(k, t.variant);
    }),
  );
  c.rules.forEach((r, i) => {
    r.conditions.forEach((cond, j) =>
      conditionProblems(cond, segments).forEach((p) => out.push({ pointer: `/rules/${i}/conditions/${j}${p.pointer}`, message: p.message })),
    );
    out.push(...serveProblems(`/rules/${i}/serve`, r.serve, variants));
  });
  out.push(...serveProblems('/default', c.default, variants));
  c.prerequisites.forEach((p, i) => {
    if (!p.flag) out.push({ pointer: `/prerequisites/${i}/flag`, message: 'Choose a flag' });
    if (!p.variant) out.push({ pointer: `/prerequisites/${i}/variant`, message: 'Choose a variant' });
  });
  return out;
}

/** "/rules/0/conditions/1/values/0" → "Rule 1, condition 2, value 1". */
export function describePointer(pointer: string): string {
  const parts = pointer.split('/').slice(1);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const n = parts[i + 1];
    const idx = n !== undefined && /^\d+$/.test(n) ? Number(n) + 1 : undefined;
    const names: Record<string, string> = {
      rules: 'rule',
      conditions: 'condition',
      values: 'value',
      targets: 'target',
      keys: 'key',
      prerequisites: 'prerequisite',
      weights: 'weight',
      variants: 'variant',
    };
    if (names[p] && idx !== undefined) {
      out.push(`${names[p]} ${idx}`);
      i++;
    } else out.push(p.replace(/_/g, ' '));
  }
  const s = out.join(', ');
  return s ? s[0].toUpperCase() + s.slice(1) : 'The configuration';
}

// What an empty list says: what is empty for the filter or tab in force, never "nothing
// yet" when only the filter left nothing (a project with flags but none stale has flags).

import type { AuditQuery } from '../api/types';

export interface EmptyWords {
  title: string;
  description: string;
}

export type FlagsView = 'active' | 'stale' | 'archived';

/** The flags list's empty state; `create`: offer to create the first flag. */
export function flagsEmpty({ q, tag, owner, view }: { q: string; tag: string; owner: string; view: FlagsView }): EmptyWords & { create: boolean } {
  const noun = view === 'stale' ? 'stale flags' : view === 'archived' ? 'archived flags' : 'flags';
  const filters = [q && `matching “${q}”`, tag && `tagged “${tag}”`, owner && `owned by “${owner}”`].filter(Boolean);
  if (filters.length > 0) {
    return {
      title: `No ${noun} match`,
      description: `No ${noun.replace(/s$/, '')} ${filters.join(', ')}. Try another search, tag or owner${view === 'active' ? '' : ', or the other tabs'}.`,
      create: false,
    };
  }
  if (view === 'stale') {
    return {
      title: 'No stale flags',
      description: 'No flag has gone unevaluated for longer than the stale period. Flags that no SDK evaluates any more show up here, ready to clean up.',
      create: false,
    };
  }
  if (view === 'archived') {
    return { title: 'No archived flags', description: 'Flags you archive show up here, where you can restore them.', create: false };
  }
  return { title: 'No flags yet', description: 'Create a flag to start releasing features on your own schedule.', create: true };
}

/** The audit log's filters in words, in the order of the form. */
export function auditFilterWords(q: AuditQuery, typeLabel: (type: string) => string = (t) => t): string[] {
  return [
    q.project && `in project ${q.project}`,
    q.resource_type && `on ${typeLabel(q.resource_type).toLowerCase()} resources`,
    q.resource_key && (q.resource_key.endsWith('/') ? `under ${q.resource_key}` : `for ${q.resource_key}`),
    q.actor && `by ${q.actor}`,
    q.since && `since ${new Date(q.since).toLocaleString()}`,
    q.until && `until ${new Date(q.until).toLocaleString()}`,
  ].filter((w): w is string => !!w);
}

export function auditEmpty(q: AuditQuery, typeLabel?: (type: string) => string): EmptyWords {
  const words = auditFilterWords(q, typeLabel);
  if (words.length === 0) return { title: 'No entries yet', description: 'Changes show up here as they happen.' };
  return { title: 'No entries match these filters', description: `No audit entry ${words.join(', ')}. Change or clear the filters.` };
}

/** The change requests list, by the state picked. */
export function changeRequestsEmpty(state: string): EmptyWords {
  if (state === 'open') return { title: 'Nothing waits for approval', description: 'No change request is open in this project.' };
  if (state === 'all') return { title: 'No change requests yet', description: 'Changes to environments that require approval show up here as requests.' };
  return { title: `No ${state} change requests`, description: `No change request of this project is ${state}; pick another state to see the others.` };
}

/** The scheduled changes list, by the state picked. */
export function scheduledEmpty(state: string): EmptyWords {
  if (state === 'pending') return { title: 'Nothing is scheduled', description: 'No change waits for its time in this project.' };
  if (state === 'all') return { title: 'No scheduled changes yet', description: 'Changes scheduled for a later time show up here.' };
  const what = state === 'done' ? 'has run' : state === 'failed' ? 'has failed' : `is ${state}`;
  return { title: `No ${state} scheduled changes`, description: `No scheduled change of this project ${what}; pick another state to see the others.` };
}

/** The API tokens list: all revoked and hidden is not "no tokens". */
export function tokensEmpty(hiddenRevoked: number): EmptyWords {
  if (hiddenRevoked > 0) {
    return {
      title: 'No live API tokens',
      description: `${hiddenRevoked} revoked token${hiddenRevoked === 1 ? ' is' : 's are'} hidden: turn on “Show revoked” to see ${hiddenRevoked === 1 ? 'it' : 'them'}, or create a new one.`,
    };
  }
  return { title: 'No API tokens', description: 'Create one for automation.' };
}

import { useSyncExternalStore } from 'react';
import { sessions } from '../api';
import type { Session } from '../api/types';

/** The current login session (shared by every tab), or null. */
export function useSession(): Session | null {
  return useSyncExternalStore(
    (cb) => sessions.subscribe(cb),
    () => sessions.current,
    () => null,
  );
}

export const roleRank = { viewer: 0, editor: 1, admin: 2, owner: 3 } as const;

/** Whether the logged-in user has at least `role`. */
export function useCan(role: keyof typeof roleRank): boolean {
  const s = useSession();
  return !!s && roleRank[s.user.role] >= roleRank[role];
}

// The dashboard's one API client, wired to the shared login session.

import { ApiClient } from './client';
import { endpoints } from './endpoints';
import { SessionManager } from './session';

export const sessions = new SessionManager();

export const client = new ApiClient({
  tokens: {
    get: () => sessions.token(),
    recover: (refused) => sessions.recover(refused),
    expired: () => sessions.expire(),
  },
});

export const api = endpoints(client);

sessions.setRefresher(() => api.auth.refresh());

export { ApiError, errorMessage } from './client';
export type * from './types';

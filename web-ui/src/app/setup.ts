import { api, ApiError } from '../api';
import type { SetupState } from '../api/types';

let cached: Promise<SetupState> | undefined;

/** Whether the server waits for its first owner; servers without set-up say no. */
export function setupState(force = false): Promise<SetupState> {
  if (!cached || force) {
    cached = api.setup.state().catch((e) => {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return { pending: false, email: null };
      cached = undefined;
      throw e;
    });
  }
  return cached;
}

export function forgetSetupState() {
  cached = undefined;
}

// Which environments a switch must not flip on a single click: those that require
// approval for changes, and production by name.

import type { Environment } from '../api/types';

const PRODUCTION = /^(prod|production|prd|live)$/i;

/** Whether toggling a flag in `env` asks for confirmation (and offers a comment). */
export function isProtected(env: Pick<Environment, 'key' | 'name' | 'requires_approval'>): boolean {
  return env.requires_approval || PRODUCTION.test(env.key) || PRODUCTION.test(env.name.trim()) || /\bproduction\b/i.test(env.name);
}

/** Why `env` is protected, for the confirmation dialog. */
export function protectionReason(env: Pick<Environment, 'key' | 'name' | 'requires_approval'>): string {
  const name = env.name || env.key;
  return env.requires_approval ? `${name} requires approval for changes.` : `${name} is a production environment.`;
}

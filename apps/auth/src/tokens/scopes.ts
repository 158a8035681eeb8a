import { OAuthError } from './oauth-error';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** The requested scopes (space separated, RFC 6749 §3.3), or all the client may have when none is asked. */
export function grantScopes(requested: string | undefined, allowed: readonly string[]): string {
  const asked = (requested ?? '').split(' ').filter(Boolean);
  if (asked.length === 0) return [...allowed].join(' ');
  const unknown = asked.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new OAuthError('invalid_scope', `unknown scope: ${unknown.join(' ')}`);
  const forbidden = asked.filter((s) => !allowed.includes(s));
  if (forbidden.length) throw new OAuthError('invalid_scope', `scope not allowed for this client: ${forbidden.join(' ')}`);
  return [...new Set(asked)].join(' ');
}

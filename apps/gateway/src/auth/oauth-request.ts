import { OAUTH_PARAMETER_MAX_CHARS, storableText } from '@chat4all/contracts';

// Parsing of OAuth 2.0 token-endpoint requests (RFC 6749 §2.3.1, §4.4.2, §6; RFC 7009 §2.1).

export class OAuthRequestError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type',
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export interface ClientAuth {
  clientId?: string;
  clientSecret?: string;
  /** Credentials came in the Authorization header: a 401 must then challenge with Basic. */
  viaBasic: boolean;
}

type Body = Record<string, unknown>;

export function bodyOf(raw: unknown): Body {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new OAuthRequestError('invalid_request', 'body must be form-encoded or a JSON object');
  return raw as Body;
}

// Empty values mean "absent" (RFC 6749 §3.1), decided by the caller.
const parameterSchema = storableText({ min: 0, max: OAUTH_PARAMETER_MAX_CHARS });

/** A parameter's value checked like any client text (no NUL, valid Unicode, bounded): invalid_request naming it otherwise. */
function checked(name: string, value: string): string {
  const result = parameterSchema.safeParse(value);
  if (!result.success) throw new OAuthRequestError('invalid_request', `${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return value;
}

/** One string parameter; repeated or non-string values are invalid (RFC 6749 §3.1). */
export function param(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new OAuthRequestError('invalid_request', `${name} must be a single string`);
  return checked(name, value);
}

export function clientAuth(authorization: string | undefined, body: Body): ClientAuth {
  const inBody = { clientId: param(body, 'client_id'), clientSecret: param(body, 'client_secret') };
  if (!authorization) return { ...inBody, viaBasic: false };
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(authorization.trim());
  if (!match?.[1]) throw new OAuthRequestError('invalid_client', 'unsupported Authorization scheme: use Basic', 401);
  if (inBody.clientSecret) throw new OAuthRequestError('invalid_request', 'use one client authentication method, not both');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthRequestError('invalid_client', 'malformed Basic credentials', 401);
  // Both parts are form-urlencoded before being joined (RFC 6749 §2.3.1).
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      throw new OAuthRequestError('invalid_client', 'malformed Basic credentials', 401);
    }
  };
  return { clientId: checked('client_id', decode(decoded.slice(0, colon))), clientSecret: checked('client_secret', decode(decoded.slice(colon + 1))), viaBasic: true };
}

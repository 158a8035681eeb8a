import { z } from 'zod';
import { OAUTH_PARAMETER_MAX_CHARS } from '../limits';
import { timestamp, uuid } from './common';

// OAuth 2.0 (RFC 6749 client credentials and refresh, RFC 7009 revocation). The token endpoint parses
// its form itself (gateway/auth/oauth-request.ts: Basic or body credentials, RFC 6749 §2.3.1); these
// schemas describe it for clients.

export const SCOPES = { read: 'Read conversations, messages and files.', write: 'Send messages, create conversations, upload files.', admin: 'Operate the platform (dead letters).' } as const;
// An empty parameter counts as absent (RFC 6749 §3.1): a given one has at least one character.
// No NUL: parameters are checked like any client text (storableText).
// eslint-disable-next-line no-control-regex -- the NUL is what the pattern is about
const param = z.string().min(1).max(OAUTH_PARAMETER_MAX_CHARS).regex(/^[^\x00]*$/);

export const tokenRequestSchema = z
  .object({
    grant_type: z.enum(['client_credentials', 'refresh_token']),
    client_id: param.optional().meta({ description: 'Or in the Authorization: Basic header.' }),
    client_secret: param.optional().meta({ description: 'Or in the Authorization: Basic header.' }),
    scope: param.optional().meta({ description: 'Space-separated subset of the client scopes (read write admin); default: all of them.' }),
    refresh_token: param.optional().meta({ description: 'With grant_type=refresh_token.' }),
  })
  .meta({ id: 'TokenRequest' });

export const refreshRequestSchema = z
  .object({ grant_type: z.literal('refresh_token').optional(), refresh_token: param, client_id: param.optional() })
  .meta({ id: 'RefreshRequest' });

export const revokeRequestSchema = z
  .object({ token: param, token_type_hint: z.enum(['access_token', 'refresh_token']).optional(), client_id: param.optional(), client_secret: param.optional() })
  .meta({ id: 'RevokeRequest' });

export const tokenResponseSchema = z
  .object({
    access_token: z.string().meta({ description: 'A JWT (RS256), verified with /.well-known/jwks.json.' }),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().min(1).meta({ description: 'Seconds until the access token expires.' }),
    refresh_token: z.string(),
    scope: z.string(),
  })
  .meta({ id: 'TokenResponse' });
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const oauthErrorSchema = z
  .object({ error: z.enum(['invalid_request', 'invalid_client', 'invalid_grant', 'invalid_scope', 'unauthorized_client', 'unsupported_grant_type', 'temporarily_unavailable', 'server_error']), error_description: z.string() })
  .meta({ id: 'OAuthError', description: 'RFC 6749 §5.2 error: what OAuth client libraries parse.' });

export const jwksSchema = z
  .object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string(), use: z.string().optional(), alg: z.string().optional(), n: z.string().optional(), e: z.string().optional() })) })
  .meta({ id: 'JsonWebKeySet' });

export const meSchema = z
  .object({ user_id: uuid, client_id: z.string(), tenant_id: z.string(), scopes: z.array(z.string()), token_expires_at: timestamp })
  .meta({ id: 'Me' });
export type MeView = z.infer<typeof meSchema>;

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { InvalidTokenError, KeysUnavailableError, type Principal, type TokenVerifier } from './token-verifier';

// The WebSocket variant of the guard (FR-AUTH-08, NFR-019): the token travels as `?token=` and is
// checked on the HTTP upgrade request, so a bad one is refused with a plain HTTP answer before the
// connection becomes a WebSocket: no frame is ever sent to it.
export async function authenticateUpgrade(verifier: TokenVerifier, request: IncomingMessage): Promise<Principal> {
  const token = new URL(request.url ?? '/', 'http://upgrade').searchParams.get('token');
  if (!token) throw new InvalidTokenError('missing token query parameter');
  return verifier.verify(token);
}

export function refuseUpgrade(socket: Duplex, error: unknown): void {
  const unavailable = error instanceof KeysUnavailableError;
  const reason = error instanceof InvalidTokenError ? error.reason : 'token could not be verified';
  const lines = unavailable
    ? ['HTTP/1.1 503 Service Unavailable', 'Retry-After: 5']
    : ['HTTP/1.1 401 Unauthorized', `WWW-Authenticate: Bearer realm="chat4all", error="invalid_token", error_description="${reason.replace(/["\\]/g, '')}"`];
  const body = JSON.stringify({
    type: `https://chat4all.dev/problems/${unavailable ? 'auth-unavailable' : 'invalid-token'}`,
    title: unavailable ? 'Token verification is temporarily unavailable' : 'Invalid access token',
    status: unavailable ? 503 : 401,
    detail: unavailable ? 'Retry shortly.' : reason,
  });
  socket.end(
    [...lines, 'Content-Type: application/problem+json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n'),
  );
}

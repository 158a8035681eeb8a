import { randomUUID } from 'node:crypto';
import { adminCli } from './admin-cli';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** A user of the suite's database with an API client, signed in through the gateway's /auth/token. */
export interface Caller extends ClientCredentials {
  userId: string;
  userName: string;
  token: string;
  refreshToken: string;
}

/** A client-credentials token pair from POST /auth/token on `gatewayUrl`. */
export async function clientToken(gatewayUrl: string, client: ClientCredentials): Promise<{ token: string; refreshToken: string }> {
  const res = await fetch(`${gatewayUrl}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }).toString(),
  });
  if (res.status !== 200) throw new Error(`POST /auth/token answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { access_token: string; refresh_token: string };
  return { token: body.access_token, refreshToken: body.refresh_token };
}

/** A new user named `<prefix>-<uuid>` with an API client of `scopes` (admin CLI), and its first token. */
export async function newCaller(gatewayUrl: string, prefix: string, scopes = 'read,write'): Promise<Caller> {
  const user = adminCli('create-user', `${prefix}-${randomUUID()}`);
  const client = adminCli('create-client', user.name, '--scopes', scopes);
  const credentials = { clientId: client.client_id, clientSecret: client.client_secret };
  return { userId: user.user_id, userName: user.name, ...credentials, ...(await clientToken(gatewayUrl, credentials)) };
}

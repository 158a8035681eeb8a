import { Chat4AllError } from './errors';
import type { FetchLike } from './transport';

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working (epoch ms, from expires_in). */
  expiresAt: number;
  /** When it was issued (epoch ms). */
  issuedAt?: number;
  scope: string;
}

export interface TokenSourceOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to ask for (default: all the client has). */
  scope?: string;
  /** Refresh this long before expiry (default: 60 s, at most a fifth of the token's lifetime). */
  refreshMarginMs?: number;
  fetch: FetchLike;
  now?: () => number;
}

/**
 * OAuth 2.0 client credentials with refresh before expiry: one token request at a time however many
 * calls need a token, the refresh token first (single-use, rotated) and a new client-credentials grant
 * when it is refused.
 */
export class TokenSource {
  private current?: TokenSet;
  private pending?: Promise<TokenSet>;
  private readonly now: () => number;

  constructor(private readonly options: TokenSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The current token set, if any (e.g. to persist the refresh token). */
  get tokens(): TokenSet | undefined {
    return this.current;
  }

  /** A valid access token: the current one, or a fresh one when it is about to expire. */
  async accessToken(): Promise<string> {
    const t = this.current;
    if (t && this.now() < t.expiresAt - this.margin(t)) return t.accessToken;
    return (await this.renew()).accessToken;
  }

  /** Gets a new token now (e.g. after the API refused the current one). Concurrent calls share one request. */
  renew(): Promise<TokenSet> {
    this.pending ??= this.fetchTokens().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Revokes the refresh token (ends the session) and forgets the tokens. */
  async revoke(): Promise<void> {
    const t = this.current;
    this.current = undefined;
    if (t) await this.post('/auth/revoke', { token: t.refreshToken, token_type_hint: 'refresh_token' });
  }

  private margin(t: TokenSet): number {
    const lifetime = t.expiresAt - (t.issuedAt ?? t.expiresAt);
    return Math.min(this.options.refreshMarginMs ?? 60_000, lifetime / 5);
  }

  private async fetchTokens(): Promise<TokenSet> {
    const refreshToken = this.current?.refreshToken;
    if (refreshToken) {
      try {
        return this.store(await this.post('/auth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }));
      } catch (error) {
        // An expired, revoked or already used refresh token: sign in again with the client's credentials.
        if (!(error instanceof Chat4AllError) || error.status >= 500 || error.status === 429) throw error;
      }
    }
    const grant: Record<string, string> = { grant_type: 'client_credentials' };
    if (this.options.scope) grant.scope = this.options.scope;
    return this.store(await this.post('/auth/token', grant));
  }

  private store(body: Record<string, unknown>): TokenSet {
    const issuedAt = this.now();
    const set = {
      accessToken: String(body.access_token),
      refreshToken: String(body.refresh_token),
      expiresAt: issuedAt + Number(body.expires_in) * 1000,
      issuedAt,
      scope: typeof body.scope === 'string' ? body.scope : '',
    };
    this.current = set;
    return set;
  }

  private async post(path: string, fields: Record<string, string>): Promise<Record<string, unknown>> {
    const credentials = btoa(`${encodeURIComponent(this.options.clientId)}:${encodeURIComponent(this.options.clientSecret)}`);
    const response = await this.options.fetch(
      new Request(new URL(path, this.options.baseUrl), {
        method: 'POST',
        headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(fields).toString(),
      }),
    );
    if (!response.ok) throw await Chat4AllError.from(response);
    return (await response.json()) as Record<string, unknown>;
  }
}

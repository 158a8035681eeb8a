import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type RevocationKind = 'user' | 'client' | 'session';

export interface RevocationRow {
  kind: RevocationKind;
  subject: string;
  revoked_at: Date;
}

// The revocation list is not a table of its own: it is what auth already records when access
// ends early (users.disabled_at, api_clients.disabled_at, refresh_tokens.revoked_at per family),
// read back over the window in which an access token issued before it can still be valid.
@Injectable()
export class RevocationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every user, client and refresh-token family whose access ended within the last `windowSeconds`. */
  async since(windowSeconds: number): Promise<RevocationRow[]> {
    return this.dataSource.query<RevocationRow[]>(
      `SELECT 'user' AS kind, id::text AS subject, disabled_at AS revoked_at FROM auth.users
        WHERE disabled_at > now() - $1 * interval '1 second'
       UNION ALL
       SELECT 'client', client_id, disabled_at FROM auth.api_clients
        WHERE disabled_at > now() - $1 * interval '1 second'
       UNION ALL
       SELECT 'session', family_id::text, max(revoked_at) FROM auth.refresh_tokens
        WHERE revoked_at IS NOT NULL AND revoked_at > now() - $1 * interval '1 second'
        GROUP BY family_id`,
      [windowSeconds],
    );
  }
}

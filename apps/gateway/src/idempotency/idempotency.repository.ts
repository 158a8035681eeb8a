import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StoredKey {
  request_hash: string;
  status_code: number | null;
  response_body: unknown;
}

// Every SQL statement on gateway.idempotency_keys.
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims the key: inserts its row, or takes over one that expired or whose request was abandoned
   * (in flight for longer than `abandonAfterSeconds`). False if someone else holds it.
   */
  async claim(userId: string, key: string, requestHash: string, ttlSeconds: number, abandonAfterSeconds: number): Promise<boolean> {
    const claimed = await this.dataSource.query<unknown[]>(
      `INSERT INTO gateway.idempotency_keys AS k (user_id, key, request_hash, expires_at)
       VALUES ($1, $2, $3, now() + $4 * interval '1 second')
       ON CONFLICT (user_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status_code = NULL, response_headers = NULL, response_body = NULL,
             created_at = now(), expires_at = EXCLUDED.expires_at
       WHERE k.expires_at < now() OR (k.status_code IS NULL AND k.created_at < now() - $5 * interval '1 second')
       RETURNING k.user_id`,
      [userId, key, requestHash, ttlSeconds, abandonAfterSeconds],
    );
    return claimed.length > 0;
  }

  async find(userId: string, key: string): Promise<StoredKey | undefined> {
    const [row] = await this.dataSource.query<StoredKey[]>(
      `SELECT request_hash, status_code, response_body FROM gateway.idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
    return row;
  }

  async storeResponse(userId: string, key: string, statusCode: number, body: unknown): Promise<void> {
    await this.dataSource.query(`UPDATE gateway.idempotency_keys SET status_code = $3, response_body = $4 WHERE user_id = $1 AND key = $2`, [
      userId,
      key,
      statusCode,
      JSON.stringify(body ?? null),
    ]);
  }

  /** Deletes the key if its request has not stored a response. */
  async deleteInFlight(userId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM gateway.idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NULL`, [userId, key]);
  }

  /** Deletes up to `batch` expired keys. */
  async deleteExpired(batch: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM gateway.idempotency_keys WHERE ctid IN (SELECT ctid FROM gateway.idempotency_keys WHERE expires_at < now() LIMIT $1)`,
      [batch],
    );
  }
}

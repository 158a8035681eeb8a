import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export type Claim =
  | { kind: 'new' }
  | { kind: 'replay'; statusCode: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in-flight' };

const PRUNE_INTERVAL_MS = 15 * 60_000;
const PRUNE_BATCH = 10_000;

// Storage for Idempotency-Key (NFR-016). A key is claimed by inserting its row; the first response
// is stored on it; a retry finds the row. Expired rows, and in-flight rows whose request died
// (older than the abandonment timeout), may be claimed again.
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyStore.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async claim(userId: string, key: string, requestHash: string): Promise<Claim> {
    const { ttlSeconds, abandonAfterSeconds } = this.config.idempotency;
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
    if (claimed.length > 0) return { kind: 'new' };
    const [row] = await this.dataSource.query<{ request_hash: string; status_code: number | null; response_body: unknown }[]>(
      `SELECT request_hash, status_code, response_body FROM gateway.idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
    if (!row) return this.claim(userId, key, requestHash); // pruned in between
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.status_code === null) return { kind: 'in-flight' };
    return { kind: 'replay', statusCode: row.status_code, body: row.response_body };
  }

  async complete(userId: string, key: string, statusCode: number, body: unknown): Promise<void> {
    await this.dataSource.query(`UPDATE gateway.idempotency_keys SET status_code = $3, response_body = $4 WHERE user_id = $1 AND key = $2`, [
      userId,
      key,
      statusCode,
      JSON.stringify(body ?? null),
    ]);
  }

  /** The request failed: nothing to replay, so a retry with the same key may run it again. */
  async release(userId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM gateway.idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NULL`, [userId, key]);
  }

  private async prune(): Promise<void> {
    try {
      await this.dataSource.query(
        `DELETE FROM gateway.idempotency_keys WHERE ctid IN (SELECT ctid FROM gateway.idempotency_keys WHERE expires_at < now() LIMIT ${PRUNE_BATCH})`,
      );
    } catch (error) {
      this.logger.warn({ err: error, message: 'idempotency key prune failed' });
    }
  }
}

import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { IdempotencyRepository } from './idempotency.repository';

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
    private readonly keys: IdempotencyRepository,
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
    if (await this.keys.claim(userId, key, requestHash, ttlSeconds, abandonAfterSeconds)) return { kind: 'new' };
    const row = await this.keys.find(userId, key);
    if (!row) return this.claim(userId, key, requestHash); // pruned in between
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.status_code === null) return { kind: 'in-flight' };
    return { kind: 'replay', statusCode: row.status_code, body: row.response_body };
  }

  async complete(userId: string, key: string, statusCode: number, body: unknown): Promise<void> {
    await this.keys.storeResponse(userId, key, statusCode, body);
  }

  /** The request failed: nothing to replay, so a retry with the same key may run it again. */
  async release(userId: string, key: string): Promise<void> {
    await this.keys.deleteInFlight(userId, key);
  }

  private async prune(): Promise<void> {
    try {
      await this.keys.deleteExpired(PRUNE_BATCH);
    } catch (error) {
      this.logger.warn({ err: error, message: 'idempotency key prune failed' });
    }
  }
}

import type { Type } from '@nestjs/common';

// What readiness asks of each real dependency an app uses (PostgreSQL, Redis, Kafka, S3, ...).
// Data-access libraries provide one each (DatabaseHealth, RedisHealth, KafkaHealth, StorageHealth).
export interface DependencyCheck {
  readonly dependency: string;
  check(): Promise<void>;
}

export type DependencyCheckType = Type<DependencyCheck>;

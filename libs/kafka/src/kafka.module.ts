import type { KafkaConfig, ServiceConfig } from '@chat4all/config';
import { TOPIC_SPECS } from '@chat4all/contracts';
import { MetricsRefresh, SERVICE_CONFIG, startup } from '@chat4all/platform';
import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type InjectionToken, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { ConsumerLagGauge, watchedConsumerGroups } from './consumer-lag';
import { DeadLetterSink, type DeadLetterAudit } from './dead-letter-sink';
import { createKafka } from './kafka.client';
import { KafkaHealth } from './kafka.health';
import { EventPublisher } from './event-publisher';
import { ensureTopics } from './topics';
import { isPermanentKafkaError } from './kafka-errors';
import { UnderReplicationGauge } from './under-replication';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');

@Injectable()
class KafkaLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.publisher.disconnect(), this.admin.disconnect()]);
  }
}

export interface KafkaModuleOptions {
  /** Also report `<service>_kafka_under_replicated_partitions` of the system's topics (one app is enough: outbox-relay). */
  underReplication?: boolean;
}

// The gauges that ask Kafka, on the app's MetricsRefresh interval through the module's one admin
// client: the lag of the groups this app's consumers run (none, no series), and under-replication.
@Injectable()
class KafkaMetrics {
  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(KAFKA_ADMIN) admin: Admin,
    @Inject(SERVICE_CONFIG) service: ServiceConfig,
    @Inject(MetricsRefresh) refresh: MetricsRefresh,
    @Inject(KAFKA_MODULE_OPTIONS) options: KafkaModuleOptions,
  ) {
    const lag = new ConsumerLagGauge(admin, service.name, () => watchedConsumerGroups(kafka));
    refresh.add('kafka consumer lag', () => lag.refresh());
    if (options.underReplication) {
      const replication = new UnderReplicationGauge(admin, service.name, TOPIC_SPECS.map((t) => t.name));
      refresh.add('kafka under-replicated partitions', () => replication.refresh());
    }
  }
}

@Global()
@Module({})
export class KafkaModule {
  static forRoot(config: KafkaConfig, options: KafkaModuleOptions = {}): DynamicModule {
    const logger = new Logger('Kafka');
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka(config, {
              error: (o, m) => logger.error({ ...o, message: m }),
              warn: (o, m) => logger.warn({ ...o, message: m }),
              info: (o, m) => logger.log({ ...o, message: m }),
              debug: (o, m) => logger.debug({ ...o, message: m }),
            }),
        },
        {
          provide: KAFKA_ADMIN,
          inject: [KAFKA],
          useFactory: async (kafka: Kafka) => {
            // Few retries of its own: start-up's step retries (and logs) instead, and readiness, which
            // asks this admin, fails within its bound rather than after kafkajs' whole backoff.
            const admin = kafka.admin({ retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2_000 } });
            await startup.step('kafka', 'connect', () => admin.connect(), { isPermanent: isPermanentKafkaError });
            const result = await startup.step('kafka', 'create topics', () => ensureTopics(admin, TOPIC_SPECS, config.topicDefaults), { isPermanent: isPermanentKafkaError });
            logger.log({ created: result.created, existing: result.existing.length, message: 'topics ensured' });
            return admin;
          },
        },
        {
          provide: EventPublisher,
          inject: [KAFKA],
          useFactory: async (kafka: Kafka) => {
            const publisher = new EventPublisher(kafka);
            await startup.step('kafka', 'connect producer', () => publisher.connect(), { isPermanent: isPermanentKafkaError });
            return publisher;
          },
        },
        { provide: KafkaHealth, inject: [KAFKA_ADMIN], useFactory: (admin: Admin) => new KafkaHealth(admin) },
        KafkaLifecycle,
        { provide: KAFKA_MODULE_OPTIONS, useValue: options },
        KafkaMetrics,
      ],
      exports: [KAFKA, KAFKA_ADMIN, EventPublisher, KafkaHealth],
    };
  }
}

/**
 * The app's DeadLetterSink, on the module's publisher, auditing through `audit` (the app's AuditLog:
 * this library cannot import @chat4all/audit, a sibling data-access library), counting under the app's name.
 */
export function deadLetterSinkProvider(audit: InjectionToken<DeadLetterAudit>): Provider {
  return {
    provide: DeadLetterSink,
    inject: [EventPublisher, audit, SERVICE_CONFIG],
    useFactory: (publisher: EventPublisher, log: DeadLetterAudit, service: ServiceConfig) => new DeadLetterSink(publisher, log, { service: service.name }),
  };
}

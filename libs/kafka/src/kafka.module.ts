import type { KafkaConfig } from '@chat4all/config';
import { TOPIC_SPECS } from '@chat4all/contracts';
import { startup } from '@chat4all/platform';
import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type InjectionToken, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { DeadLetterSink, type DeadLetterAudit, type DeadLetterSinkOptions } from './dead-letter-sink';
import { createKafka } from './kafka.client';
import { KafkaHealth } from './kafka.health';
import { EventPublisher } from './event-publisher';
import { ensureTopics } from './topics';
import { isPermanentKafkaError } from './kafka-errors';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');

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

@Global()
@Module({})
export class KafkaModule {
  static forRoot(config: KafkaConfig): DynamicModule {
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
      ],
      exports: [KAFKA, KAFKA_ADMIN, EventPublisher, KafkaHealth],
    };
  }
}

/**
 * The app's DeadLetterSink, on the module's publisher, auditing through `audit` (the app's AuditLog:
 * this library cannot import @chat4all/audit, a sibling data-access library).
 */
export function deadLetterSinkProvider(options: DeadLetterSinkOptions, audit: InjectionToken<DeadLetterAudit>): Provider {
  return { provide: DeadLetterSink, inject: [EventPublisher, audit], useFactory: (publisher: EventPublisher, log: DeadLetterAudit) => new DeadLetterSink(publisher, log, options) };
}

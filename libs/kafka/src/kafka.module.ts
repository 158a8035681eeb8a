import type { KafkaConfig } from '@chat4all/config';
import { TOPIC_SPECS } from '@chat4all/contracts';
import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka } from './kafka.client';
import { KafkaHealth } from './kafka.health';
import { EventPublisher } from './event-publisher';
import { ensureTopics } from './topics';

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
            const admin = kafka.admin();
            await admin.connect();
            const result = await ensureTopics(admin, TOPIC_SPECS, config.topicDefaults);
            logger.log({ created: result.created, existing: result.existing.length, message: 'topics ensured' });
            return admin;
          },
        },
        {
          provide: EventPublisher,
          inject: [KAFKA],
          useFactory: async (kafka: Kafka) => {
            const publisher = new EventPublisher(kafka);
            await publisher.connect();
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

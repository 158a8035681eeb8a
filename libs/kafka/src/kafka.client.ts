import type { KafkaConfig } from '@chat4all/config';
import { Kafka, logLevel as KafkaLogLevel, type AdminConfig, type ConsumerConfig, type KafkaConfig as KafkaJsConfig, type LogEntry, type logCreator, type ProducerConfig } from 'kafkajs';
import type { Counter } from 'prom-client';
import { countKafkaClientErrors, kafkaClientErrors } from './kafka-client-metrics';
import './request-queue-fix';

export interface KafkaLogSink {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

// Route kafkajs' own logs into the service's structured logger instead of its console output.
const toSink =
  (sink: KafkaLogSink): logCreator =>
  () =>
  ({ level, log, namespace }: LogEntry) => {
    const { message, ...extra } = log;
    const fields = { kafka_namespace: namespace, ...extra };
    if (level === KafkaLogLevel.ERROR) sink.error(fields, message);
    else if (level === KafkaLogLevel.WARN) sink.warn(fields, message);
    else if (level === KafkaLogLevel.INFO) sink.info(fields, message);
    else sink.debug(fields, message);
  };

// Every producer, consumer and admin made from it counts its error events (kafka-client-metrics.ts).
class InstrumentedKafka extends Kafka {
  constructor(
    config: KafkaJsConfig,
    private readonly errors: Counter<'client' | 'kind'>,
  ) {
    super(config);
  }

  override producer(config?: ProducerConfig) {
    return countKafkaClientErrors(super.producer(config), 'producer', this.errors);
  }

  override consumer(config: ConsumerConfig) {
    return countKafkaClientErrors(super.consumer(config), 'consumer', this.errors);
  }

  override admin(config?: AdminConfig) {
    return countKafkaClientErrors(super.admin(config), 'admin', this.errors);
  }
}

/** A client of the configured brokers; its clients' errors are counted under the client id (the app's name). */
export function createKafka(config: KafkaConfig, sink?: KafkaLogSink): Kafka {
  return new InstrumentedKafka(
    {
      clientId: config.clientId,
      brokers: config.brokers,
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
      logLevel: KafkaLogLevel.WARN,
      ...(sink ? { logCreator: toSink(sink) } : {}),
    },
    kafkaClientErrors(config.clientId),
  );
}

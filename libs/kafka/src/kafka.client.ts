import type { KafkaConfig } from '@chat4all/config';
import { Kafka, logLevel as KafkaLogLevel, type LogEntry, type logCreator } from 'kafkajs';

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

export function createKafka(config: KafkaConfig, sink?: KafkaLogSink): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    logLevel: KafkaLogLevel.WARN,
    ...(sink ? { logCreator: toSink(sink) } : {}),
  });
}

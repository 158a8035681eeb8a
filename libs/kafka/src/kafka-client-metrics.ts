import { metricPrefix, registeredCounter } from '@chat4all/telemetry';
import type { Admin, Consumer, Producer } from 'kafkajs';
import type { Counter } from 'prom-client';

export type KafkaClientKind = 'producer' | 'consumer' | 'admin';
type ErrorKind = 'crash' | 'request_timeout' | 'disconnect';
type ErrorLabels = 'client' | 'kind';

/** What the three kafkajs clients have in common: instrumentation events and disconnect(). */
interface InstrumentedClient {
  readonly events: { DISCONNECT: string; REQUEST_TIMEOUT: string; CRASH?: string };
  on(event: string, listener: () => void): unknown;
  disconnect(): Promise<void>;
}

export const kafkaClientErrors = (service: string): Counter<ErrorLabels> =>
  registeredCounter({
    name: `${metricPrefix(service)}_kafka_client_errors_total`,
    help: 'kafkajs client errors, by client (producer, consumer, admin) and kind (crash, request_timeout, disconnect: disconnected without being asked to)',
    labelNames: ['client', 'kind'],
  });

/**
 * Counts a client's error events in `errors`: a consumer's crash, a request timing out, and a
 * disconnect nobody asked for (kafkajs disconnects a consumer that crashed; one its owner closes
 * is not an error). Every series starts at 0, so rate() sees the first error.
 */
export function countKafkaClientErrors<C extends Producer | Consumer | Admin>(client: C, kind: KafkaClientKind, errors: Counter<ErrorLabels>): C {
  const instrumented = client as unknown as InstrumentedClient;
  const count = (error: ErrorKind) => () => errors.inc({ client: kind, kind: error });
  const kinds: ErrorKind[] = instrumented.events.CRASH ? ['crash', 'request_timeout', 'disconnect'] : ['request_timeout', 'disconnect'];
  for (const k of kinds) errors.inc({ client: kind, kind: k }, 0);
  if (instrumented.events.CRASH) instrumented.on(instrumented.events.CRASH, count('crash'));
  instrumented.on(instrumented.events.REQUEST_TIMEOUT, count('request_timeout'));
  let closing = false;
  const disconnect = instrumented.disconnect.bind(instrumented);
  instrumented.disconnect = async () => {
    closing = true;
    try {
      await disconnect();
    } finally {
      closing = false;
    }
  };
  instrumented.on(instrumented.events.DISCONNECT, () => {
    if (!closing) count('disconnect')();
  });
  return client;
}

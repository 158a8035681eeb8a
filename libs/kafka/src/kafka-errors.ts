import { KafkaJSError, KafkaJSProtocolError } from 'kafkajs';

// Kafka answers a retry cannot change: refused credentials and missing ACLs. Everything else that start-up
// meets (no broker yet, no leader, the group coordinator still loading, NOT_COORDINATOR, too few brokers
// for the replication factor while a cluster forms) passes, so it is retried within STARTUP_TIMEOUT_MS.
const PERMANENT_PROTOCOL_ERRORS = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'INVALID_CONFIG',
  'POLICY_VIOLATION',
]);

/** Walks kafkajs' wrappers (retries exceeded → its cause) down to the error the broker gave. */
export function isPermanentKafkaError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e.name === 'KafkaJSSASLAuthenticationError') return true;
    if (e instanceof KafkaJSProtocolError && PERMANENT_PROTOCOL_ERRORS.has(e.type)) return true;
    if (!(e instanceof KafkaJSError)) return false;
  }
  return false;
}

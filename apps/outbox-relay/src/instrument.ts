import { loadConfigOrExit } from '@chat4all/config';
import { startTracing } from '@chat4all/telemetry';
import { loadOutboxRelayConfig } from './config';

// First import of main.ts: config fails fast, then tracing hooks load before any instrumented library.
export const config = loadConfigOrExit('outbox-relay', () => loadOutboxRelayConfig());
export const tracing = startTracing({ serviceName: 'outbox-relay', ...config.service.telemetry });

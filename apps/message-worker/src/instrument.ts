import { loadConfigOrExit } from '@chat4all/config';
import { startTracing } from '@chat4all/telemetry';
import { loadMessageWorkerConfig } from './config';

// First import of main.ts: config fails fast, then tracing hooks load before any instrumented library.
export const config = loadConfigOrExit('message-worker', () => loadMessageWorkerConfig());
export const tracing = startTracing({ serviceName: 'message-worker', ...config.service.telemetry });

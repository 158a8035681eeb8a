import { loadConfigOrExit } from '@chat4all/config';
import { startTracing } from '@chat4all/telemetry';
import { loadRealtimeConfig } from './config';

// First import of main.ts: config fails fast, then tracing hooks load before any instrumented library.
export const config = loadConfigOrExit('realtime', () => loadRealtimeConfig());
export const tracing = startTracing({ serviceName: 'realtime', ...config.service.telemetry });

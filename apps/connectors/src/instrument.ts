import { loadConfigOrExit } from '@chat4all/config';
import { startTracing } from '@chat4all/telemetry';
import { loadConnectorsConfig } from './config';

// First import of main.ts: config fails fast, then tracing hooks load before any instrumented library.
export const config = loadConfigOrExit('connectors', () => loadConnectorsConfig());
export const tracing = startTracing({ serviceName: 'connectors', ...config.service.telemetry });

import { loadConfigOrExit } from '@chat4all/config';
import { startTracing } from '@chat4all/telemetry';
import { loadGatewayConfig } from './config';

// First import of main.ts: config fails fast, then tracing hooks load before any instrumented library.
export const config = loadConfigOrExit('gateway', () => loadGatewayConfig());
export const tracing = startTracing({ serviceName: 'gateway', ...config.service.telemetry });

import { loadConfigOrExit } from '@chat4all/config';
import { startTracing } from '@chat4all/telemetry';
import { loadFileServiceConfig } from './config';

// First import of main.ts: config fails fast, then tracing hooks load before any instrumented library.
export const config = loadConfigOrExit('file-service', () => loadFileServiceConfig());
export const tracing = startTracing({ serviceName: 'file-service', ...config.service.telemetry });

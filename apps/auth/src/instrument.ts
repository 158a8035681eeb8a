import { loadConfigOrExit } from '@chat4all/config';
import { startTracing } from '@chat4all/telemetry';
import { loadAuthConfig } from './config';

// First import of main.ts: config fails fast, then tracing hooks load before any instrumented library.
export const config = loadConfigOrExit('auth', () => loadAuthConfig());
export const tracing = startTracing({ serviceName: 'auth', ...config.service.telemetry });

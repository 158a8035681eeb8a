import { config, tracing } from './instrument';
import { startService } from '@chat4all/platform';
import { AppModule } from './app.module';

// Webhook routes read their bodies as bytes (@RawBody): signatures cover the exact bytes the provider sent.
startService({ module: AppModule.register(config, tracing), service: config.service, rawBodyLimitBytes: config.connectors.webhookMaxBodyBytes });

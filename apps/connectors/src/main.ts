import { config, tracing } from './instrument';
import { startService } from '@chat4all/platform';
import { AppModule } from './app.module';

// rawBody: webhook signatures (X-Hub-Signature-256) cover the exact bytes the provider sent.
startService({ module: AppModule.register(config, tracing), service: config.service, rawBody: true });

import { config, tracing } from './instrument';
import { startService } from '@chat4all/platform';
import { AppModule } from './app.module';

startService({ module: AppModule.register(config, tracing), service: config.service });

import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { PlatformModule } from '@chat4all/platform';
import type { Tracing } from '@chat4all/telemetry';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from './config';
import { authDataSourceSpec } from './database/data-source-spec';
import { RevocationsModule } from './revocations/revocations.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

@Global()
@Module({})
export class AppModule {
  static register(config: AuthConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth], tracing }),
        DatabaseModule.forRoot(config.database, authDataSourceSpec),
        SigningKeysModule,
        TokensModule,
        RevocationsModule,
        UsersModule,
      ],
      providers: [{ provide: AUTH_CONFIG, useValue: config }],
      exports: [AUTH_CONFIG],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { DependencyCheckType } from './dependency-check';
import { HEALTH_OPTIONS, HealthController } from './health.controller';

@Module({})
export class HealthModule {
  static register(checks: DependencyCheckType[], timeoutMs = 2_000): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: HEALTH_OPTIONS, useValue: { checks, timeoutMs } }],
    };
  }
}

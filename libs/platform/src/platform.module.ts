import type { ServiceConfig } from '@chat4all/config';
import { flushLogShipping, logDestination, pinoOptions } from '@chat4all/telemetry';
import type { Tracing } from '@chat4all/telemetry';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import type { DependencyCheckType } from './dependency-check';
import { HealthModule } from './health.module';
import { isInternalRequest } from './internal-listener';
import { MetricsRefresh } from './metrics-refresh';
import { ProblemDetailsFilter } from './problem.filter';
import { SERVICE_CONFIG } from './service-config.token';

const TRACING = Symbol('TRACING');

// Flushes buffered spans and log lines after everything else has shut down.
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.tracing.shutdown(), flushLogShipping()]);
  }
}

export interface PlatformOptions {
  service: ServiceConfig;
  /** The real dependencies readiness checks: one provider per dependency this app uses. */
  readiness: DependencyCheckType[];
  tracing: Tracing;
}

// What every app has from its first commit: JSON logs with service/trace_id/request_id, Prometheus
// /metrics, /health/live and /health/ready (served on the internal listener only, see
// internal-listener.ts), and problem+json errors. Global: every module can inject the app's
// ServiceConfig (SERVICE_CONFIG) and its MetricsRefresh.
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { service } = options;
    return {
      module: PlatformModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [
            {
              ...pinoOptions(service.name, service.logLevel),
              customAttributeKeys: { reqId: 'request_id' },
              // Probes and scrapes, every few seconds: not worth a line each. (The same paths asked on
              // the public port are logged: someone looking for them.)
              autoLogging: { ignore: (req) => isInternalRequest(req) },
              quietReqLogger: true,
            },
            logDestination(service.name, service.logShipping),
          ],
        }),
        PrometheusModule.register({
          path: '/metrics',
          defaultLabels: { service: service.name },
          defaultMetrics: { enabled: true, config: { eventLoopMonitoringPrecision: service.metrics.eventLoopResolutionMs } },
        }),
        HealthModule.register(options.readiness),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: TRACING, useValue: options.tracing },
        TracingShutdown,
        { provide: SERVICE_CONFIG, useValue: service },
        { provide: MetricsRefresh, useFactory: () => new MetricsRefresh(service.metrics.refreshIntervalMs) },
      ],
      exports: [SERVICE_CONFIG, MetricsRefresh],
    };
  }
}

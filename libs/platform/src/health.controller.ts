import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type { DependencyCheck, DependencyCheckType } from './dependency-check';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  checks: DependencyCheckType[];
  /** A dependency that does not answer within this bound counts as down. */
  timeoutMs: number;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  // Liveness says only that the process serves requests: a dependency outage must not get it killed.
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  // Readiness: 200 when every dependency answers, else 503 naming the ones that are down.
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const checks = this.options.checks.map((type) => this.moduleRef.get<DependencyCheck>(type, { strict: false }));
    try {
      return await this.health.check(
        checks.map((c) => async () => {
          const session = this.indicators.check(c.dependency);
          try {
            await withTimeout(c.check(), this.options.timeoutMs);
            return session.up();
          } catch (error) {
            return session.down({ message: (error as Error).message || String(error) });
          }
        }),
      );
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}

import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RateLimits } from './rate-limits';
import { WriteRateLimitInterceptor } from './write-rate-limit.interceptor';

@Global()
@Module({
  providers: [RateLimits, { provide: APP_INTERCEPTOR, useClass: WriteRateLimitInterceptor }],
  exports: [RateLimits],
})
export class RateLimitModule {}

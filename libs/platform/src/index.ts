export type { DependencyCheck, DependencyCheckType } from './dependency-check';
export { HealthModule } from './health.module';
export { ProblemDetailsFilter, ProblemException } from './problem.filter';
export { PlatformModule } from './platform.module';
export type { PlatformOptions } from './platform.module';
export { instrumentHttp } from './http-metrics';
export { grpcClientOptions, grpcServerOptions } from './grpc-options';
export { runService, startService } from './run-service';
export type { RunServiceOptions } from './run-service';

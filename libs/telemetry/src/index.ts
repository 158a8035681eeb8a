export { startTracing } from './tracing';
export type { Tracing, TracingOptions } from './tracing';
export { currentTraceId, extractTraceContext, injectTraceHeaders } from './trace-headers';
export type { RecordHeaders } from './trace-headers';
export { pinoOptions, REDACTED_PATHS } from './logger-options';
export { HTTP_DURATION_BUCKETS, metricPrefix } from './metric-names';

export { startTracing } from './tracing';
export type { Tracing, TracingOptions } from './tracing';
export { currentTraceId, extractTraceContext, injectTraceHeaders, traceparentOf } from './trace-headers';
export type { RecordHeaders } from './trace-headers';
export { pinoOptions, REDACTED_PATHS } from './logger-options';
export { flushLogShipping, logDestination, LogShipper } from './log-shipper';
export type { LogShipperOptions } from './log-shipper';
export { HTTP_DURATION_BUCKETS, metricPrefix } from './metric-names';
export { registeredCounter, registeredGauge, registeredHistogram } from './registered-metrics';

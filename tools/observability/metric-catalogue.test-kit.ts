// The metric catalogue of issue 13 (the names the apps export), plus `up` and prom-client's default
// process_*/nodejs_* metrics: what alert rules and dashboards may select. Histograms are selected
// through their _bucket, _count and _sum series only.
const PREFIXES = ['auth', 'gateway', 'realtime', 'outbox_relay', 'message_worker', 'file_service', 'connectors'];
// <prefix>_<suffix>, exported by several apps.
const PER_SERVICE = {
  gauges: [
    'kafka_consumer_lag_messages',
    'dead_letters_total',
    'db_pool_connections_max',
    'db_pool_connections_in_use',
    'db_pool_connections_idle',
    'db_pool_requests_waiting',
    'redis_errors_total',
    'kafka_client_errors_total',
    'grpc_client_circuit_state',
    's3_circuit_state',
  ],
  histograms: ['http_request_duration_seconds', 'grpc_server_duration_seconds', 'grpc_client_duration_seconds'],
};
// One app's own metrics.
const SINGLE = {
  gauges: [
    'outbox_relay_kafka_under_replicated_partitions',
    'outbox_relay_outbox_pending_events',
    'outbox_relay_outbox_oldest_age_seconds',
    'outbox_relay_events_published_total',
    'outbox_relay_publish_failures_total',
    'message_worker_dead_letters_pending',
    'message_worker_events_total',
    'realtime_websocket_connections',
    'realtime_websocket_frames_sent_total',
    'realtime_websocket_frames_received_total',
    'connectors_circuit_state',
    'connectors_sends_total',
    'up',
  ],
  histograms: [
    'message_worker_accept_to_processed_seconds',
    'realtime_accept_to_delivered_seconds',
    'connectors_accept_to_sent_seconds',
    'connectors_send_duration_seconds',
  ],
};

const HISTOGRAM_SERIES = /_(bucket|count|sum)$/;
const histogramSeries = (name: string, histograms: string[]) => HISTOGRAM_SERIES.test(name) && histograms.includes(name.replace(HISTOGRAM_SERIES, ''));
const perService = (name: string, check: (suffix: string) => boolean) =>
  PREFIXES.some((p) => name.startsWith(`${p}_`) && check(name.slice(p.length + 1)));

// A suffix of {__name__=~".+_<suffix>"}: a per-service gauge or counter, or a per-service histogram's series.
const cataloguedSuffix = (suffix: string) => PER_SERVICE.gauges.includes(suffix) || histogramSeries(suffix, PER_SERVICE.histograms);
const catalogued = (name: string) =>
  SINGLE.gauges.includes(name) || histogramSeries(name, SINGLE.histograms) || /^(process|nodejs)_/.test(name) || perService(name, cataloguedSuffix);

// The metric names an expression selects: what is left once strings, label matchers, grouping
// clauses, range selectors, functions and keywords are taken out.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'and', 'or', 'unless', 'bool']);
function metricsOf(expr: string): { names: string[]; suffixes: string[] } {
  const suffixes = [...expr.matchAll(/__name__=~"\.\+_([a-z0-9_]+)"/g)].map((m) => m[1]);
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\boffset\s+\w+/g, '');
  const names = [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?!\s*\(|[a-zA-Z0-9_:])/g)].map((m) => m[0]).filter((n) => !KEYWORDS.has(n));
  return { names, suffixes };
}

/** The names in an expression that are not in the catalogue (an expression selecting nothing counts as one). */
export function uncataloguedMetrics(expr: string): string[] {
  const { names, suffixes } = metricsOf(expr);
  if (names.length + suffixes.length === 0) return [`no metric in ${expr}`];
  return [...names.filter((n) => !catalogued(n)), ...suffixes.filter((s) => !cataloguedSuffix(s)).map((s) => `.+_${s}`)];
}

// Metric names follow <service>_<operation>_<unit> (NFR-023); service names use '_' not '-'.
export const metricPrefix = (service: string): string => service.replace(/[^a-zA-Z0-9]/g, '_');

export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10];

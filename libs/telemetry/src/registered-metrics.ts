import { Counter, Gauge, Histogram, register, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

// A library's metric may be asked for more than once in a process (two clients, a test creating its
// own): the first registration wins and later callers share it, instead of prom-client throwing on a
// duplicate name. Always in the default registry, which /metrics serves.

export function registeredCounter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return (register.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter({ ...config, registers: [register] });
}

export function registeredGauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return (register.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new Gauge({ ...config, registers: [register] });
}

export function registeredHistogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return (register.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram({ ...config, registers: [register] });
}

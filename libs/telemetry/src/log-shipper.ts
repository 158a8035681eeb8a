import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Counter, register } from 'prom-client';
import { metricPrefix } from './metric-names';

export interface LogShipperOptions {
  /** VictoriaLogs base URL (http://host:9428). */
  url: string;
  service: string;
  flushIntervalMs: number;
  /** Lines kept while the store does not answer; beyond this the oldest go (and are counted). */
  maxBufferedLines: number;
  /** Upper bound of one request's body. */
  maxBatchBytes?: number;
  requestTimeoutMs?: number;
}

const DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

function counter(name: string, help: string): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, registers: [register] });
}

/**
 * A pino destination that sends the app's JSON lines to VictoriaLogs' JSON-lines API in batches, so
 * they can be searched by trace_id, service, level and time (NFR-025); stdout keeps getting every line.
 * Shipping never blocks or fails logging: lines wait in a bounded buffer while the store is away, the
 * oldest are dropped beyond it (counted in <service>_log_lines_dropped_total), and requests go out
 * with tracing suppressed, so shipping logs makes no spans (and no log lines) of its own.
 */
export class LogShipper extends Writable {
  private lines: string[] = [];
  private bytes = 0;
  private inFlight?: Promise<void>;
  private readonly timer: NodeJS.Timeout;
  private readonly endpoint: string;
  private readonly shipped: Counter;
  private readonly dropped: Counter;
  private readonly failures: Counter;

  constructor(private readonly options: LogShipperOptions) {
    super({ decodeStrings: false });
    const params = new URLSearchParams({ _stream_fields: 'service', _msg_field: 'message', _time_field: 'timestamp' });
    this.endpoint = `${options.url.replace(/\/$/, '')}/insert/jsonline?${params.toString()}`;
    const prefix = metricPrefix(options.service);
    this.shipped = counter(`${prefix}_log_lines_shipped_total`, 'Log lines the log store accepted');
    this.dropped = counter(`${prefix}_log_lines_dropped_total`, 'Log lines dropped because the log store was unreachable and the buffer full');
    this.failures = counter(`${prefix}_log_ship_failures_total`, 'Batches of log lines the log store did not accept (kept and sent again)');
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs).unref();
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    // pino writes one line per call, newline included.
    const line = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    this.lines.push(line);
    this.bytes += line.length;
    this.trimToBound();
    if (this.bytes >= (this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES)) void this.flush();
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    clearInterval(this.timer);
    this.flush().then(() => done(), () => done());
  }

  /** Sends what is buffered (one request at a time); resolves when the store answered or failed. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.lines.length === 0) return;
    const batch = this.takeBatch();
    this.inFlight = context.with(suppressTracing(context.active()), () => this.send(batch));
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
  }

  private takeBatch(): string[] {
    const limit = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    let size = 0;
    let n = 0;
    while (n < this.lines.length && (n === 0 || size + (this.lines[n]?.length ?? 0) <= limit)) size += this.lines[n++]?.length ?? 0;
    const batch = this.lines.splice(0, n);
    this.bytes -= size;
    return batch;
  }

  private async send(batch: string[]): Promise<void> {
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/stream+json' },
        body: batch.join(''),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`log store answered ${response.status}`);
      this.shipped.inc(batch.length);
    } catch {
      // Back to the front of the queue for the next flush (the bound still applies).
      this.failures.inc();
      this.lines.unshift(...batch);
      for (const line of batch) this.bytes += line.length;
      this.trimToBound();
    }
  }

  /** Drops the oldest lines beyond maxBufferedLines, and counts them. */
  private trimToBound(): void {
    const overflow = this.lines.length - this.options.maxBufferedLines;
    if (overflow <= 0) return;
    for (const old of this.lines.splice(0, overflow)) this.bytes -= old.length;
    this.dropped.inc(overflow);
  }
}

let shipper: LogShipper | undefined;

/**
 * Where an app's log lines go: stdout, and with shipping configured also the log store (one shipper
 * per process, shared by every logger of the app).
 */
export function logDestination(service: string, shipping?: Omit<LogShipperOptions, 'service'>): pino.DestinationStream {
  const stdout = pino.destination({ dest: 1, sync: true });
  if (!shipping) return stdout;
  shipper ??= new LogShipper({ ...shipping, service });
  return pino.multistream([
    { level: 'trace', stream: stdout },
    { level: 'trace', stream: shipper },
  ]);
}

/** Sends the lines still buffered for the log store (at shutdown). */
export async function flushLogShipping(): Promise<void> {
  await shipper?.flush();
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import { LogShipper } from './log-shipper';

// A loopback HTTP server standing in for the log store's JSON-lines endpoint (the integration suite
// ships to a real VictoriaLogs): what arrives, and whether it answers.
interface LogStore {
  server: Server;
  url: string;
  bodies: string[];
  paths: string[];
  status: number;
}

function logStore(): Promise<LogStore> {
  const bodies: string[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      bodies.push(body);
      paths.push(req.url ?? '');
      res.writeHead(store.status).end();
    });
  });
  const store: LogStore = { server, bodies, paths, url: '', status: 204 };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      store.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve(store);
    }),
  );
}

const line = (n: number) => `${JSON.stringify({ level: 'info', service: 'gateway', message: `line ${n}`, timestamp: new Date().toISOString() })}\n`;
const metric = async (name: string) => (await register.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;

describe('LogShipper', () => {
  afterEach(() => register.resetMetrics());

  it('sends buffered lines as JSON lines, with the fields the store indexes by', async () => {
    const store = await logStore();
    const shipper = new LogShipper({ url: store.url, service: 'gateway', flushIntervalMs: 60_000, maxBufferedLines: 100 });
    try {
      shipper.write(line(1));
      shipper.write(line(2));
      await shipper.flush();
      expect(store.bodies).toHaveLength(1);
      expect(store.bodies[0]?.trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['line 1', 'line 2']);
      expect(new URL(store.paths[0] ?? '', store.url).searchParams.get('_stream_fields')).toBe('service');
      expect(await metric('gateway_log_lines_shipped_total')).toBe(2);
    } finally {
      shipper.destroy();
      store.server.close();
    }
  });

  it('keeps at most maxBufferedLines while the store fails, drops the oldest and counts them, and sends the rest once it answers', async () => {
    const store = await logStore();
    store.status = 503;
    const shipper = new LogShipper({ url: store.url, service: 'gateway', flushIntervalMs: 60_000, maxBufferedLines: 3 });
    try {
      for (let n = 1; n <= 5; n++) shipper.write(line(n));
      await new Promise((resolve) => setImmediate(resolve));
      expect(await metric('gateway_log_lines_dropped_total')).toBe(2);
      await shipper.flush(); // refused: the three lines stay
      expect(await metric('gateway_log_ship_failures_total')).toBe(1);
      store.status = 204;
      await shipper.flush();
      const sent = store.bodies.at(-1)?.trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message);
      expect(sent).toEqual(['line 3', 'line 4', 'line 5']);
    } finally {
      shipper.destroy();
      store.server.close();
    }
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

// For tests: the business's webhook endpoint, on 127.0.0.1 and a free port, keeping every request
// exactly as received (the raw bytes are what signatures cover).
export class WebhookSink {
  readonly received: ReceivedWebhook[] = [];
  /** What the endpoint answers; a non-2xx makes the simulated platform retry. */
  answer = 200;
  private server?: Server;
  private address?: string;

  get url(): string {
    if (!this.address) throw new Error('webhook sink is not started');
    return `${this.address}/webhooks`;
  }

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, rawBody: Buffer.concat(chunks) });
        response.writeHead(this.answer).end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Polls until `probe` returns a value (not undefined or false), or fails after the deadline. */
export async function pollUntil<T>(probe: () => T | undefined | false, what: string, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

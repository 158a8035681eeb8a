import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// A port for an app a test (or a benchmark) starts. Not port 0's pick: that comes from the kernel's
// ephemeral range, the same range every outgoing connection of the machine takes its source port
// from, so between this check and the app's listen() a connection of any process (a Kafka client, a
// Patroni replica) could take it (EADDRINUSE at start-up). A random port below that range, free now
// and not handed out before by this process, only collides with another process doing the same.
const FIRST_PORT = 20_000;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (32768 unless configured otherwise). */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && low > FIRST_PORT + 1_000 ? low : 32_768;
  } catch {
    return 32_768; // not Linux
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const last = ephemeralStart() - 1;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * (last - FIRST_PORT + 1));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${FIRST_PORT} and ${last}`);
}
